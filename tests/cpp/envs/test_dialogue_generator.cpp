// Generated booking dialogues: reproducible per (seed, index), lengths within the options, and a
// target that is what the user requested last, recomputed here from the turns' words.
#define BOOST_TEST_MODULE dialogue_generator
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/random.hpp"
#include "envs/dialogue/generator.hpp"
#include "envs/text/tokenizer.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;

namespace {

bool same(const Dialogue& a, const Dialogue& b) {
  if (a.target != b.target || a.turns.size() != b.turns.size()) return false;
  for (std::size_t t = 0; t < a.turns.size(); ++t) {
    if (a.turns[t].speaker != b.turns[t].speaker || a.turns[t].tokens != b.turns[t].tokens) return false;
  }
  return true;
}

DialogueGeneratorOptions options(double change_rate, double chit_chat, bool oov = false) {
  DialogueGeneratorOptions o;
  o.change_rate = change_rate;
  o.chit_chat = chit_chat;
  o.oov = oov;
  return o;
}

std::vector<GeneratedDialogue> with_roles(std::size_t n, const DialogueGeneratorOptions& o, std::uint64_t seed) {
  std::vector<GeneratedDialogue> out;
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng = Rng::stream(seed, "dialogue-" + std::to_string(i));
    out.push_back(generate_dialogue_with_roles(o, rng));
  }
  return out;
}

// The slot values a turn states: {slot, value} for every token the KB knows.
std::vector<std::pair<int, std::string>> values_in(const Turn& turn) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& tok : turn.tokens) {
    const int slot = restaurant_kb().find(tok).first;
    if (slot >= 0) out.emplace_back(slot, tok);
  }
  return out;
}

// For each slot, the last value stated by a user turn whose role is in `roles`, "" if none.
std::array<std::string, kDialogueSlots> last_stated(const GeneratedDialogue& g, const std::set<TurnRole>& roles) {
  std::array<std::string, kDialogueSlots> last;
  for (std::size_t t = 0; t < g.dialogue.turns.size(); ++t) {
    if (g.dialogue.turns[t].speaker != Speaker::user || !roles.count(g.roles[t])) continue;
    for (const auto& [slot, value] : values_in(g.dialogue.turns[t])) last[static_cast<std::size_t>(slot)] = value;
  }
  return last;
}

bool has_role(const GeneratedDialogue& g, TurnRole role) {
  return std::find(g.roles.begin(), g.roles.end(), role) != g.roles.end();
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_knowledge_base_is_one_token_per_value_and_distinct_across_slots) {
  const KnowledgeBase& kb = restaurant_kb();
  BOOST_TEST(slot_names()[0] == "cuisine");
  BOOST_TEST(slot_names()[3] == "people");
  BOOST_TEST(kb.size(0) == 16u);
  BOOST_TEST(kb.size(1) == 16u);
  BOOST_TEST(kb.size(2) == 3u);
  BOOST_TEST(kb.size(3) == 4u);
  std::set<std::string> seen;
  for (std::size_t s = 0; s < kDialogueSlots; ++s) {
    for (std::size_t i = 0; i < kb.size(s); ++i) {
      const std::string& v = kb.values[s][i];
      BOOST_TEST(tokenize(v) == std::vector<std::string>{v});
      BOOST_TEST(seen.insert(v).second, v << " is a value twice");
      BOOST_TEST((kb.find(v) == std::pair<int, int>(static_cast<int>(s), static_cast<int>(i))));
    }
  }
  BOOST_TEST((kb.find("table") == std::pair<int, int>(-1, -1)));
  // The two splits share price and people, and no cuisine or location.
  for (std::size_t s : {0u, 1u}) {
    for (const auto& v : restaurant_values(true).values[s]) {
      const auto& train = restaurant_values(false).values[s];
      BOOST_TEST((std::find(train.begin(), train.end(), v) == train.end()), v);
    }
  }
  BOOST_TEST(restaurant_values(true).values[3] == restaurant_values(false).values[3]);
}

