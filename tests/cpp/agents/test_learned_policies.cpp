// The learned policies against their header comments. GaussianLocationPolicy: greedy is tanh(mean),
// samples have the configured std and are clipped, log_prob is the Gaussian density, the summary is
// detached, STOP only from min_steps. TopKRegionPolicy: k distinct regions, greedy = the top k,
// log_prob = the Plackett-Luce probability of the ordered draw, and sampled picks follow it.
#define BOOST_TEST_MODULE learned_policies
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
#include "agents/top_k_regions.hpp"
#include "attention/ram_reader.hpp"
#include "core/ops.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;

namespace {

constexpr std::size_t H = 4;

// `rows` copies of one summary row.
Var summaries(std::size_t rows, const std::vector<float>& h) {
  Array s = Array::from_shape({rows, h.size()});
  for (std::size_t b = 0; b < rows; ++b) std::copy(h.begin(), h.end(), s.data() + b * h.size());
  return Var(s);
}

Decision act(Policy& p, const Var& summary, std::size_t step, Rng& rng, bool greedy, const Array& preview = {}) {
  EnvSpec spec;
  Observation obs;
  obs.preview = preview;
  obs.steps_left.assign(summary.defined() ? summary.shape(0) : preview.shape()[0], 3);
  const PolicyContext ctx{spec, obs, summary, step};
  if (step == 0) p.begin(ctx, rng, greedy);
  return p.act(ctx, rng, greedy);
}

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

const std::vector<float> h0 = {0.3f, -0.2f, 0.5f, 0.1f};

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
