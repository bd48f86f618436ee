// PreviewEnv (envs/preview_env.hpp): its spec (one region whose content is the inner preview, no preview
// of its own, the preview's kind, features, slots and classes kept), the content it returns equal to the
// inner env's preview of the same examples and seed, the inner env never stepped (no region of it is
// produced), STOP, an inner env without previews refused, and an episode on it counting 0 regions read
// while its reader still reads the preview.
#define BOOST_TEST_MODULE preview_env
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "agents/episode.hpp"
#include "attention/mlp_reader.hpp"
#include "envs/dialogue/dialogue_env.hpp"
#include "envs/dialogue/generator.hpp"
#include "envs/preview_env.hpp"
#include "experiments/tables/choose.hpp"

using namespace saccade;

namespace {

// An env of 5 regions whose previews [B, 3, 2] depend on the example and the seed, and which counts
// its resets and steps: a wrapper that stepped it would produce its regions' content.
class CountingEnv : public Env {
 public:
  explicit CountingEnv(Shape preview_shape = {3, 2}) {
    spec_.name = "counting";
    spec_.num_classes = 7;
    spec_.num_regions = 5;
    spec_.max_steps = 2;
    spec_.content_shape = {4};
    spec_.preview_shape = std::move(preview_shape);
    spec_.preview_kind = PreviewKind::per_region;
    spec_.preview_features = 2;
    spec_.num_slots = 2;
  }
  const EnvSpec& spec() const override { return spec_; }
  std::size_t num_examples() const override { return 9; }
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override {
    ++resets;
    Observation o;
    Shape s = {examples.size()};
    s.insert(s.end(), spec_.preview_shape.begin(), spec_.preview_shape.end());
    o.preview = xt::zeros<float>(s);
    const std::size_t per = shape_size(spec_.preview_shape);
    for (std::size_t b = 0; b < examples.size(); ++b)
      for (std::size_t j = 0; j < per; ++j) o.preview.data()[b * per + j] = static_cast<float>(100 * examples[b] + 10 * seed + j);
    o.steps_left.assign(examples.size(), 2);
    Info info;
    info.examples = examples;
    for (std::size_t e : examples) info.labels.insert(info.labels.end(), {static_cast<int>(e % 7), static_cast<int>((e + 1) % 7)});
    info.evidence.assign(examples.size() * 5, 1);
    return {o, info};
  }
  StepResult step(const Action&) override {
    ++steps;
    throw std::logic_error("the inner env was stepped");
  }
  int resets = 0, steps = 0;

