// TopKRegionPolicy against its header comment: k distinct regions, greedy = the top k, log_prob = the
// Plackett-Luce probability of the ordered draw, sampled picks follow it, per-region features, STOP,
// and regions an example does not have.
#define BOOST_TEST_MODULE top_k_regions
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "agents/top_k_regions.hpp"
#include "core/ops.hpp"
#include "policy_steps.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using namespace saccade::testing;

BOOST_AUTO_TEST_CASE(top_k_plans_distinct_regions_greedy_is_the_top_k) {
  Rng init(1), rng(6);
  const std::size_t R = 6, P = 5, B = 50;
  TopKRegionPolicy p({.preview_size = P, .regions = R, .k = 3, .hidden = 8}, init);
  const Array preview = rng.uniform_array({B, P}, 0.0f, 1.0f);
  for (bool greedy : {false, true}) {
    std::vector<std::vector<int>> plan(B);
    for (std::size_t step = 0; step < 5; ++step) {
      const Decision d = act(p, Var(), step, rng, greedy, preview);
      BOOST_TEST(d.log_prob.defined() == (step == 0));  // the set is one decision
      for (std::size_t b = 0; b < B; ++b) {
        if (step >= 3) BOOST_TEST(d.action.region[b] == -1);
        else plan[b].push_back(d.action.region[b]);
      }
    }
    for (const auto& one : plan) BOOST_TEST(std::set<int>(one.begin(), one.end()).size() == 3u);
    if (!greedy) continue;
    // Greedy: the three highest logits, highest first, with logits = relu(x W0 + b0) W1 + b1 by hand.
    const Array& W0 = param(p, "scorer.layers.0.weight").value();
    const Array& b0 = param(p, "scorer.layers.0.bias").value();
    const Array& W1 = param(p, "scorer.layers.1.weight").value();
    const Array& b1 = param(p, "scorer.layers.1.bias").value();
    for (std::size_t b = 0; b < B; ++b) {
      std::vector<double> hidden(8), logit(R);
      for (std::size_t j = 0; j < 8; ++j) {
        double z = b0(j);
        for (std::size_t i = 0; i < P; ++i) z += preview(b, i) * W0(i, j);
        hidden[j] = std::max(0.0, z);
      }
      std::vector<int> order(R);
      for (std::size_t r = 0; r < R; ++r) {
        logit[r] = b1(r);
        for (std::size_t j = 0; j < 8; ++j) logit[r] += hidden[j] * W1(j, r);
        order[r] = static_cast<int>(r);
      }
      std::sort(order.begin(), order.end(), [&](int x, int y) { return logit[x] > logit[y]; });
      order.resize(3);
      BOOST_TEST(plan[b] == order, boost::test_tools::per_element());
    }
  }
}

// Tiny case with logits set by hand: preview_size = regions = hidden = 3, both layers the identity and
// zero biases, so logits = relu(preview) = the (non-negative) preview.
struct HandLogits {
  Rng init{1};
  TopKRegionPolicy p{{.preview_size = 3, .regions = 3, .k = 2, .hidden = 3}, init};
  HandLogits() {
    for (const auto& [name, v] : p.named_parameters()) {
      Var w = v;
      w.value() = name.ends_with("weight") ? Array(xt::eye<float>(3)) : Array(xt::zeros<float>({3}));
    }
  }
};

double lse(std::initializer_list<double> xs) {
  double s = 0;
  for (double x : xs) s += std::exp(x);
  return std::log(s);
}

BOOST_AUTO_TEST_CASE(top_k_log_prob_is_plackett_luce) {
  HandLogits t;
  Rng rng(7);
  const Array preview = {{1.0f, 2.0f, 0.5f}, {0.5f, 0.0f, 3.0f}};
  const Decision g = act(t.p, Var(), 0, rng, true, preview);
  BOOST_TEST(g.action.region == (std::vector<int>{1, 2}), boost::test_tools::per_element());
  BOOST_TEST(act(t.p, Var(), 1, rng, true, preview).action.region == (std::vector<int>{0, 0}), boost::test_tools::per_element());
  // Example 0 drew (1, 0): softmax over {0,1,2} picks 1, then softmax over {0,2} picks 0.
  const double want0 = (2.0 - lse({1.0, 2.0, 0.5})) + (1.0 - lse({1.0, 0.5}));
  // Example 1 drew (2, 0).
  const double want1 = (3.0 - lse({0.5, 0.0, 3.0})) + (0.5 - lse({0.5, 0.0}));
  BOOST_TEST(std::abs(g.log_prob.value()(0) - want0) < 1e-5);
  BOOST_TEST(std::abs(g.log_prob.value()(1) - want1) < 1e-5);
  // The reported entropy is the first pick's.
  double ent = 0;
  for (double l : {1.0, 2.0, 0.5}) ent -= std::exp(l - lse({1.0, 2.0, 0.5})) * (l - lse({1.0, 2.0, 0.5}));
  BOOST_TEST(std::abs(g.entropy.value()(0) - ent) < 1e-5);
}

