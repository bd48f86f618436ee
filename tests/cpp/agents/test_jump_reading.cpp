// JumpReadingPolicy against its header comment: only chunks ahead of the last one read, at most
// max_jump ahead (with any_order: any chunk not read yet, behind too); STOP only from min_steps, and forced (log-probability 0) when nothing is ahead;
// log_prob is the masked softmax of the scores computed by hand; samples follow it; and with
// REINFORCE it learns to jump to the chunk whose preview marks it.
#define BOOST_TEST_MODULE jump_reading
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "agents/jump_reading.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;

namespace {

constexpr std::size_t R = 6, P = 3, H = 4;

struct Episode {
  EnvSpec spec;
  Observation obs;
  Var summary;
  Episode(std::size_t B, const Array& preview, const Array& h) : summary(h) {
    obs.preview = preview;
    obs.steps_left.assign(B, static_cast<int>(R));
  }
  Decision act(Policy& p, std::size_t step, Rng& rng, bool greedy) {
    const PolicyContext ctx{spec, obs, summary, step};
    if (step == 0) p.begin(ctx, rng, greedy);
    return p.act(ctx, rng, greedy);
  }
};

Array random_array(Shape shape, Rng& rng) { return rng.uniform_array(shape, -1.0f, 1.0f); }

// The policy's score of chunk r for example b after reading chunk `last`, from its parameters (the
// header's formula). The jump bias row: d-1 for a jump of d ahead; with any_order d+R for any d.
double score(const Module& p, const Array& preview, const Array& h, std::size_t b, std::size_t r, int last = -1,
             bool any_order = false) {
  const Array& W = param(p, "local.weight").value();
  const Array& bw = param(p, "local.bias").value();
  const Array& v = param(p, "local_score.weight").value();
  const Array& bv = param(p, "local_score.bias").value();
  const Array& U = param(p, "state_score.weight").value();
  double s = bv(0);
  for (std::size_t j = 0; j < W.shape()[1]; ++j) {
    double z = bw(j);
    for (std::size_t i = 0; i < P; ++i) z += preview(b, r, i) * W(i, j);
    s += std::max(z, 0.0) * v(j, 0);
  }
  for (std::size_t i = 0; i < H; ++i) s += h(b, i) * U(i, r);
  const int d = static_cast<int>(r) - last;
  return s + param(p, "jump_bias").value()(static_cast<std::size_t>(any_order ? d + static_cast<int>(R) : d - 1), 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(log_prob_is_the_masked_softmax_of_the_scores) {
  Rng init(3), rng(4);
  JumpReadingPolicy p({.input = H, .regions = R, .preview_size = P, .max_jump = 2, .hidden = 5}, init);
  param(p, "jump_bias").node()->value = random_array({R, std::size_t{1}}, rng);  // not the zeros it starts at
  const std::size_t B = 3;
  const Array preview = random_array({B, R, P}, rng), h = random_array({B, H}, rng);
  Episode ep(B, preview, h);
  const Decision d0 = ep.act(p, 0, rng, false);
  for (std::size_t b = 0; b < B; ++b) {
    // From position -1 with max_jump 2: chunks 0 and 1 only.
    const int a = d0.action.region[b];
    BOOST_TEST((a == 0 || a == 1));
    const double s0 = score(p, preview, h, b, 0), s1 = score(p, preview, h, b, 1);
    const double expected = (a == 0 ? s0 : s1) - std::log(std::exp(s0) + std::exp(s1));
    BOOST_TEST(std::abs(d0.log_prob.value()(b) - expected) < 1e-5);
  }
  // The next step: one or two chunks on from each example's choice, with those jump lengths' biases.
  const Decision d1 = ep.act(p, 1, rng, false);
  for (std::size_t b = 0; b < B; ++b) {
    const int last = d0.action.region[b], a = d1.action.region[b];
    BOOST_TEST((a == last + 1 || a == last + 2));
    const double s1 = score(p, preview, h, b, last + 1, last), s2 = score(p, preview, h, b, last + 2, last);
    const double expected = (a == last + 1 ? s1 : s2) - std::log(std::exp(s1) + std::exp(s2));
    BOOST_TEST(std::abs(d1.log_prob.value()(b) - expected) < 1e-5);
  }
}

BOOST_AUTO_TEST_CASE(reads_forward_within_max_jump_and_stops_only_when_allowed) {
  Rng init(5), rng(6);
  JumpReadingPolicy p({.input = H, .regions = R, .preview_size = P, .max_jump = 3, .stop = true, .min_steps = 2}, init);
  const std::size_t B = 400;
  Episode ep(B, random_array({B, R, P}, rng), random_array({B, H}, rng));
  std::vector<int> last(B, -1);
  std::vector<bool> done(B, false);
  std::size_t stops = 0;
  for (std::size_t step = 0; step < R + 1; ++step) {
    const Decision d = ep.act(p, step, rng, false);
    for (std::size_t b = 0; b < B; ++b) {
      if (done[b]) continue;
      const int a = d.action.region[b];
      if (a < 0) {
        // STOP: allowed from min_steps on, or forced at the end (then with probability 1).
        BOOST_TEST((step >= 2 || last[b] == static_cast<int>(R) - 1));
        if (last[b] == static_cast<int>(R) - 1) BOOST_TEST(std::abs(d.log_prob.value()(b)) < 1e-6);
        done[b] = true;
        ++stops;
        continue;
      }
      BOOST_TEST(a > last[b]);
      BOOST_TEST(a - last[b] <= 3);
      last[b] = a;
    }
  }
  for (std::size_t b = 0; b < B; ++b) BOOST_TEST(done[b]);  // every example stopped by the end
  BOOST_TEST(stops == B);
}

BOOST_AUTO_TEST_CASE(samples_follow_the_probabilities) {
  Rng init(7), rng(8);
  JumpReadingPolicy p({.input = H, .regions = R, .preview_size = P, .hidden = 4}, init);
  const std::size_t B = 20000;
  // One preview and summary row repeated: every example has the same distribution.
  Array preview = xt::zeros<float>({B, R, P}), h = xt::zeros<float>({B, H});
  const Array p0 = random_array({std::size_t{1}, R, P}, rng), h0 = random_array({std::size_t{1}, H}, rng);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t i = 0; i < R * P; ++i) preview.data()[b * R * P + i] = p0.data()[i];
    for (std::size_t i = 0; i < H; ++i) h(b, i) = h0(0, i);
  }
  Episode ep(B, preview, h);
  const Decision d = ep.act(p, 0, rng, false);
  std::vector<double> s(R), count(R, 0.0);
  double z = 0;
  for (std::size_t r = 0; r < R; ++r) z += std::exp(s[r] = score(p, preview, h, 0, r));
  for (int a : d.action.region) count[static_cast<std::size_t>(a)] += 1;
  for (std::size_t r = 0; r < R; ++r) {
    const double expected = std::exp(s[r]) / z, sd = std::sqrt(expected * (1 - expected) / B);
    BOOST_TEST(std::abs(count[r] / B - expected) < 5 * sd + 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(reinforce_learns_to_jump_to_the_marked_chunk) {
  // The chunk whose preview's first feature is 1 pays 1 when read first; previews are otherwise
  // noise. After training, greedy reading goes there first for most examples.
  Rng init(9), rng(10);
  JumpReadingPolicy p({.input = H, .regions = R, .preview_size = P, .hidden = 16}, init);
  Adam opt(p.named_parameters(), {.lr = 0.01});
  auto batch = [&](std::size_t B, std::vector<int>& target) {
    Array preview = rng.uniform_array({B, R, P}, -0.3f, 0.3f);
    target.resize(B);
    for (std::size_t b = 0; b < B; ++b) {
      target[b] = static_cast<int>(rng.randint(R));
      preview(b, static_cast<std::size_t>(target[b]), 0) = 1.0f;
    }
    return preview;
  };
  for (int it = 0; it < 300; ++it) {
    std::vector<int> target;
    const std::size_t B = 64;
    Episode ep(B, batch(B, target), xt::zeros<float>({B, H}));
    const Decision d = ep.act(p, 0, rng, false);
    Array advantage = Array::from_shape({B});
    double hit_rate = 0;
    for (std::size_t b = 0; b < B; ++b) hit_rate += (advantage(b) = d.action.region[b] == target[b] ? 1.0f : 0.0f);
    advantage -= static_cast<float>(hit_rate / B);
    opt.zero_grad();
    backward(neg(mean(d.log_prob * Var(advantage))));
    opt.step();
  }
  std::vector<int> target;
  const std::size_t B = 1000;
  Episode ep(B, batch(B, target), xt::zeros<float>({B, H}));
  const Decision d = ep.act(p, 0, rng, true);
  double hits = 0;
  for (std::size_t b = 0; b < B; ++b) hits += d.action.region[b] == target[b];
  BOOST_TEST_MESSAGE("greedy hits " << hits / B);
  BOOST_TEST(hits / B > 0.9);  // chance is 1/6
}

BOOST_AUTO_TEST_CASE(any_order_reads_unread_chunks_behind_as_well_as_ahead) {
  Rng init(9), rng(10);
  JumpReadingPolicy p({.input = H, .regions = R, .preview_size = P, .any_order = true, .hidden = 5}, init);
  param(p, "jump_bias").node()->value = random_array({2 * R + 1, std::size_t{1}}, rng);
  const std::size_t B = 300;
  const Array preview = random_array({B, R, P}, rng), h = random_array({B, H}, rng);
  Episode ep(B, preview, h);
  ep.obs.read.assign(B * R, 0);
  std::vector<int> last(B, -1);
  std::size_t behind = 0;
  for (std::size_t step = 0; step < R; ++step) {
    const Decision d = ep.act(p, step, rng, false);
    for (std::size_t b = 0; b < B; ++b) {
      const int a = d.action.region[b];
      BOOST_TEST_REQUIRE(a >= 0);  // no STOP without policy.stop while chunks are left
      BOOST_TEST(ep.obs.read[b * R + static_cast<std::size_t>(a)] == 0);  // never a chunk read before
      // log_prob: the softmax over the unread chunks, each with the bias of its signed offset.
      double z = 0.0;
      for (std::size_t r = 0; r < R; ++r)
        if (ep.obs.read[b * R + r] == 0) z += std::exp(score(p, preview, h, b, r, last[b], true));
      const double expected = score(p, preview, h, b, static_cast<std::size_t>(a), last[b], true) - std::log(z);
      BOOST_TEST(std::abs(d.log_prob.value()(b) - expected) < 1e-4);
      behind += a < last[b];
      ep.obs.read[b * R + static_cast<std::size_t>(a)] = 1;
      last[b] = a;
    }
  }
  BOOST_TEST(behind > B);  // chunks behind the last one read are chosen, and often (all 6 get read)
  for (std::uint8_t r : ep.obs.read) BOOST_TEST(r == 1);
}

BOOST_AUTO_TEST_CASE(a_bag_preview_scores_as_the_dense_row_it_stands_for) {
  // Same seeds, same parameters: one policy reads bags of 3 (feature, weight) pairs over 8 features,
  // the other the dense rows they stand for; every probability must agree.
  Rng i1(13), i2(13), data(14);
  JumpReadingPolicy dense({.input = H, .regions = R, .preview_size = 8, .hidden = 5}, i1);
  JumpReadingPolicy bagged({.input = H, .regions = R, .preview_size = 8, .bag_slots = 3, .hidden = 5}, i2);
  const std::size_t B = 4;
  Array bags = Array::from_shape({B, R, std::size_t{6}}), rows = xt::zeros<float>({B, R, std::size_t{8}});
  for (std::size_t c = 0; c < B * R; ++c) {
    for (std::size_t k = 0; k < 3; ++k) {
      const std::size_t id = data.randint(8);  // repeats within a bag add up
      const float w = data.uniform_array({1}, 0.0f, 1.0f)(0);
      bags.data()[c * 6 + k] = static_cast<float>(id);
      bags.data()[c * 6 + 3 + k] = w;
      rows.data()[c * 8 + id] += w;
    }
  }
  const Array h = random_array({B, H}, data);
  Episode e1(B, rows, h), e2(B, bags, h);
  Rng r1(15), r2(15);
  const Decision d1 = e1.act(dense, 0, r1, false), d2 = e2.act(bagged, 0, r2, false);
  BOOST_TEST(d1.action.region == d2.action.region, boost::test_tools::per_element());
  for (std::size_t b = 0; b < B; ++b) BOOST_TEST(std::abs(d1.log_prob.value()(b) - d2.log_prob.value()(b)) < 1e-5);
  BOOST_TEST(bagged.flops_per_episode(1) < dense.flops_per_episode(1));  // 3 weight rows, not 8
}