 private:
  EnvSpec spec_;
};

Action regions(std::vector<int> r) {
  Action a;
  a.region = std::move(r);
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(spec_is_one_region_holding_the_inner_preview) {
  PreviewEnv env(std::make_unique<CountingEnv>());
  const EnvSpec& s = env.spec();
  BOOST_TEST(s.num_regions == 1u);
  BOOST_TEST(s.max_steps == 1u);
  BOOST_TEST(s.content_shape == (Shape{3, 2}), boost::test_tools::per_element());
  BOOST_TEST(s.preview_shape.empty());
  BOOST_TEST((s.preview_kind == PreviewKind::per_region));
  BOOST_TEST(s.preview_features == 2u);
  BOOST_TEST(s.num_slots == 2u);
  BOOST_TEST(s.num_classes == 7u);
  BOOST_TEST(s.region_is_preview);
  BOOST_TEST(!env.inner().spec().region_is_preview);
  BOOST_TEST(env.num_examples() == 9u);
}

BOOST_AUTO_TEST_CASE(content_is_the_inner_preview_and_the_inner_env_is_never_stepped) {
  auto inner = std::make_unique<CountingEnv>();
  CountingEnv* counting = inner.get();
  PreviewEnv env(std::move(inner));
  auto [obs, info] = env.reset({4, 1, 7}, 3);
  BOOST_TEST(counting->resets == 1);
  BOOST_TEST(obs.preview.size() == 0u);  // no preview of its own
  BOOST_TEST(obs.read == (std::vector<std::uint8_t>{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(info.labels == (std::vector<int>{4, 5, 1, 2, 0, 1}), boost::test_tools::per_element());
  BOOST_TEST(info.evidence.empty());  // the inner env's is per inner region
  // Example 0 reads the preview, example 1 stops, example 2 reads it too.
  const StepResult r = env.step(regions({0, -1, 0}));
  BOOST_TEST(counting->steps == 0);
  BOOST_TEST(r.obs.active == (std::vector<std::uint8_t>{1, 0, 1}), boost::test_tools::per_element());
  BOOST_TEST(r.terminated == (std::vector<std::uint8_t>{0, 1, 0}), boost::test_tools::per_element());
  BOOST_TEST(r.truncated == (std::vector<std::uint8_t>{1, 0, 1}), boost::test_tools::per_element());
  for (std::size_t b : {0u, 2u}) {
    const std::size_t example = b == 0 ? 4 : 7;
    for (std::size_t j = 0; j < 6; ++j)
      BOOST_TEST(r.obs.content.data()[b * 6 + j] == static_cast<float>(100 * example + 30 + j));
  }
  BOOST_TEST(std::all_of(r.obs.content.data() + 6, r.obs.content.data() + 12, [](float v) { return v == 0.0f; }));
  // Done: a second step reads nothing, and the one region cannot be read twice.
  const StepResult again = env.step(regions({0, 0, 0}));
  BOOST_TEST(again.obs.active == (std::vector<std::uint8_t>{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(counting->steps == 0);
}

BOOST_AUTO_TEST_CASE(an_env_without_previews_is_refused) {
  BOOST_CHECK_THROW(PreviewEnv(std::make_unique<CountingEnv>(Shape{})), std::invalid_argument);
  BOOST_CHECK_THROW(PreviewEnv(nullptr), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_dialogue_env_seen_through_its_previews) {
  DialogueGeneratorOptions g;
  g.min_turns = 8;
  g.max_turns = 12;
  const std::vector<Dialogue> dialogues = generate_dialogues(6, g, 5);
  auto data = std::make_shared<const DialogueSplit>(
      encode_dialogues("generated", dialogues, dialogue_vocabulary(dialogues, 1), restaurant_kb(), 8, 4));
  DialogueEnv plain(data, {.turns = 12, .budget = 3});
  PreviewEnv env(std::make_unique<DialogueEnv>(data, DialogueEnvOptions{.turns = 12, .budget = 3}));
  BOOST_TEST(env.spec().content_shape == plain.spec().preview_shape, boost::test_tools::per_element());
  BOOST_TEST(env.spec().num_slots == 4u);
  const std::vector<std::size_t> examples = {5, 0, 2};
  const auto [plain_obs, plain_info] = plain.reset(examples, 0);
  const auto [obs, info] = env.reset(examples, 0);
  BOOST_TEST(info.labels == plain_info.labels, boost::test_tools::per_element());
  const StepResult r = env.step(regions({0, 0, 0}));
  BOOST_TEST(r.obs.content.size() == plain_obs.preview.size());
  BOOST_TEST(std::equal(r.obs.content.begin(), r.obs.content.end(), plain_obs.preview.begin()));

  // An episode under the `first` rule: the reader gets the preview, and no region counts as read.
  std::unique_ptr<Policy> first = make_fixed_policy("first", "preview", env.spec(), 1);
  Rng init(3), rng(4);
  const std::size_t P = shape_size(env.spec().content_shape);
  MlpReader reader({.content_size = P, .hidden = 8, .layers = 1, .num_classes = env.spec().num_classes}, init);
  const Episode ep = run_episode(env, reader, *first, examples, 0, rng, true);
  BOOST_TEST(ep.regions_read == (std::vector<int>{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(ep.read_now.size() == 1u);
  BOOST_TEST(ep.read_now[0] == (std::vector<std::uint8_t>{1, 1, 1}), boost::test_tools::per_element());
  BOOST_TEST(ep.reader_flops == 3 * (reader.flops_encode() + reader.flops_predict(0)), boost::test_tools::tolerance(1e-9));
}