BOOST_AUTO_TEST_CASE(dialogue_i_depends_on_the_seed_and_i_only) {
  const DialogueGeneratorOptions o;
  const auto a = generate_dialogues(50, o, 7), b = generate_dialogues(50, o, 7), few = generate_dialogues(5, o, 7);
  const auto other = generate_dialogues(50, o, 8);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < 50; ++i) {
    BOOST_TEST(same(a[i], b[i]), "dialogue " << i);
    if (i < 5) BOOST_TEST(same(a[i], few[i]), "dialogue " << i);
    differ += !same(a[i], other[i]);
  }
  BOOST_TEST(differ == 50u);
  // generate_dialogue_with_roles draws the same dialogue as generate_dialogue.
  const auto g = with_roles(5, o, 7);
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(same(g[i].dialogue, a[i]));
}

BOOST_AUTO_TEST_CASE(turns_alternate_from_the_user_and_their_number_stays_in_range) {
  const auto dialogues = generate_dialogues(500, DialogueGeneratorOptions{}, 1);
  std::size_t shortest = 1000, longest = 0;
  for (const auto& d : dialogues) {
    BOOST_TEST(d.turns.size() >= 8u);
    BOOST_TEST(d.turns.size() <= 30u);
    shortest = std::min(shortest, d.turns.size());
    longest = std::max(longest, d.turns.size());
    for (std::size_t t = 0; t < d.turns.size(); ++t) {
      BOOST_TEST((d.turns[t].speaker == (t % 2 == 0 ? Speaker::user : Speaker::bot)));
      BOOST_TEST(!d.turns[t].tokens.empty());
    }
  }
  BOOST_TEST(shortest <= 10u);  // the whole range is used
  BOOST_TEST(longest >= 28u);
  // A fixed length is met exactly, even the fewest turns a dialogue with two changes needs.
  for (std::size_t n : {8u, 13u, 20u}) {
    DialogueGeneratorOptions o = options(1.0, 0.3);
    o.min_turns = o.max_turns = n;
    for (const auto& d : generate_dialogues(200, o, 2)) BOOST_TEST(d.turns.size() == n);
  }
  DialogueGeneratorOptions bad;
  bad.max_turns = 7;
  bad.min_turns = 7;
  BOOST_TEST(error_of([&] { generate_dialogues(1, bad, 0); }).find("max_turns is 7") != std::string::npos);
  bad.max_turns = 10;
  bad.min_turns = 11;
  BOOST_TEST(error_of([&] { generate_dialogues(1, bad, 0); }).find("min_turns (11) > max_turns (10)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(tokens_are_what_tokenize_gives) {
  for (const auto& d : generate_dialogues(200, options(0.5, 0.5), 3)) {
    for (const auto& turn : d.turns) {
      if (turn.tokens == std::vector<std::string>{"<silence>"}) continue;
      std::string text;
      for (const auto& tok : turn.tokens) text += tok + " ";
      BOOST_TEST(tokenize(text) == turn.tokens);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_target_is_the_last_value_requested_for_each_slot) {
  std::size_t mentions = 0, misleading = 0, early_changes = 0;
  for (const auto& g : with_roles(2000, options(0.5, 0.5), 4)) {
    const Dialogue& d = g.dialogue;
    BOOST_REQUIRE(g.roles.size() == d.turns.size());
    std::array<std::string, kDialogueSlots> current;  // replayed turn by turn
    for (std::size_t t = 0; t < d.turns.size(); ++t) {
      const auto values = values_in(d.turns[t]);
      const TurnRole role = g.roles[t];
      if (d.turns[t].speaker == Speaker::bot || role == TurnRole::filler) {
        BOOST_TEST(values.empty(), "turn " << t << " states a value");
        BOOST_TEST((d.turns[t].speaker == Speaker::user || role == TurnRole::filler));
        continue;
      }
      if (role == TurnRole::chit_chat) {
        mentions += !values.empty();
        continue;
      }
      // Only the opening request ("i'd like to book a table") may leave every slot to the bot.
      BOOST_TEST((!values.empty() || (role == TurnRole::request && t == 2)), "turn " << t << " states no value");
      std::set<int> slots;
      for (const auto& [slot, value] : values) BOOST_TEST(slots.insert(slot).second, "two values for one slot");
      if (role == TurnRole::change) {
        BOOST_TEST(values.size() == 1u);
        const std::size_t s = static_cast<std::size_t>(values[0].first);
        BOOST_TEST(!current[s].empty(), "a change before the slot was stated");
        BOOST_TEST(values[0].second != current[s], "a change to the same value");
        for (std::size_t u = t + 1; u < d.turns.size(); ++u) early_changes += g.roles[u] == TurnRole::request;
      }
      for (const auto& [slot, value] : values) current[static_cast<std::size_t>(slot)] = value;
    }
    for (const auto& v : current) BOOST_TEST(!v.empty(), "a slot never stated");
    BOOST_TEST((current == d.target));
    BOOST_TEST((last_stated(g, {TurnRole::request, TurnRole::change}) == d.target));
    // Reading every user turn alike would be fooled by the small talk.
    misleading += last_stated(g, {TurnRole::request, TurnRole::change, TurnRole::chit_chat}) != d.target;
  }
  BOOST_TEST(mentions > 200u);
  BOOST_TEST(misleading > 100u);
  BOOST_TEST(early_changes > 0u);  // changes also come before the last request
}

BOOST_AUTO_TEST_CASE(without_small_talk_the_last_value_in_any_user_turn_is_the_target) {
  // No roles needed: every value a user turn holds is a request or a change.
  for (const auto& d : generate_dialogues(500, options(0.5, 0.0), 5)) {
    std::array<std::string, kDialogueSlots> last;
    for (const auto& turn : d.turns) {
      if (turn.speaker == Speaker::bot) {
        BOOST_TEST(values_in(turn).empty());
        continue;
      }
      for (const auto& [slot, value] : values_in(turn)) last[static_cast<std::size_t>(slot)] = value;
    }
    BOOST_TEST((last == d.target));
  }
}

BOOST_AUTO_TEST_CASE(the_change_rate_is_the_fraction_of_dialogues_with_a_change) {
  for (double rate : {0.0, 0.3, 1.0}) {
    std::size_t changed = 0, two = 0;
    for (const auto& g : with_roles(2000, options(rate, 0.3), 6)) {
      changed += has_role(g, TurnRole::change);
      two += std::count(g.roles.begin(), g.roles.end(), TurnRole::change) == 2;
    }
    BOOST_TEST(std::abs(changed / 2000.0 - rate) <= 0.05, "rate " << rate << ": " << changed << " of 2000");
    if (rate > 0) BOOST_TEST(two > 0u);
  }
}

BOOST_AUTO_TEST_CASE(oov_dialogues_use_only_oov_cuisines_and_locations) {
  for (bool oov : {false, true}) {
    std::set<std::string> used;
    for (const auto& d : generate_dialogues(500, options(0.5, 0.5, oov), 9)) {
      for (const auto& turn : d.turns) {
        for (const auto& [slot, value] : values_in(turn)) {
          const auto& allowed = restaurant_values(oov).values[static_cast<std::size_t>(slot)];
          BOOST_TEST((std::find(allowed.begin(), allowed.end(), value) != allowed.end()), value << " oov=" << oov);
          used.insert(value);
        }
      }
    }
    for (std::size_t s = 0; s < kDialogueSlots; ++s) {  // and every allowed value appears
      for (const auto& v : restaurant_values(oov).values[s]) BOOST_TEST(used.count(v) == 1u, v << " unused");
    }
  }
}
