// The policy-gradient estimator against the analytic gradient on bandits, and the Lagrange
// multiplier's direction.
#define BOOST_TEST_MODULE reinforce
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xtensor/xbuilder.hpp>

#include "agents/reinforce.hpp"
#include "core/ops.hpp"

using namespace saccade;

namespace {

// d/dθ E_{a~softmax(θ)}[r(a)] = π_i (r_i - Σ_j π_j r_j)
std::vector<double> analytic_softmax_gradient(const std::vector<double>& theta, const std::vector<double>& r) {
  double z = 0, er = 0;
  for (double t : theta) z += std::exp(t);
  for (std::size_t i = 0; i < r.size(); ++i) er += std::exp(theta[i]) / z * r[i];
  std::vector<double> g;
  for (std::size_t i = 0; i < r.size(); ++i) g.push_back(std::exp(theta[i]) / z * (r[i] - er));
  return g;
}

// The REINFORCE estimate of that gradient from n samples, with a constant baseline b.
std::vector<double> reinforce_estimate(const std::vector<double>& theta, const std::vector<double>& r, double b,
                                       std::size_t n, std::uint64_t seed) {
  const std::size_t k = theta.size();
  Var logits_row(Array::from_shape({1, k}), true);
  for (std::size_t i = 0; i < k; ++i) logits_row.value()(0, i) = static_cast<float>(theta[i]);
  Rng rng(seed);
  std::vector<int> actions(n);
  Array adv = Array::from_shape({n});
  double z = 0;
  for (double t : theta) z += std::exp(t);
  for (std::size_t s = 0; s < n; ++s) {  // sample a ~ softmax(θ) by inversion
    double u = rng.uniform(), c = 0;
    int a = static_cast<int>(k) - 1;
    for (std::size_t i = 0; i < k; ++i) {
      c += std::exp(theta[i]) / z;
      if (u < c) { a = static_cast<int>(i); break; }
    }
    actions[s] = a;
    adv(s) = static_cast<float>(r[a] - b);
  }
  // The same logits for every sample: rows gathered from the one parameter row.
  const Var logits = gather_rows(logits_row, std::vector<int>(n, 0));
  const Var loss = policy_gradient_loss({categorical_log_prob(logits, actions)}, {adv}, n);
  backward(loss);
  std::vector<double> g;
  for (std::size_t i = 0; i < k; ++i) g.push_back(-logits_row.grad()(0, i));  // ascent direction
  return g;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_armed_bandit_is_unbiased) {
  const std::vector<double> theta = {0.3, -0.2}, r = {1.0, 0.2};
  const auto want = analytic_softmax_gradient(theta, r);
  // Average several independent estimates; each uses 20,000 samples (standard error ~0.003).
  for (double baseline : {0.0, 0.5, 2.0}) {
    std::vector<double> mean(2, 0.0);
    const int reps = 5;
    for (int rep = 0; rep < reps; ++rep) {
      auto g = reinforce_estimate(theta, r, baseline, 20000, 100 + rep);
      for (int i = 0; i < 2; ++i) mean[i] += g[i] / reps;
    }
    for (int i = 0; i < 2; ++i) {
      BOOST_TEST(std::abs(mean[i] - want[i]) < 0.01, "baseline " << baseline << " arm " << i << ": " << mean[i]
                                                                 << " vs analytic " << want[i]);
    }
  }
  BOOST_TEST(want[0] > 0.1);  // the test is not vacuous: the better arm's logit should rise
}

BOOST_AUTO_TEST_CASE(five_armed_bandit_is_unbiased) {
  const std::vector<double> theta = {0.5, -1.0, 0.0, 1.0, -0.3}, r = {0.1, 1.0, 0.4, 0.0, 0.7};
  const auto want = analytic_softmax_gradient(theta, r);
  const auto got = reinforce_estimate(theta, r, 0.4, 200000, 7);
  for (std::size_t i = 0; i < r.size(); ++i) BOOST_TEST(std::abs(got[i] - want[i]) < 0.006, "arm " << i << ": " << got[i] << " vs " << want[i]);
}

BOOST_AUTO_TEST_CASE(gaussian_policy_gradient_is_unbiased) {
  // E_{x~N(μ,σ²)}[-(x-c)²] = -(μ-c)² - σ²,  d/dμ = -2(μ - c)
  const float mu0 = 0.2f, sigma = 0.3f, c = -0.4f;
  const std::size_t n = 100000;
  Var mu(Array{mu0}, true);
  Rng rng(3);
  Array x = Array::from_shape({n}), adv = Array::from_shape({n});
  for (std::size_t s = 0; s < n; ++s) {
    x(s) = mu0 + sigma * static_cast<float>(rng.normal());
    adv(s) = -(x(s) - c) * (x(s) - c);
  }
  const Var lp = gaussian_log_prob(Var(x), mu, Var(Array(sigma)));
  backward(policy_gradient_loss({lp}, {adv}, n));
  const double got = -mu.grad()(0), want = -2.0 * (mu0 - c);
  BOOST_TEST(std::abs(got - want) < 0.03 * std::abs(want), got << " vs " << want);
}
