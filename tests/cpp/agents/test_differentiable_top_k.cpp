// DifferentiableTopKPolicy and its relaxation against their header comments: the straight-through
// weights are exactly 1 and carry the relaxation's gradient (by relative error against central
// differences of relaxed_top_k, for the scores and through the policy's scorer); the forward picks k
// distinct regions, greedy the top k of the scores, sampling's first pick follows softmax(scores)
// (Gumbel-max); the relaxed k-hot sums to k and tends to the hard top k as tau -> 0.
#define BOOST_TEST_MODULE differentiable_top_k
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <xtensor/xbuilder.hpp>

#include "agents/differentiable_top_k.hpp"
#include "agents/plackett_luce.hpp"
#include "agents/relaxed_top_k.hpp"
#include "agents/top_k_regions.hpp"
#include "core/ops.hpp"
#include "gradcheck.hpp"
#include "policy_steps.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using namespace saccade::testing;

namespace {

// Central differences of L(x) = sum(relaxed_top_k(x) * w) at x, one entry per element of x.
std::vector<double> relaxation_differences(const Array& x, const Array& missing, std::size_t k, float tau, const Array& w) {
  NoGrad no_grad;
  const auto loss = [&](const Array& at) {
    return static_cast<double>(sum(relaxed_top_k(Var(at), missing, k, tau) * Var(w)).item());
  };
  std::vector<double> out(x.size());
  const float eps = 1e-3f;
  for (std::size_t j = 0; j < x.size(); ++j) {
    Array plus = x, minus = x;
    plus.data()[j] += eps;
    minus.data()[j] -= eps;
    out[j] = (loss(plus) - loss(minus)) / (2.0 * eps);
  }
  return out;
}

// The hand-set policy of test_top_k_regions.cpp: both scorer layers the identity, zero biases, so the
// scores are relu(preview) (= the preview, non-negative) and d scores / d the last bias is the identity.
struct HandScores {
  Rng init{1};
  DifferentiableTopKPolicy p;
  explicit HandScores(std::size_t R, std::size_t k, float tau) : p({.scorer = {.preview_size = R, .regions = R, .hidden = R}, .k = k, .tau = tau}, init) {
    for (const auto& [name, v] : p.named_parameters()) {
      Var w = v;
      w.value() = name.ends_with("weight") ? Array(xt::eye<float>(R)) : Array(xt::zeros<float>({R}));
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(straight_through_is_hard_in_value_and_the_relaxation_backward) {
  Rng rng(3);
  const std::size_t B = 3, R = 7, k = 3;
  const float tau = 0.5f;
  const Array x = rng.uniform_array({B, R}, -1.5f, 1.5f);
  Array missing = xt::zeros<float>({B, R});
  missing(2, 1) = missing(2, 4) = 1.0f;  // example 2 lacks two regions
  Array hard = xt::zeros<float>({B, R});
  for (std::size_t b = 0; b < B; ++b) hard(b, b) = hard(b, b + 2) = hard(b, 6) = 1.0f;
  Var scores(x, /*requires_grad=*/true);
  const Var st = straight_through(hard, relaxed_top_k(scores, missing, k, tau));
  for (std::size_t i = 0; i < hard.size(); ++i) BOOST_TEST(st.value().data()[i] == hard.data()[i]);  // exactly
  const Array w = rng.uniform_array({B, R}, 0.5f, 1.5f);
  backward(sum(st * Var(w)));
  const double rel = check_tensor_gradient("d straight-through / d scores", scores.grad(), relaxation_differences(x, missing, k, tau, w), {});
  BOOST_TEST_MESSAGE("straight-through vs the relaxation's differences: relative error " << rel);
  for (std::size_t r : {1, 4}) BOOST_TEST(scores.grad()(2, r) == 0.0f);  // out of reach: no gradient
}

BOOST_AUTO_TEST_CASE(the_relaxed_k_hot_sums_to_k_and_tends_to_the_hard_top_k) {
  // Keys 0, 0.5, .., 4 in a random order per row: the limit tau -> 0 is the hard top k only where the
  // k-th and (k+1)-th keys differ by several tau (near ties split the mass, see relaxed_top_k.hpp).
  Rng rng(4);
  const std::size_t B = 20, R = 9, k = 4;
  Array x = Array::from_shape({B, R});
  for (std::size_t b = 0; b < B; ++b) {
    const auto order = rng.permutation(R);
    for (std::size_t r = 0; r < R; ++r) x(b, r) = 0.5f * static_cast<float>(order[r]);
  }
  Array missing = xt::zeros<float>({B, R});
  for (std::size_t r = 2; r < R; ++r) missing(0, r) = 1.0f;  // example 0 has 2 regions (< k)
  NoGrad no_grad;
  const TopKDraw greedy = gumbel_top_k(x, missing, k, rng, /*greedy=*/true);
  for (float tau : {1.0f, 0.05f}) {
    const Array khot = relaxed_top_k(Var(x), missing, k, tau).value();
    double worst = 0;  // largest distance from the hard k-hot of the top k
    for (std::size_t b = 0; b < B; ++b) {
      double total = 0;
      for (std::size_t r = 0; r < R; ++r) {
        total += khot(b, r);
        const bool top = std::find(greedy.plan.begin() + b * k, greedy.plan.begin() + (b + 1) * k, static_cast<int>(r)) !=
                         greedy.plan.begin() + (b + 1) * k;
        worst = std::max(worst, std::abs(khot(b, r) - (top ? 1.0 : 0.0)));
        if (missing(b, r) != 0.0f) BOOST_TEST(khot(b, r) < 1e-6);
      }
      BOOST_TEST(std::abs(total - (b == 0 ? 2.0 : 4.0)) < 1e-4);
    }
    BOOST_TEST_MESSAGE("tau " << tau << ": largest distance from the hard top-k " << worst);
    if (tau < 0.1f) BOOST_TEST(worst < 0.05);  // keys 10 tau apart: nearly hard
    else BOOST_TEST(worst > 0.2);              // and tau 1 is not (the check can tell them apart)
  }
}

BOOST_AUTO_TEST_CASE(the_policy_weights_are_one_with_the_relaxation_gradient_at_its_own_keys) {
  // One example, hand scores: d / d(last bias) = d / d scores. The relaxation's keys are the draw's:
  // the same seed gives the same Gumbel noise.
  const std::size_t R = 6, k = 3;
  HandScores t(R, k, 0.7f);
  const Array preview = {{0.2f, 1.1f, 0.4f, 0.9f, 0.0f, 0.6f}};
  Rng r1(12), r2(12);
  std::vector<Decision> ds;
  for (std::size_t step = 0; step < k; ++step) ds.push_back(act(t.p, Var(), step, r1, false, preview));
  const TopKDraw draw = gumbel_top_k(preview, xt::zeros<float>({std::size_t{1}, R}), k, r2, false);
  Array w = xt::zeros<float>({std::size_t{1}, R});
  const float step_weight[] = {0.7f, 1.3f, -0.9f};
  Var loss;
  for (std::size_t j = 0; j < k; ++j) {
    BOOST_TEST(ds[j].action.region[0] == draw.plan[j]);
    BOOST_TEST(ds[j].weight.value()(0) == 1.0f);  // exactly
    w(0, static_cast<std::size_t>(draw.plan[j])) = step_weight[j];
    const Var term = ds[j].weight * step_weight[j];
    loss = loss.defined() ? loss + term : term;
  }
  backward(sum(loss));
  const Array grad = param(t.p, "scorer.layers.1.bias").grad();
  const double rel = check_tensor_gradient("d weights / d scores", Array(xt::reshape_view(grad, {std::size_t{1}, R})),
                                           relaxation_differences(draw.keys, xt::zeros<float>({std::size_t{1}, R}), k, 0.7f, w), {});
  BOOST_TEST_MESSAGE("the policy's weights vs the relaxation's differences: relative error " << rel);
  // Under NoGrad (evaluation) the decision carries no weight and no log-probability.
  NoGrad no_grad;
  Rng r3(12);
  const Decision e = act(t.p, Var(), 0, r3, true, preview);
  BOOST_TEST(!e.weight.defined());
  BOOST_TEST(!e.log_prob.defined());
}

BOOST_AUTO_TEST_CASE(forward_picks_k_distinct_regions_greedy_the_top_k_of_the_scores) {
  Rng init(1), rng(6);
  const std::size_t R = 8, P = 5, B = 40, k = 3;
  DifferentiableTopKPolicy p({.scorer = {.preview_size = P, .regions = R, .hidden = 8}, .k = k}, init);
  const Array preview = rng.uniform_array({B, P}, 0.0f, 1.0f);
  Observation obs;
  obs.preview = preview;
  obs.steps_left.assign(B, 3);
  for (bool greedy : {false, true}) {
    std::vector<std::vector<int>> plan(B);
    for (std::size_t step = 0; step < 5; ++step) {
      const Decision d = act(p, Var(), step, rng, greedy, preview);
      BOOST_TEST(d.log_prob.defined() == (step == 0));  // the set is one decision
      BOOST_TEST(d.weight.defined() == (step < k));
      for (std::size_t b = 0; b < B; ++b) {
        if (step >= k) BOOST_TEST(d.action.region[b] == -1);
        else plan[b].push_back(d.action.region[b]);
      }
    }
    for (const auto& one : plan) BOOST_TEST(std::set<int>(one.begin(), one.end()).size() == k);
    if (!greedy) continue;
    // Greedy: the k highest scores, highest first (the scorer is top-k's, tested by hand there).
    Rng same(1);  // the policy's scorer is the first thing its constructor draws
    const RegionScorer scorer({.preview_size = P, .regions = R, .hidden = 8}, same);
    BOOST_TEST(scorer.layers()[0].weight().value() == param(p, "scorer.layers.0.weight").value());
    const Array s = scorer.logits(obs).value();
    for (std::size_t b = 0; b < B; ++b) {
      std::vector<int> order(R);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int x, int y) { return s(b, x) > s(b, y); });
      order.resize(k);
      BOOST_TEST(plan[b] == order, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(the_first_pick_follows_softmax_of_the_scores) {
  // Gumbel-max: the first pick of top-k(scores + Gumbel) is a draw of softmax(scores). Scores
  // (1, 2, 0.5, 0): probabilities 0.23, 0.63, 0.14, 0.085; n = 30000 gives a standard error <= 0.003,
  // so the bound 0.012 is 4 of them. Without noise (always region 1), with uniform noise (region 1
  // always: a gap of 1 is beyond its reach) or with the noise's sign flipped the frequencies are off by
  // 0.1 or more.
  HandScores t(4, 2, 0.5f);
  Rng rng(8);
  const std::size_t n = 30000;
  const std::vector<double> score = {1.0, 2.0, 0.5, 0.0};
  Array preview = Array::from_shape({n, 4});
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t r = 0; r < 4; ++r) preview(b, r) = static_cast<float>(score[r]);
  NoGrad no_grad;
  const Decision first = act(t.p, Var(), 0, rng, false, preview);
  std::vector<double> freq(4, 0.0);
  for (std::size_t b = 0; b < n; ++b) freq[static_cast<std::size_t>(first.action.region[b])] += 1.0 / n;
  double z = 0;
  for (double s : score) z += std::exp(s);
  for (std::size_t r = 0; r < 4; ++r) {
    const double p = std::exp(score[r]) / z;
    BOOST_TEST(std::abs(freq[r] - p) < 0.012, "region " << r << ": " << freq[r] << " vs softmax " << p);
  }
}

BOOST_AUTO_TEST_CASE(its_draw_is_scored_as_top_k_scores_it_so_policy_gradients_can_train_it) {
  // The same scorer weights (the first thing either constructor draws) in both policies: log_prob
  // re-scores a sampled set as act() did, and as the top-k policy's Plackett-Luce does (tested by hand
  // in test_top_k_regions.cpp and test_log_prob.cpp); an example lacks a region, never drawn.
  const std::size_t R = 6, B = 8, k = 3;
  Rng a(5), b(5), rng(9);
  DifferentiableTopKPolicy soft({.scorer = {.preview_size = R * 2, .regions = R, .hidden = 5, .features = 2}, .k = k}, a);
  TopKRegionPolicy top({.preview_size = R * 2, .regions = R, .k = k, .hidden = 5, .features = 2}, b);
  EnvSpec spec;
  Observation obs;
  obs.preview = rng.uniform_array({B, R, std::size_t{2}}, -1.0f, 1.0f);
  obs.steps_left.assign(B, 3);
  obs.read.assign(B * R, 0);
  obs.read[2] = 1;
  const PolicyContext ctx{spec, obs, Var(), 0};
  soft.begin(ctx, rng, false);
  const Decision d = soft.act(ctx, rng, false);
  const Policy::Scored again = soft.log_prob(ctx, d), as_top_k = top.log_prob(ctx, d);
  for (std::size_t e = 0; e < B; ++e) {
    for (std::size_t j = 0; j < k; ++j) BOOST_TEST(d.plan[e * k + j] != (e == 0 ? 2 : -1));
    BOOST_TEST(again.log_prob.value()(e) == d.log_prob.value()(e));
    BOOST_TEST(std::abs(as_top_k.log_prob.value()(e) - d.log_prob.value()(e)) < 1e-6);
    BOOST_TEST(std::abs(as_top_k.entropy.value()(e) - d.entropy.value()(e)) < 1e-6);
  }
  const PolicyContext later{spec, obs, Var(), 1};
  BOOST_TEST(!soft.log_prob(later, d).log_prob.defined());  // the set is step 0's decision
}
