// GaussianLocationPolicy against its header comment: greedy is tanh(mean), samples have the configured
// std and are clipped, log_prob is the Gaussian density, the summary is detached, STOP only from
// min_steps.
#define BOOST_TEST_MODULE gaussian_location
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "agents/gaussian_location.hpp"
#include "attention/ram_reader.hpp"
#include "core/ops.hpp"
#include "policy_steps.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using namespace saccade::testing;

namespace {

// tanh(h W + b) of the policy's mean head, for summary row h.
std::array<double, 2> mean_of(const Module& p, const std::vector<float>& h) {
  const Array& W = param(p, "mean.weight").value();
  const Array& b = param(p, "mean.bias").value();
  std::array<double, 2> m{};
  for (std::size_t j = 0; j < 2; ++j) {
    double z = b(j);
    for (std::size_t i = 0; i < h.size(); ++i) z += h[i] * W(i, j);
    m[j] = std::tanh(z);
  }
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gaussian_greedy_is_the_mean_and_samples_have_the_std) {
  Rng init(1), rng(2);
  GaussianLocationPolicy p({.input = H, .std = 0.1f}, init);
  const auto mean = mean_of(p, h0);
  const Decision g = act(p, summaries(2, h0), 0, rng, true);
  for (std::size_t j = 0; j < 2; ++j) BOOST_TEST(std::abs(g.action.location(1, j) - mean[j]) < 1e-6);
  BOOST_TEST(std::abs(mean[0]) + std::abs(mean[1]) > 0.05);  // not trivially zero

  const std::size_t n = 20000;
  const Decision d = act(p, summaries(n, h0), 0, rng, false);
  for (std::size_t j = 0; j < 2; ++j) {
    double s = 0, s2 = 0;
    for (std::size_t b = 0; b < n; ++b) {
      const double x = d.action.location(b, j) - mean[j];
      s += x, s2 += x * x;
    }
    const double m = s / n, sd = std::sqrt(s2 / n - m * m);
    BOOST_TEST(std::abs(m) < 0.005, "coordinate " << j << " bias " << m);  // standard error 0.0007
    BOOST_TEST(std::abs(sd - 0.1) < 0.01, "coordinate " << j << " std " << sd);
  }
  // The entropy is the 2-d Gaussian's, a constant: log(2 pi e std^2).
  BOOST_TEST(std::abs(d.entropy.value()(0) - std::log(2 * M_PI * std::exp(1.0) * 0.01)) < 1e-4);
}

BOOST_AUTO_TEST_CASE(gaussian_samples_are_clipped_and_log_prob_is_the_density) {
  Rng init(1), rng(3);
  GaussianLocationPolicy wide({.input = H, .std = 2.0f}, init);
  const Decision d = act(wide, summaries(500, h0), 0, rng, false);
  BOOST_TEST(xt::amax(xt::abs(d.action.location))() == 1.0f);  // clipped, and some samples hit the edge

  GaussianLocationPolicy p({.input = H, .std = 0.1f}, init);
  const auto mean = mean_of(p, h0);
  const Decision s = act(p, summaries(8, h0), 0, rng, false);
  for (std::size_t b = 0; b < 8; ++b) {
    double want = 0;
    for (std::size_t j = 0; j < 2; ++j) {
      const double z = (s.action.location(b, j) - mean[j]) / 0.1;
      want += -0.5 * z * z - std::log(0.1) - 0.5 * std::log(2 * M_PI);
    }
    BOOST_TEST(std::abs(s.log_prob.value()(b) - want) < 1e-3, "example " << b);
  }
}

BOOST_AUTO_TEST_CASE(gaussian_policy_gradient_stops_at_the_summary) {
  Rng init(1), rng(4);
  RamReader reader({8, 5, H, 3, "rnn"}, init);
  GaussianLocationPolicy p({.input = H, .stop = true, .min_steps = 0}, init);
  RegionBatch r;
  r.content = rng.uniform_array({3, 2, 2, 2}, 0.0f, 1.0f);
  r.location = rng.uniform_array({3, 2}, -1.0f, 1.0f);
  const Memory m = reader.update(reader.init(3), reader.encode(r), {0, 1, 2});
  const Var summary = reader.summary(m);
  BOOST_TEST_REQUIRE(summary.requires_grad());  // the summary is on the tape ...
  const Decision d = act(p, summary, 0, rng, false);
  backward(sum(d.log_prob + d.entropy));
  for (const auto& [name, v] : reader.named_parameters()) BOOST_TEST(!v.has_grad(), name << " got a gradient");
  // ... while the policy's own heads learn.
  BOOST_TEST(param(p, "mean.weight").has_grad());
  BOOST_TEST(param(p, "stop.weight").has_grad());
}

BOOST_AUTO_TEST_CASE(gaussian_stop_head_only_from_min_steps) {
  Rng init(1), rng(5);
  GaussianLocationPolicy none({.input = H}, init);
  for (const auto& [name, v] : none.named_parameters()) BOOST_TEST(name.rfind("mean.", 0) == 0u, name);

  GaussianLocationPolicy p({.input = H, .stop = true, .min_steps = 2}, init);
  Var(param(p, "stop.bias")).value().fill(8.0f);  // sigmoid(8) ~ 0.9997: stop whenever allowed
  const Var h = summaries(6, h0);
  for (std::size_t step = 0; step < 4; ++step) {
    const Decision d = act(p, h, step, rng, false);
    const Decision g = act(p, h, step, rng, true);
    for (std::size_t b = 0; b < 6; ++b) {
      BOOST_TEST(d.action.stop[b] == (step >= 2 ? 1 : 0), "step " << step);
      BOOST_TEST(g.action.stop[b] == (step >= 2 ? 1 : 0), "greedy, step " << step);
    }
    // From min_steps on, log_prob adds log sigmoid(logit) of the STOP taken (~ -3e-4), and the
    // entropy the Bernoulli's; before, the Gaussian alone (its entropy: log(2 pi e 0.01) ~ -3.2).
    const double gauss = std::log(2 * M_PI * std::exp(1.0) * 0.01);
    BOOST_TEST((std::abs(g.entropy.value()(0) - gauss) < 1e-4) == (step < 2), "step " << step);
  }
}

BOOST_AUTO_TEST_CASE(gaussian_greedy_samples_stop_unless_greedy_stop) {
  // p(stop) = sigmoid(0.4) ~ 0.60 for every example (zero weights): greedy evaluation samples STOP
  // (about 60% stop), greedy_stop thresholds it (all stop).
  Rng init(1), rng(9);
  GaussianLocationPolicy sampled({.input = H, .stop = true}, init);
  GaussianLocationPolicy thresholded({.input = H, .stop = true, .greedy_stop = true}, init);
  for (auto* p : {&sampled, &thresholded}) {
    Var(param(*p, "stop.weight")).value().fill(0.0f);
    Var(param(*p, "stop.bias")).value().fill(0.4f);
  }
  const Var h = summaries(400, h0);
  const Decision s = act(sampled, h, 1, rng, true), t = act(thresholded, h, 1, rng, true);
  double stopped = 0;
  for (std::size_t b = 0; b < 400; ++b) {
    stopped += s.action.stop[b];
    BOOST_TEST(t.action.stop[b] == 1);
  }
  BOOST_TEST(stopped / 400 > 0.5);
  BOOST_TEST(stopped / 400 < 0.7);
}
