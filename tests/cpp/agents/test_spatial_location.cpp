// SpatialLocationPolicy (agents/spatial_location.hpp) against its header comment:
//   - shapes of the decision; greedy is the mean, and the mean is the soft-argmax of the scores over
//     the thumbnail's cell centres, computed here by hand for a thumbnail with one bright cell;
//   - with weights that score brightness, the mean moves onto the bright spot, wherever it is;
//   - samples are N(mean, std^2) (clipped), and log_prob is that density at the sample;
//   - the gradient of log N(l; mean(theta), std^2) w.r.t. every parameter of the soft-argmax against
//     central differences (relative error per tensor, gradcheck.hpp), and the policy's own log_prob
//     backpropagates exactly that gradient.
#define BOOST_TEST_MODULE spatial_location
#include <boost/test/unit_test.hpp>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "agents/spatial_location.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;
using saccade::testing::gradcheck_relative;

namespace {

constexpr std::size_t S = 8, P = S * S, Hs = 4;  // an 8 x 8 thumbnail, a summary of 4
constexpr float kStd = 0.1f;

// Exposes the protected mean (from the summary and the preview's code) for the gradient check.
struct Spatial : SpatialLocationPolicy {
  using SpatialLocationPolicy::SpatialLocationPolicy;
  Var mean_of(const PolicyContext& ctx, const Var& h) const { return mean(ctx, h, preview_code(ctx)); }
};

Spatial make(std::uint64_t seed) {
  Rng rng(seed);
  return Spatial({.gaussian = {.input = Hs, .std = kStd}, .height = S, .width = S, .hidden = 6}, rng);
}

// A context for B examples: thumbnails [B, S, S], a summary [B, Hs].
struct Context {
  EnvSpec spec;
  Observation obs;
  Var summary;
  Context(Array thumbnails, Array h) : summary(std::move(h)) {
    obs.preview = std::move(thumbnails);
    obs.steps_left.assign(obs.preview.shape()[0], 2);
  }
  PolicyContext ctx() const { return {spec, obs, summary, 0}; }
};

// Thumbnails with one bright cell (value 1) per example at (row, col); zeros elsewhere.
Array bright_cells(const std::vector<std::pair<std::size_t, std::size_t>>& cells) {
  Array t = xt::zeros<float>({cells.size(), S, S});
  for (std::size_t b = 0; b < cells.size(); ++b) t(b, cells[b].first, cells[b].second) = 1.0f;
  return t;
}

double centre(std::size_t i) { return (i + 0.5) / S * 2.0 - 1.0; }

// Every parameter 0, except: hidden unit 0 reads the cell's own brightness (the 3x3 neighbourhood's
// middle, feature 4) and the score is `gain` times it. score_p = gain * brightness_p.
void score_brightness(Module& p, float gain) {
  for (const auto& [n, v] : p.named_parameters()) Var(v).value().fill(0.0f);
  param(p, "local.weight").value()(4, 0) = 1.0f;
  param(p, "local_score.weight").value()(0, 0) = gain;
}

}  // namespace

