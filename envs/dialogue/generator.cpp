#include "envs/dialogue/generator.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/random.hpp"
#include "envs/text/tokenizer.hpp"

namespace saccade {
namespace {

using Phrasings = std::vector<std::string>;
using SlotPhrasings = std::array<Phrasings, kDialogueSlots>;  // slot order: cuisine, location, price, people

// bAbI's ten cuisines and locations, and six of each that no training dialogue uses.
const Phrasings kCuisines = {"british", "cantonese", "french", "indian", "italian",
                             "japanese", "korean", "spanish", "thai", "vietnamese"};
const Phrasings kOovCuisines = {"mexican", "greek", "turkish", "lebanese", "ethiopian", "peruvian"};
const Phrasings kLocations = {"bangkok", "beijing", "bombay", "hanoi", "london",
                              "madrid", "paris", "rome", "seoul", "tokyo"};
const Phrasings kOovLocations = {"berlin", "lisbon", "cairo", "lima", "oslo", "dublin"};
const Phrasings kPrices = {"cheap", "moderate", "expensive"};
const Phrasings kPeople = {"two", "four", "six", "eight"};

// In every phrasing "{}" stands for the slot's value. None holds a slot value of its own.
const Phrasings kGreetings = {"hi", "hello", "good morning", "hey there"};
const Phrasings kOpenings = {"i'd like to book a table", "can you book a table", "may i have a table",
                             "can you make a restaurant reservation", "i would like to book a table"};
// The opening request states any subset of the slots, one fragment each, in any order.
const SlotPhrasings kRequestParts = {{
    {"with {} food", "with {} cuisine"},
    {"in {}"},
    {"in a {} price range"},
    {"for {} people", "for {}"},
}};
// Answers to the bot's question: the bare value or a sentence.
const SlotPhrasings kAnswers = {{
    {"{}", "{} food", "{} food please", "i love {} food", "with {} cuisine"},
    {"{}", "in {}", "in {} please", "{} please", "it should be in {}"},
    {"{}", "{} please", "in a {} price range please", "something {}"},
    {"{}", "{} please", "we will be {}", "for {} people please"},
}};
const SlotPhrasings kChanges = {{
    {"instead could it be with {} food", "actually i would prefer {} food", "can you change it to {} cuisine"},
    {"actually i would prefer it in {}", "instead could it be in {}", "can you make it in {} instead"},
    {"actually i would prefer in a {} price range", "instead could it be in a {} price range",
     "let's go for something {} instead"},
    {"actually make it for {}", "instead could it be for {} people", "we will be {} after all"},
}};
// Small talk that mentions a value: the past, someone else, a question back; never a request.
const SlotPhrasings kMentions = {{
    {"my sister cooks {} every sunday", "we had {} food at home last night", "my father never liked {} food",
     "have you ever tried {} cuisine"},
    {"i was in {} last summer", "my brother lives in {}", "have you ever been to {}",
     "the weather in {} was awful last week"},
    {"the last hotel we stayed at was far too {}", "my friend only ever goes to {} places",
     "our wedding dinner was rather {}"},
    {"we were {} at dinner yesterday", "there were {} of us at the wedding", "my neighbours have {} cats"},
}};
const Phrasings kSmallTalk = {"the weather is lovely today", "i had a long day at work", "it is my birthday next week",
                              "i hope it does not rain tonight", "my phone battery is almost empty"};
const Phrasings kFillers = {"<silence>", "<silence>", "thanks", "ok thanks", "great"};  // silence: bAbI's commonest
const Phrasings kAsks = {"any preference on a type of cuisine", "where should it be",
                         "which price range are looking for", "how many people would be in your party"};  // bAbI's
const Phrasings kBotFillers = {"i'm on it", "ok let me look into some options for you", "one moment please"};
const char* const kBotGreeting = "hello what can i help you with today";
const char* const kBotUpdate = "sure is there anything else to update";

// Turns the fewest dialogue needs: greeting, an opening request stating all four slots, two changes.
constexpr std::size_t kFewestTurns = 8;

const std::string& pick(const Phrasings& v, Rng& rng) { return v[rng.randint(v.size())]; }

std::string fill(const std::string& phrasing, const std::string& value) {
  std::string s = phrasing;
  return s.replace(s.find("{}"), 2, value);
}

// "<silence>" stays one token, as in bAbI (tokenize would cut it at the brackets).
std::vector<std::string> tokens_of(const std::string& text) {
  return text == "<silence>" ? std::vector<std::string>{text} : tokenize(text);
}

void check(const DialogueGeneratorOptions& o) {
  const std::string who = "dialogue generator: ";
  if (o.max_turns < kFewestTurns) {
    throw std::invalid_argument(who + "max_turns is " + std::to_string(o.max_turns) + ", needs at least " +
                                std::to_string(kFewestTurns) + " (a greeting, a request and two changes)");
  }
  if (o.min_turns > o.max_turns) {
    throw std::invalid_argument(who + "min_turns (" + std::to_string(o.min_turns) + ") > max_turns (" +
                                std::to_string(o.max_turns) + ")");
  }
  if (!(o.change_rate >= 0.0 && o.change_rate <= 1.0)) throw std::invalid_argument(who + "change_rate not in [0, 1]");
  if (!(o.chit_chat >= 0.0 && o.chit_chat <= 1.0)) throw std::invalid_argument(who + "chit_chat not in [0, 1]");
}

// The plan: what each user turn does, before any words are chosen. Each user turn but maybe the last
// is followed by a bot turn, so the plan fixes the dialogue's length.
enum class Act { greeting, opening, answer, change, filler };
struct UserAct {
  Act act;
  std::vector<std::size_t> slots;  // opening: the slots it states, in order; answer, change: the one slot
};

std::size_t first_stated(const std::vector<UserAct>& acts, std::size_t slot) {
  for (std::size_t i = 0; i < acts.size(); ++i) {
    if (std::find(acts[i].slots.begin(), acts[i].slots.end(), slot) != acts[i].slots.end()) return i;
  }
  throw std::logic_error("dialogue generator: slot never stated");
}

std::vector<UserAct> plan(const DialogueGeneratorOptions& o, Rng& rng, std::size_t& turns) {
  const std::size_t drawn = o.min_turns + rng.randint(o.max_turns - o.min_turns + 1);
  const std::size_t changes = rng.bernoulli(o.change_rate) ? 1 + rng.randint(2) : 0;
  // Every act takes a user and a bot turn: greeting, opening, one answer per slot the bot asks for,
  // the changes. Fewer slots are left to ask when max_turns could not hold them all.
  const std::size_t max_asked = std::min(kDialogueSlots, (o.max_turns - 4 - 2 * changes) / 2);
  const std::size_t asked = rng.randint(max_asked + 1);
  const std::vector<std::size_t> order = rng.permutation(kDialogueSlots);
  std::vector<UserAct> acts = {{Act::greeting, {}}, {Act::opening, {order.begin(), order.end() - asked}}};
  for (std::size_t i = kDialogueSlots - asked; i < kDialogueSlots; ++i) acts.push_back({Act::answer, {order[i]}});
  // Changes go anywhere after the slot is first stated (not only at the end), to distinct slots.
  const std::vector<std::size_t> changed = rng.permutation(kDialogueSlots);
  for (std::size_t c = 0; c < changes; ++c) {
    const std::size_t after = first_stated(acts, changed[c]) + 1;
    acts.insert(acts.begin() + static_cast<std::ptrdiff_t>(after + rng.randint(acts.size() - after + 1)),
                {Act::change, {changed[c]}});
  }
  // Fillers make up the drawn length, anywhere after the opening request.
  turns = std::max(drawn, 2 * acts.size());
  while (acts.size() < (turns + 1) / 2) {
    acts.insert(acts.begin() + static_cast<std::ptrdiff_t>(2 + rng.randint(acts.size() - 1)), {Act::filler, {}});
  }
  return acts;
}

}  // namespace

const KnowledgeBase& restaurant_kb() {
  static const KnowledgeBase kb = [] {
    KnowledgeBase k = restaurant_values(false);
    k.values[0].insert(k.values[0].end(), kOovCuisines.begin(), kOovCuisines.end());
    k.values[1].insert(k.values[1].end(), kOovLocations.begin(), kOovLocations.end());
    return k;
  }();
  return kb;
}

const KnowledgeBase& restaurant_values(bool oov) {
  static const KnowledgeBase training{{kCuisines, kLocations, kPrices, kPeople}};
  static const KnowledgeBase unseen{{kOovCuisines, kOovLocations, kPrices, kPeople}};
  return oov ? unseen : training;
}

GeneratedDialogue generate_dialogue_with_roles(const DialogueGeneratorOptions& options, Rng& rng) {
  check(options);
  const KnowledgeBase& pool = restaurant_values(options.oov);
  std::size_t turns = 0;
  const std::vector<UserAct> acts = plan(options, rng, turns);

  GeneratedDialogue out;
  auto say = [&](Speaker speaker, const std::string& text, TurnRole role) {
    out.dialogue.turns.push_back({speaker, tokens_of(text)});
    out.roles.push_back(role);
  };
  std::array<std::string, kDialogueSlots>& value = out.dialogue.target;  // the last value stated, so far
  for (std::size_t i = 0; i < acts.size(); ++i) {
    const UserAct& a = acts[i];
    const std::size_t s = a.slots.empty() ? 0 : a.slots.front();
    const Phrasings& values = pool.values[s];
    if (a.act == Act::greeting) {
      say(Speaker::user, pick(kGreetings, rng), TurnRole::filler);
    } else if (a.act == Act::opening) {
      std::string text = pick(kOpenings, rng);
      for (std::size_t t : a.slots) text += " " + fill(pick(kRequestParts[t], rng), value[t] = pick(pool.values[t], rng));
      say(Speaker::user, text, TurnRole::request);
    } else if (a.act == Act::answer) {
      say(Speaker::user, fill(pick(kAnswers[s], rng), value[s] = pick(values, rng)), TurnRole::request);
    } else if (a.act == Act::change) {  // uniform over the other values: the current one stands for the last
      std::size_t j = rng.randint(values.size() - 1);
      if (values[j] == value[s]) j = values.size() - 1;
      say(Speaker::user, fill(pick(kChanges[s], rng), value[s] = values[j]), TurnRole::change);
    } else if (!rng.bernoulli(options.chit_chat)) {
      say(Speaker::user, pick(kFillers, rng), TurnRole::filler);
    } else if (rng.bernoulli(0.5)) {  // a mention: any value of a random slot, the target's or not
      const std::size_t m = rng.randint(kDialogueSlots);
      say(Speaker::user, fill(pick(kMentions[m], rng), pick(pool.values[m], rng)), TurnRole::chit_chat);
    } else {
      say(Speaker::user, pick(kSmallTalk, rng), TurnRole::chit_chat);
    }
    if (out.dialogue.turns.size() == turns) break;  // an odd length ends on the user
    // The bot asks for the slot the user answers next; otherwise it greets, acknowledges or fills.
    if (i + 1 < acts.size() && acts[i + 1].act == Act::answer) {
      say(Speaker::bot, kAsks[acts[i + 1].slots.front()], TurnRole::filler);
    } else {
      say(Speaker::bot, a.act == Act::greeting ? kBotGreeting : a.act == Act::change ? kBotUpdate : pick(kBotFillers, rng),
          TurnRole::filler);
    }
  }
  return out;
}

Dialogue generate_dialogue(const DialogueGeneratorOptions& options, Rng& rng) {
  return generate_dialogue_with_roles(options, rng).dialogue;
}

std::vector<Dialogue> generate_dialogues(std::size_t n, const DialogueGeneratorOptions& options, std::uint64_t seed) {
  check(options);
  std::vector<Dialogue> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng = Rng::stream(seed, "dialogue-" + std::to_string(i));
    out.push_back(generate_dialogue(options, rng));
  }
  return out;
}

}  // namespace saccade
