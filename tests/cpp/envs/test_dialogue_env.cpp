// The dialogue env through the Env interface: turns encoded as content rows (speaker, ids, value
// codes that survive <unk>) and preview rows (speaker, position, length, slot mentions, hashed
// tokens), dialogues right-aligned with the missing turn slots flagged read, four labels per example,
// evidence on the last turn that states each slot's target, and reads of missing turns rejected.
#define BOOST_TEST_MODULE dialogue_env
#include <boost/test/unit_test.hpp>

#include <numeric>
#include <stdexcept>

#include "envs/dialogue/dialogue_env.hpp"
#include "envs/text/tokenizer.hpp"

using namespace saccade;

namespace {

KnowledgeBase tiny_kb() {
  KnowledgeBase kb;
  kb.values[0] = {"italian", "french", "greek"};
  kb.values[1] = {"paris", "rome"};
  kb.values[2] = {"cheap", "expensive"};
  kb.values[3] = {"two", "four", "six"};
  return kb;
}

Turn user(const char* text) { return {Speaker::user, tokenize(text)}; }
Turn bot(const char* text) { return {Speaker::bot, tokenize(text)}; }

// Dialogue 0: 5 turns, people changed from four to six. Dialogue 1: 3 turns, a greek (never in
// training) restaurant in paris.
std::vector<Dialogue> dialogues() {
  Dialogue a;
  a.turns = {user("table for four in rome please"), bot("which cuisine"), user("italian and cheap"),
             bot("ok"), user("actually make it six")};
  a.target = {"italian", "rome", "cheap", "six"};
  Dialogue b;
  b.turns = {user("greek food in paris for two"), bot("price range"), user("expensive")};
  b.target = {"greek", "paris", "expensive", "two"};
  return {a, b};
}

std::shared_ptr<const DialogueSplit> split(std::size_t L = 6, std::size_t buckets = 4) {
  const auto d = dialogues();
  const auto vocab = dialogue_vocabulary({d[0]}, 1);  // "greek" is out of vocabulary
  return std::make_shared<const DialogueSplit>(encode_dialogues("tiny", d, vocab, tiny_kb(), L, buckets));
}

}  // namespace

BOOST_AUTO_TEST_CASE(turns_encode_speaker_ids_and_value_codes) {
  const auto s = split();
  const std::size_t L = 6, C = 1 + 2 * L, P = kPreviewFixed + 4;
  const EncodedDialogue& a = s->dialogues[0];
  BOOST_TEST(a.turns == 5u);
  BOOST_TEST(a.content.size() == 5 * C);
  BOOST_TEST((a.target == std::array<int, 4>{0, 1, 0, 2}), "slot indices: italian, rome, cheap, six");
  // Turn 0 "table for four in rome please": user, ids of the vocabulary, codes at "four" (people
  // value 1: g = 3 + 2 + 2 + 1 = 8) and "rome" (location value 1: g = 3 + 1 = 4).
  const float* t0 = a.content.data();
  BOOST_TEST(t0[0] == 0.0f);
  BOOST_TEST(t0[1] == static_cast<float>(s->vocab->id("table")));
  BOOST_TEST(t0[1 + L + 2] == 1.0f + 8.0f);
  BOOST_TEST(t0[1 + L + 4] == 1.0f + 4.0f);
  BOOST_TEST(t0[1 + L + 0] == 0.0f);
  BOOST_TEST(a.content[1 * C] == 1.0f);  // turn 1 is the bot's
  // Previews: user flag, position, length, slot mentions.
  const float* p0 = a.preview.data();
  BOOST_TEST(p0[0] == 1.0f);
  BOOST_TEST(p0[1] == 0.0f);
  BOOST_TEST(p0[2] == 1.0f);  // 6 tokens of L = 6
  BOOST_TEST((p0[3] == 0.0f && p0[4] == 1.0f && p0[5] == 0.0f && p0[6] == 1.0f));
  BOOST_TEST(a.preview[4 * P + 1] == 1.0f);  // the last turn's position
  float hashed = 0;
  for (std::size_t j = kPreviewFixed; j < P; ++j) hashed += p0[j];
  BOOST_TEST(hashed == 1.0f, boost::test_tools::tolerance(1e-6f));  // 6 tokens / L
  // Evidence: the last turn stating each target: turn 0 (rome), 2 (italian, cheap), 4 (six), not
  // turn 0 for "four", which was changed.
  BOOST_TEST(a.evidence == (std::vector<std::uint8_t>{1, 0, 1, 0, 1}), boost::test_tools::per_element());
  // Out of vocabulary: "greek" is <unk> but keeps its code (cuisine value 2).
  const float* b0 = s->dialogues[1].content.data();
  BOOST_TEST(b0[1] == static_cast<float>(Vocabulary::unk));
  BOOST_TEST(b0[1 + L] == 1.0f + 2.0f);
}

BOOST_AUTO_TEST_CASE(a_target_outside_the_knowledge_base_names_the_dialogue) {
  auto d = dialogues();
  d[1].target[1] = "lima";
  const auto vocab = dialogue_vocabulary(d, 1);
  try {
    encode_dialogues("tiny", d, vocab, tiny_kb(), 6, 4);
    BOOST_FAIL("no error");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("tiny, dialogue 2: the target location \"lima\"") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(dialogues_are_right_aligned_with_missing_turns_flagged) {
  DialogueEnv env(split(), {.turns = 7, .budget = 2});
  const EnvSpec& spec = env.spec();
  BOOST_TEST(spec.num_slots == 4u);
  BOOST_TEST(spec.num_classes == 3u);
  BOOST_TEST(spec.num_regions == 7u);
  BOOST_TEST(spec.max_steps == 2u);
  auto [obs, info] = env.reset({0, 1}, 123);
  BOOST_TEST(env.first_region(0) == 2u);
  BOOST_TEST(env.first_region(1) == 4u);
  const std::vector<std::uint8_t> want = {1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0};
  BOOST_TEST(obs.read == want, boost::test_tools::per_element());
  BOOST_TEST(info.labels == (std::vector<int>{0, 1, 0, 2, 2, 0, 1, 0}), boost::test_tools::per_element());
  BOOST_TEST(info.evidence[2] == 1);  // dialogue 0's turn 0 sits at region 2
  const std::size_t P = spec.preview_features;
  BOOST_TEST(obs.preview(0, 0, 0) == 0.0f);   // a missing turn previews as zeros
  BOOST_TEST(obs.preview(0, 2, 0) == 1.0f);   // dialogue 0's first turn: a user turn
  BOOST_TEST(obs.preview(1, 5, 0) == 0.0f);   // dialogue 1's bot turn
  BOOST_TEST(P == kPreviewFixed + 4);

  // Reading region 6 of example 0 is its last turn ("actually make it six"); example 1 stops.
  StepResult r = env.step({.region = {6, -1}});
  BOOST_TEST(r.obs.active[0] == 1);
  BOOST_TEST(r.obs.content(0, 0) == 0.0f);
  BOOST_TEST(r.obs.content(0, 1) == static_cast<float>(env.split().vocab->id("actually")));
  BOOST_TEST(r.terminated[1] == 1);
  // A missing turn is rejected like a repeat.
  BOOST_CHECK_THROW(env.step({.region = {0, -1}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_dialogue_longer_than_the_env_is_an_error) {
  BOOST_CHECK_THROW(DialogueEnv(split(), {.turns = 4, .budget = 2}), std::invalid_argument);
}