BOOST_AUTO_TEST_CASE(top_k_samples_follow_plackett_luce) {
  HandLogits t;
  Rng rng(8);
  const std::size_t n = 30000;
  const std::vector<double> logit = {1.0, 2.0, 0.5};
  Array preview = Array::from_shape({n, 3});
  for (std::size_t b = 0; b < n; ++b) {
    for (std::size_t r = 0; r < 3; ++r) preview(b, r) = static_cast<float>(logit[r]);
  }
  const Decision first = act(t.p, Var(), 0, rng, false, preview);
  const Decision second = act(t.p, Var(), 1, rng, false, preview);
  std::map<std::pair<int, int>, double> freq;
  for (std::size_t b = 0; b < n; ++b) freq[{first.action.region[b], second.action.region[b]}] += 1.0 / n;
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(0.5);
  for (int a = 0; a < 3; ++a) {
    const double pa = std::exp(logit[a]) / z;
    double first_freq = 0;
    for (int b = 0; b < 3; ++b) {
      if (b == a) continue;
      const double got = freq[std::make_pair(a, b)];
      first_freq += got;
      const double pab = pa * (std::exp(logit[b]) / z) / (1.0 - pa);  // Plackett-Luce, ordered pair
      BOOST_TEST(std::abs(got - pab) < 0.012, "pair " << a << "," << b << ": " << got << " vs " << pab);
    }
    // The first pick is softmax(logits); standard error <= 0.003.
    BOOST_TEST(std::abs(first_freq - pa) < 0.012, "first pick " << a << ": " << first_freq << " vs " << pa);
  }
  for (std::size_t b = 0; b < 5; ++b) {  // each sampled draw's log_prob is its Plackett-Luce value
    const int i = first.action.region[b], j = second.action.region[b];
    const double want = std::log(std::exp(logit[i]) / z) + std::log(std::exp(logit[j]) / (z - std::exp(logit[i])));
    BOOST_TEST(std::abs(first.log_prob.value()(b) - want) < 1e-5);
  }
}

BOOST_AUTO_TEST_CASE(top_k_with_per_region_features_scores_each_row_with_one_mlp) {
  // Previews [B, R, F]: greedy takes the k rows with the highest relu(f W0 + b0) W1 + b1, the same
  // weights for every row, so swapping two rows' previews swaps the picks.
  Rng init(2), rng(7);
  const std::size_t R = 6, F = 4, B = 20, k = 2;
  TopKRegionPolicy p({.preview_size = R * F, .regions = R, .k = k, .hidden = 5, .features = F}, init);
  const Array preview = rng.uniform_array({B, R, F}, -1.0f, 1.0f);
  const Array& W0 = param(p, "scorer.layers.0.weight").value();
  const Array& b0 = param(p, "scorer.layers.0.bias").value();
  const Array& W1 = param(p, "scorer.layers.1.weight").value();
  const Array& b1 = param(p, "scorer.layers.1.bias").value();
  BOOST_TEST(W0.shape()[0] == F);  // one small MLP, not one over the whole preview
  const Decision d0 = act(p, Var(), 0, rng, true, preview);
  const Decision d1 = act(p, Var(), 1, rng, true, preview);
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<double> logit(R);
    for (std::size_t r = 0; r < R; ++r) {
      double s = b1(0);
      for (std::size_t j = 0; j < 5; ++j) {
        double z = b0(j);
        for (std::size_t i = 0; i < F; ++i) z += preview(b, r, i) * W0(i, j);
        s += std::max(0.0, z) * W1(j, 0);
      }
      logit[r] = s;
    }
    std::vector<int> order(R);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int c) { return logit[a] > logit[c]; });
    BOOST_TEST(d0.action.region[b] == order[0]);
    BOOST_TEST(d1.action.region[b] == order[1]);
  }
}

