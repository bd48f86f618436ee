// The text env through the Env interface: spec, budget, STOP, done examples, bad actions, locations,
// preview bags whose weights sum to the chunks' rarity, and the evidence flags (the passage's chunks).
#define BOOST_TEST_MODULE text_env
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "envs/text/text_env.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::regions;
using saccade::testing::row_is_zero;

namespace {

// Four items of 20 tokens (ids 2..41 cycling), three distractors; idf(id) = id / 10 so chunks differ.
std::shared_ptr<const TextSplit> synthetic() {
  auto s = std::make_shared<TextSplit>();
  s->name = "synthetic";
  s->classes = {"x", "y", "z"};
  s->num_classes = 3;
  s->vocab_size = 64;
  s->idf.resize(64);
  for (int i = 0; i < 64; ++i) s->idf[i] = static_cast<float>(i) / 10.0f;
  for (int i = 0; i < 4; ++i) {
    std::vector<int> doc;
    for (int k = 0; k < 20; ++k) doc.push_back(2 + (7 * i + k) % 40);
    s->docs.push_back(doc);
    s->doc_sentences.push_back({0});
    s->labels.push_back(i % 3);
  }
  for (int d = 0; d < 3; ++d) {
    s->distractors.push_back({42 + d, 50, 51, 52, 53, 54, 55});
    s->distractor_sentences.push_back({0});
  }
  return s;
}

TextEnvOptions small() {
  TextEnvOptions o;
  o.chunks = 6;
  o.chunk_tokens = 5;
  o.budget = 3;
  o.preview_size = 8;
  o.max_passage_chunks = 2;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(spec_and_reset) {
  TextChunkEnv env(synthetic(), small());
  const EnvSpec& s = env.spec();
  BOOST_TEST(s.name == "text-chunks");
  BOOST_TEST(s.num_classes == 3u);
  BOOST_TEST(s.num_regions == 6u);
  BOOST_TEST(s.max_steps == 3u);
  BOOST_TEST((s.content_shape == Shape{5}));
  BOOST_TEST((s.preview_shape == Shape{6, 10}));  // a bag of 5 (bucket, weight) pairs per chunk
  BOOST_TEST((s.preview_kind == PreviewKind::bag));
  BOOST_TEST(s.preview_features == 8u);
  BOOST_TEST(env.num_examples() == 4u);

  auto [obs, info] = env.reset({2, 0, 3}, 1);
  BOOST_TEST((obs.preview.shape() == Shape{3, 6, 10}));
  BOOST_TEST((obs.content.shape() == Shape{3, 5}));
  BOOST_TEST((env.documents().shape() == Shape{3, 6, 5}));
  BOOST_TEST(row_is_zero(obs.content, 0));
  BOOST_TEST(obs.read.size() == 18u);
  BOOST_TEST(std::count(obs.read.begin(), obs.read.end(), 1) == 0);
  BOOST_TEST(info.labels == (std::vector<int>{2, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(info.examples == (std::vector<std::size_t>{2, 0, 3}), boost::test_tools::per_element());
  BOOST_TEST(obs.steps_left == (std::vector<int>{3, 3, 3}), boost::test_tools::per_element());
  BOOST_CHECK_THROW(env.reset({4}, 0), std::out_of_range);
  BOOST_CHECK_THROW(env.reset({}, 0), std::invalid_argument);

  // The budget is at most the number of regions.
  TextEnvOptions o = small();
  o.budget = 50;
  BOOST_TEST(TextChunkEnv(synthetic(), o).spec().max_steps == 6u);
}

BOOST_AUTO_TEST_CASE(reads_return_the_chunk_and_its_location) {
  TextChunkEnv env(synthetic(), small());
  env.reset({1, 2}, 4);
  const StepResult r = env.step(regions({0, 5}));
  for (std::size_t b = 0; b < 2; ++b) {
    const int g = r.obs.region[b];
    BOOST_TEST(std::equal(r.obs.content.data() + b * 5, r.obs.content.data() + (b + 1) * 5,
                          env.documents().data() + (b * 6 + static_cast<std::size_t>(g)) * 5));
    BOOST_TEST(r.obs.location(b, 0) == 0.0f);
    BOOST_TEST(r.obs.active[b] == 1);
  }
  BOOST_TEST(r.obs.location(0, 1) == -1.0f);
  BOOST_TEST(r.obs.location(1, 1) == 1.0f);
  BOOST_TEST(r.obs.read[0] == 1);
  BOOST_TEST(r.obs.read[6 + 5] == 1);
  BOOST_TEST(std::count(r.obs.read.begin(), r.obs.read.end(), 1) == 2);
  BOOST_TEST(r.obs.steps_left == (std::vector<int>{2, 2}), boost::test_tools::per_element());
  const StepResult r2 = env.step(regions({2, -1}));
  BOOST_TEST(r2.obs.location(0, 1) == -0.2f, boost::test_tools::tolerance(1e-6f));  // -1 + 2 * 2 / 5
}

BOOST_AUTO_TEST_CASE(budget_truncates_and_stop_terminates) {
  TextChunkEnv env(synthetic(), small());
  env.reset({0, 1}, 0);
  StepResult r = env.step(regions({-1, 3}));
  BOOST_TEST(r.terminated[0] == 1);
  BOOST_TEST(r.obs.active[0] == 0);
  BOOST_TEST(r.obs.region[0] == -1);
  BOOST_TEST(row_is_zero(r.obs.content, 0));
  BOOST_TEST(r.obs.steps_left[0] == 3);  // STOP costs nothing
  BOOST_TEST(r.truncated[1] == 0);
  for (int k : {1, 4}) {
    r = env.step(regions({0, k}));  // example 0 is done: its action is ignored
    BOOST_TEST(r.terminated[0] == 0);  // flags are set on the step it happens only
    BOOST_TEST(r.obs.active[0] == 0);
    BOOST_TEST(row_is_zero(r.obs.content, 0));
    BOOST_TEST(r.obs.location(0, 1) == 0.0f);
    BOOST_TEST(r.obs.active[1] == 1);
  }
  BOOST_TEST(r.truncated[1] == 1);  // the third read spent the budget
  BOOST_TEST(!row_is_zero(r.obs.content, 1));
  BOOST_TEST(env.all_done());
  r = env.step(regions({2, 2}));
  BOOST_TEST(r.obs.active == (std::vector<std::uint8_t>{0, 0}), boost::test_tools::per_element());
  BOOST_TEST(r.truncated == (std::vector<std::uint8_t>{0, 0}), boost::test_tools::per_element());
  BOOST_TEST(std::count(r.obs.read.begin(), r.obs.read.end(), 1) == 3);
}

BOOST_AUTO_TEST_CASE(bad_actions_throw_before_any_change) {
  TextChunkEnv env(synthetic(), small());
  BOOST_CHECK_THROW(env.step(regions({0})), std::logic_error);  // before reset
  env.reset({0, 1}, 0);
  env.step(regions({2, 2}));
  BOOST_CHECK_THROW(env.step(regions({3, 2})), std::invalid_argument);  // example 1 re-reads region 2
  BOOST_CHECK_THROW(env.step(regions({6, 0})), std::out_of_range);
  BOOST_CHECK_THROW(env.step(regions({-2, 0})), std::out_of_range);
  BOOST_CHECK_THROW(env.step(regions({1})), std::invalid_argument);  // wrong batch size
  // Nothing changed: example 0 has not read region 3, both have two steps left.
  BOOST_TEST(env.read_mask()[3] == 0);
  const StepResult r = env.step(regions({3, 4}));
  BOOST_TEST(r.obs.steps_left == (std::vector<int>{1, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(preview_bags_hold_each_tokens_bucket_and_weigh_to_the_chunk_rarity) {
  const auto split = synthetic();
  TextChunkEnv env(split, small());
  auto [obs, info] = env.reset({0, 1, 2, 3}, 5);
  bool differ = false;
  float first = -1.0f;
  for (std::size_t c = 0; c < 4 * 6; ++c) {
    const float* chunk = env.documents().data() + c * 5;
    float rarity = 0.0f;
    for (std::size_t t = 0; t < 5; ++t) rarity += split->idf[static_cast<int>(chunk[t])];
    rarity /= 5.0f;
    // Slot t: the bucket of token t (0 for padding), then its weight idf / 5.
    const float* bag = obs.preview.data() + c * 10;
    float sum = 0.0f;
    for (std::size_t t = 0; t < 5; ++t) {
      const int id = static_cast<int>(chunk[t]);
      BOOST_TEST(bag[t] == (id == 0 ? 0.0f : static_cast<float>(preview_bucket(id, 8))));
      BOOST_TEST(bag[5 + t] == split->idf[id] / 5.0f, boost::test_tools::tolerance(1e-6f));
      if (id == 0) BOOST_TEST(bag[5 + t] == 0.0f);
      sum += bag[5 + t];
    }
    BOOST_TEST(sum == rarity, boost::test_tools::tolerance(1e-5f));
    if (first >= 0.0f && std::abs(rarity - first) > 1e-3f) differ = true;
    first = rarity;
  }
  BOOST_TEST(differ);  // the check is not vacuous
  // A one-token chunk: one filled slot, four empty ones.
  std::vector<float> one = {9, 0, 0, 0, 0}, p(10);
  chunk_preview(one.data(), 5, split->idf, 8, p.data());
  BOOST_TEST(p[0] == static_cast<float>(preview_bucket(9, 8)));
  BOOST_TEST(p[5] == 0.9f / 5.0f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(std::count(p.begin(), p.end(), 0.0f) == (p[0] == 0.0f ? 9 : 8));
  // The previews stay for the episode; preview_size 0 turns them off.
  BOOST_TEST(std::equal(obs.preview.begin(), obs.preview.end(), env.step(regions({0, 0, 0, 0})).obs.preview.begin()));
  TextEnvOptions o = small();
  o.preview_size = 0;
  TextChunkEnv none(split, o);
  BOOST_TEST(none.spec().preview_shape.empty());
  BOOST_TEST(none.reset({0}, 0).first.preview.size() == 0u);
}

BOOST_AUTO_TEST_CASE(evidence_flags_the_passage_chunks) {
  const auto split = synthetic();
  TextChunkEnv env(split, small());
  auto [obs, info] = env.reset({3, 0, 2, 1}, 9);
  const std::vector<int> start = env.passage_start();
  BOOST_TEST_REQUIRE(start.size() == 4u);
  const bool starts_differ = std::adjacent_find(start.begin(), start.end(), std::not_equal_to<>()) != start.end();
  BOOST_TEST(starts_differ);  // the check is not vacuous
  // Every item has 4 chunks of 5 tokens, of which max_passage_chunks = 2 are kept.
  std::vector<std::uint8_t> expected(4 * 6, 0);
  for (std::size_t b = 0; b < 4; ++b) {
    const std::size_t s = static_cast<std::size_t>(start[b]);
    BOOST_TEST(env.layouts()[b].passage_chunks == 2u);
    expected[b * 6 + s] = expected[b * 6 + s + 1] = 1;
    // The flagged regions hold the item's own first tokens.
    const std::vector<int>& doc = split->docs[info.examples[b]];
    for (std::size_t k = 0; k < 2; ++k)
      for (std::size_t t = 0; t < 5; ++t)
        BOOST_TEST(env.documents()(b, s + k, t) == static_cast<float>(doc[k * 5 + t]));
  }
  BOOST_TEST(info.evidence == expected, boost::test_tools::per_element());
  BOOST_TEST(env.step(regions({0, 0, 0, 0})).info.evidence == expected, boost::test_tools::per_element());

  // Uncluttered: the item's chunks from region 0 are the evidence, the <pad> regions after them not.
  TextEnvOptions o = small();
  o.clutter = false;
  TextChunkEnv plain(split, o);
  const std::vector<std::uint8_t> first_four = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0};
  BOOST_TEST(plain.reset({1, 2}, 9).second.evidence == first_four, boost::test_tools::per_element());
}