BOOST_AUTO_TEST_CASE(greedy_is_the_hand_computed_soft_argmax_on_the_bright_cell) {
  NoGrad ng;
  Spatial policy = make(1);
  score_brightness(policy, 5.0f);
  const std::vector<std::pair<std::size_t, std::size_t>> cells = {{2, 5}, {7, 0}, {0, 7}, {4, 3}};
  Context c(bright_cells(cells), Array(xt::ones<float>({cells.size(), Hs})));
  Rng rng(2);
  policy.begin(c.ctx(), rng, true);
  const Decision d = policy.act(c.ctx(), rng, true);
  BOOST_TEST((d.action.location.shape() == Shape{cells.size(), 2}));
  BOOST_TEST(d.action.stop.size() == cells.size());
  // mean = (e^5 c_bright + sum_{p != bright} c_p) / (e^5 + 63); the sum of all centres is 0.
  const double e = std::exp(5.0), z = e + (P - 1);
  for (std::size_t b = 0; b < cells.size(); ++b) {
    const double row = (e - 1.0) * centre(cells[b].first) / z, col = (e - 1.0) * centre(cells[b].second) / z;
    BOOST_TEST(d.action.location(b, 0) == row, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(d.action.location(b, 1) == col, boost::test_tools::tolerance(1e-5));
  }
  // A larger gain puts the mean on the bright cell's centre.
  score_brightness(policy, 30.0f);
  policy.begin(c.ctx(), rng, true);
  const Decision sharp = policy.act(c.ctx(), rng, true);
  for (std::size_t b = 0; b < cells.size(); ++b) {
    BOOST_TEST(std::abs(sharp.action.location(b, 0) - centre(cells[b].first)) < 1e-4);
    BOOST_TEST(std::abs(sharp.action.location(b, 1) - centre(cells[b].second)) < 1e-4);
  }
}

BOOST_AUTO_TEST_CASE(samples_have_the_std_and_log_prob_is_their_density) {
  Spatial policy = make(3);
  Context c(bright_cells({{3, 3}, {4, 4}}), Array(xt::zeros<float>({std::size_t{2}, Hs})));
  Rng rng(4);
  policy.begin(c.ctx(), rng, true);
  const Array mean = policy.act(c.ctx(), rng, true).action.location;
  double sum = 0, sum2 = 0;
  const std::size_t n = 4000;
  for (std::size_t i = 0; i < n; ++i) {
    Tape::current().clear();
    const Decision d = policy.act(c.ctx(), rng, false);
    BOOST_TEST_REQUIRE((d.log_prob.shape() == Shape{2}));
    BOOST_TEST_REQUIRE((d.entropy.shape() == Shape{2}));
    for (std::size_t b = 0; b < 2; ++b) {
      double lp = -std::log(2.0 * M_PI * kStd * kStd);
      for (std::size_t j = 0; j < 2; ++j) {
        const double z = (d.action.location(b, j) - mean(b, j)) / kStd;
        sum += z;
        sum2 += z * z;
        lp -= 0.5 * z * z;
      }
      if (i < 50 && std::abs(d.action.location(b, 0)) < 0.99 && std::abs(d.action.location(b, 1)) < 0.99) {
        BOOST_TEST(d.log_prob.value()(b) == lp, boost::test_tools::tolerance(1e-3));
      }
    }
  }
  Tape::current().clear();
  // 4 n standard normals (the means are interior, clipping at +-1 is > 5 std away): mean 0 (sd 0.008),
  // variance 1 (sd 0.011).
  BOOST_TEST(std::abs(sum / (4 * n)) < 0.04);
  BOOST_TEST(std::abs(sum2 / (4 * n) - 1.0) < 0.05);
}

BOOST_AUTO_TEST_CASE(log_prob_gradient_against_finite_differences) {
  Spatial policy = make(5);
  Rng data(6);
  Context c(data.uniform_array({3, S, S}, 0.0f, 1.0f), data.normal_array({3, Hs}, 0.0f, 1.0f));
  // A fixed action l0 (a sample of the policy would move with its mean under a perturbation).
  const Array l0 = data.uniform_array({3, 2}, -0.6f, 0.6f);
  NamedParameters leaves;
  for (const auto& [n, v] : policy.named_parameters()) {
    if (n.rfind("local", 0) == 0 || n.rfind("state_score", 0) == 0) leaves.emplace_back(n, v);
  }
  BOOST_TEST(leaves.size() == 5u);  // local.{weight,bias}, local_score.{weight,bias}, state_score.weight
  Rng rng(7);
  auto log_prob = [&] {
    policy.begin(c.ctx(), rng, false);
    return sum(gaussian_log_prob(Var(l0), policy.mean_of(c.ctx(), c.summary), Var(Array(kStd))));
  };
  // local_score.bias adds one constant to every cell's score, which the softmax ignores: gradient 0.
  const double worst = gradcheck_relative("spatial log-prob", log_prob, leaves, {}, {"local_score.bias"});
  BOOST_TEST_MESSAGE("spatial log-prob: largest relative error " << worst);

  // The policy's own log_prob of its sample backpropagates the same gradient as the formula at that
  // sample (the sample a constant): compare the two analytic gradients tensor by tensor.
  Tape::current().clear();
  for (auto& [n, v] : leaves) v.zero_grad();
  policy.begin(c.ctx(), rng, false);
  const Decision d = policy.act(c.ctx(), rng, false);
  backward(sum(d.log_prob));
  std::vector<Array> from_policy;
  for (auto& [n, v] : leaves) from_policy.push_back(v.grad());
  // The unclipped sample is mean + std * noise; the location is it clipped. Keep the test interior.
  for (float v : d.action.location) BOOST_TEST_REQUIRE(std::abs(v) < 1.0f);
  const Array sample = d.action.location;
  Tape::current().clear();
  for (auto& [n, v] : leaves) v.zero_grad();
  policy.begin(c.ctx(), rng, false);
  backward(sum(gaussian_log_prob(Var(sample), policy.mean_of(c.ctx(), c.summary), Var(Array(kStd)))));
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const Array diff = from_policy[i] - leaves[i].second.grad();
    const double rel = std::sqrt(xt::sum(diff * diff)()) / std::sqrt(xt::sum(from_policy[i] * from_policy[i])());
    BOOST_TEST(rel < 1e-4, leaves[i].first << ": " << rel);
  }
}