BOOST_AUTO_TEST_CASE(top_k_with_stop_reads_the_order_until_stop) {
  // Hand logits (1, 2, 0.5): the greedy order is 1, 0, 2. p(stop) = sigmoid(-1.1) ~ 0.25 from step
  // min_steps = 1 on (zero stop weights). A step that reads on has log(1 - p) + log p(its pick); one
  // that stops has log p only; before min_steps there is no STOP and the pick's log p alone.
  Rng init(1), rng(10);
  const std::size_t n = 4000;
  TopKRegionPolicy p({.preview_size = 3, .regions = 3, .k = 3, .hidden = 3, .stop = true, .input = H}, init);
  for (const auto& [name, v] : p.named_parameters()) {
    Var w = v;
    if (name.starts_with("scorer")) w.value() = name.ends_with("weight") ? Array(xt::eye<float>(3)) : Array(xt::zeros<float>({3}));
  }
  BOOST_TEST(p.needs_summary());
  Var(param(p, "stop.weight")).value().fill(0.0f);
  Var(param(p, "stop.bias")).value().fill(-1.1f);
  const double ps = 1.0 / (1.0 + std::exp(1.1));
  Array preview = Array::from_shape({n, 3});
  for (std::size_t b = 0; b < n; ++b) preview(b, 0) = 1.0f, preview(b, 1) = 2.0f, preview(b, 2) = 0.5f;
  const Var h = summaries(n, h0);

  const Decision g0 = act(p, h, 0, rng, true, preview), g1 = act(p, h, 1, rng, true, preview);
  const double first = 2.0 - lse({1.0, 2.0, 0.5}), second = 1.0 - lse({1.0, 0.5});
  BOOST_TEST(std::abs(g0.log_prob.value()(0) - first) < 1e-5);  // step 0: no STOP yet
  double stops = 0;
  for (std::size_t b = 0; b < n; ++b) {
    BOOST_TEST(g0.action.region[b] == 1);
    const bool stopped = g1.action.region[b] == -1;
    if (!stopped) BOOST_TEST(g1.action.region[b] == 0);
    const double want = stopped ? std::log(ps) : std::log(1.0 - ps) + second;
    BOOST_TEST(std::abs(g1.log_prob.value()(b) - want) < 1e-5);
    stops += stopped;
  }
  // Greedy evaluation samples STOP (standard error ~ 0.007), and the entropy adds the Bernoulli's.
  BOOST_TEST(std::abs(stops / n - ps) < 0.03, stops / n << " vs " << ps);
  const double bern = -ps * std::log(ps) - (1 - ps) * std::log(1 - ps);
  BOOST_TEST(std::abs(g1.entropy.value()(0) - bern) < 1e-5);

  // greedy_stop thresholds at 1/2: p ~ 0.25 never stops, and with the bias at +1.1 always does.
  TopKRegionPolicy t({.preview_size = 3, .regions = 3, .k = 3, .hidden = 3, .stop = true, .input = H, .greedy_stop = true}, init);
  Var(param(t, "stop.weight")).value().fill(0.0f);
  for (float bias : {-1.1f, 1.1f}) {
    Var(param(t, "stop.bias")).value().fill(bias);
    act(t, h, 0, rng, true, preview);
    const Decision d = act(t, h, 1, rng, true, preview);
    for (std::size_t b = 0; b < n; b += 97) BOOST_TEST((d.action.region[b] == -1) == (bias > 0));
  }
  // Only the policy's STOP head and scorer learn from it: the summary is detached.
  Var s(summaries(4, h0).value(), /*requires_grad=*/true);
  const Array few = rng.uniform_array({4, 3}, 0.0f, 1.0f);
  act(p, s, 0, rng, false, few);
  backward(sum(act(p, s, 1, rng, false, few).log_prob));
  BOOST_TEST(!s.has_grad());
  BOOST_TEST(param(p, "stop.bias").has_grad());
}

BOOST_AUTO_TEST_CASE(top_k_never_draws_regions_the_example_does_not_have) {
  // Hand logits (1, 2, 0.5), k = 3; example 0 lacks region 1 (flagged read at the start), example 1
  // has only region 2. Plans: (0, 2) and (2), with the Plackett-Luce log p over what each has.
  HandLogits t;
  TopKRegionPolicy& p = t.p;
  Rng rng(11);
  const Array preview = {{1.0f, 2.0f, 0.5f}, {1.0f, 2.0f, 0.5f}};
  EnvSpec spec;
  Observation obs;
  obs.preview = preview;
  obs.steps_left.assign(2, 3);
  obs.read = {0, 1, 0, 1, 1, 0};
  for (bool greedy : {true, false}) {
    std::vector<std::vector<int>> plans(2);
    double lp0 = 0, lp1 = 0;
    for (std::size_t step = 0; step < 3; ++step) {
      const PolicyContext ctx{spec, obs, Var(), step};
      if (step == 0) p.begin(ctx, rng, greedy);
      const Decision d = p.act(ctx, rng, greedy);
      if (step == 0) lp0 = d.log_prob.value()(0), lp1 = d.log_prob.value()(1);
      for (std::size_t b = 0; b < 2; ++b)
        if (d.action.region[b] >= 0) plans[b].push_back(d.action.region[b]);
    }
    BOOST_TEST(plans[1] == (std::vector<int>{2}), boost::test_tools::per_element());
    BOOST_TEST(plans[0].size() == 2u);
    BOOST_TEST((std::find(plans[0].begin(), plans[0].end(), 1) == plans[0].end()));
    BOOST_TEST(std::abs(lp1) < 1e-6);  // a single region: drawn with probability 1
    const double first = plans[0][0] == 0 ? 1.0 : 0.5;
    BOOST_TEST(std::abs(lp0 - (first - lse({1.0, 0.5}))) < 1e-5);  // then the last one, probability 1
    if (greedy) BOOST_TEST(plans[0] == (std::vector<int>{0, 2}), boost::test_tools::per_element());
  }
}
