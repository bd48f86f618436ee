// The anytime curve (agents/anytime.hpp) through evaluate(): its point k is what the same reader and
// policy score when the budget is k, for a sequential learned policy (predicted inside the episode),
// for a fixed plan read at the end (predicted by reading the plan again, step by step) and for
// examples that STOP early (they keep their last answer); its last point is the accuracy. Asking for
// it leaves the episode's answers alone, and the confusion tally agrees with the accuracy.
#define BOOST_TEST_MODULE anytime
#include <boost/test/unit_test.hpp>

#include <functional>
#include <memory>

#include <xtensor/xbuilder.hpp>

#include "agents/anytime.hpp"
#include "agents/evaluate.hpp"
#include "agents/fixed_policy.hpp"
#include "agents/gaussian_location.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

namespace {

std::shared_ptr<const ImageDataset> digits() {
  static auto d = std::make_shared<const ImageDataset>(load_image_splits("digits", 0).test);
  return d;
}
ImageGlimpseEnv glimpse_env(std::size_t budget) {
  return ImageGlimpseEnv(digits(), CanvasSpec::translated(16), {.retina = {4, 2}, .budget = budget, .preview_factor = 4});
}
ImagePatchEnv patch_env(std::size_t budget) {
  return ImagePatchEnv(digits(), CanvasSpec::translated(16), {.grid = 4, .budget = budget, .preview_factor = 4});
}

// Regions in index order: the plan for budget k is the first k of the plan for any larger budget.
std::vector<int> in_order(const RegionPlanInput& in) { return {in.has.begin(), in.has.begin() + static_cast<long>(in.k)}; }

// Example b glimpses at the centre until step stop_at[b % size], where it says STOP.
class StopAt : public Policy {
 public:
  explicit StopAt(std::vector<std::size_t> s) : stop_at_(std::move(s)) {}
  std::string name() const override { return "stop-at"; }
  Decision act(const PolicyContext& ctx, Rng&, bool) override {
    const std::size_t B = ctx.obs.location.shape()[0];
    Decision d;
    d.action.location = xt::zeros<float>({B, std::size_t{2}});
    for (std::size_t b = 0; b < B; ++b) d.action.stop.push_back(ctx.step >= stop_at_[b % stop_at_.size()] ? 1 : 0);
    return d;
  }

 private:
  std::vector<std::size_t> stop_at_;
};

constexpr std::size_t kExamples = 60, kBatch = 16;

// evaluate() at budget 3 with the curve, against evaluate() at budgets 1, 2, 3 without it.
// policy(k): the policy to run under budget k.
template <class MakeEnv>
void check_curve(MakeEnv make_env, const Reader& reader, const std::function<Policy&(std::size_t)>& policy) {
  auto env3 = make_env(3);
  Rng rng(5);
  const EvalResult r = evaluate(env3, reader, policy(3), kExamples, kBatch, 7, rng, /*anytime=*/true);
  BOOST_TEST_REQUIRE(r.anytime.size() == 3u);
  for (std::size_t k = 1; k <= 3; ++k) {
    auto env = make_env(k);
    Rng again(5);
    const EvalResult at_k = evaluate(env, reader, policy(k), kExamples, kBatch, 7, again);
    BOOST_TEST(r.anytime[k - 1] / kExamples == at_k.accuracy, "point " << k);
    BOOST_TEST(at_k.anytime.empty());  // not asked for
  }
  BOOST_TEST(r.anytime[2] / kExamples == r.accuracy);
  // The tally holds every answer: its diagonal over its total is the (one-slot) accuracy.
  std::size_t right = 0;
  for (std::size_t k = 0; k < 10; ++k) right += r.confusion.count(0, k, k);
  BOOST_TEST(r.confusion.total() == kExamples);
  BOOST_TEST(static_cast<double>(right) / kExamples == r.accuracy);
  BOOST_TEST(r.macro_f1 >= 0.0);
  BOOST_TEST(r.macro_f1 <= 1.0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_sequential_policy_predicted_inside_the_episode) {
  Rng init(1);
  RamReader reader{{.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 32}, init};
  GaussianLocationPolicy policy{{.input = 32}, init};  // needs the summary: reads step by step
  BOOST_TEST_REQUIRE(policy.needs_summary());
  // The same parameters at every budget: greedy decisions follow the memory, not the budget.
  check_curve(glimpse_env, reader, [&](std::size_t) -> Policy& { return policy; });
}

BOOST_AUTO_TEST_CASE(a_fixed_plan_read_at_the_end_is_read_again_step_by_step) {
  Rng init(3);
  PatchReader reader({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  std::vector<FixedRegionPolicy> plans = {{"in-order", in_order, 1}, {"in-order", in_order, 2}, {"in-order", in_order, 3}};
  check_curve(patch_env, reader, [&](std::size_t k) -> Policy& { return plans[k - 1]; });
}

BOOST_AUTO_TEST_CASE(examples_that_stop_keep_their_last_answer) {
  Rng init(1);
  RamReader reader{{.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 32}, init};
  // Budget k stops example b at min(stop_at, k): the answer the curve takes at point k.
  StopAt policy({0, 1, 2, 3, 5, 1});
  check_curve(glimpse_env, reader, [&](std::size_t) -> Policy& { return policy; });
}

BOOST_AUTO_TEST_CASE(recording_the_steps_changes_no_answer) {
  Rng init(3), rng(4), rng2(4);
  ImagePatchEnv env = patch_env(3);
  PatchReader reader({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  FixedRegionPolicy plan("in-order", in_order, 3);
  std::vector<std::size_t> examples(12);
  for (std::size_t i = 0; i < examples.size(); ++i) examples[i] = i;
  NoGrad no_grad;
  const Episode plain = run_episode(env, reader, plan, examples, 1, rng, true);
  const Episode recorded = run_episode(env, reader, plan, examples, 1, rng2, true, {.step_predictions = true});
  BOOST_TEST((plain.logits.value() == recorded.logits.value()));
  BOOST_TEST(plain.step_predicted.empty());
  BOOST_TEST_REQUIRE(recorded.step_predicted.size() == recorded.read_now.size());
  // After the whole plan, reading it step by step answers as reading it at once did.
  BOOST_TEST(recorded.step_predicted.back() == predicted_classes(recorded.logits), boost::test_tools::per_element());
  BOOST_CHECK_THROW(anytime_correct(plain, 3), std::logic_error);
}
