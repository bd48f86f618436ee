// CellGlimpsePolicy (agents/cell_glimpse.hpp) against its header comment:
//   - greedy is the highest-scoring cell's centre plus the mean offset, which stays inside the cell;
//   - sampled cells follow softmax(s) (a chi-square test against probabilities computed here by hand)
//     and the draw inside the cell has the stated std;
//   - multimodality: on a thumbnail with two blobs, the categorical reads one blob or the other and
//     never the midpoint, where the spatial policy's soft-argmax mean lands with the same scores;
//     and a short REINFORCE run from random weights learns to land on a blob wherever the blobs are.
// log_prob's equality with act()'s, its values after a parameter change and its gradient against finite
// differences are checked with every learned policy's in tests/cpp/agents/test_log_prob.cpp (the
// "cells" cases); the learning test against a frozen policy is in test_training_learns.cpp.
#define BOOST_TEST_MODULE cell_glimpse
#include <boost/test/unit_test.hpp>

#include <xtensor/xbuilder.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "agents/cell_glimpse.hpp"
#include "agents/spatial_location.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"
#include "policy_steps.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;

namespace {

constexpr std::size_t S = 8, P = S * S, Hs = 4;  // an 8 x 8 thumbnail, a summary of 4
constexpr float kOffsetStd = 0.25f;              // in cells
constexpr double kSigma = kOffsetStd * 2.0 / S;  // in location units

CellGlimpsePolicy make(std::uint64_t seed) {
  Rng rng(seed);
  return CellGlimpsePolicy({.input = Hs, .height = S, .width = S, .hidden = 6, .offset_std = kOffsetStd}, rng);
}

double centre(std::size_t i) { return (i + 0.5) / S * 2.0 - 1.0; }

// One decision at step 0 on thumbnails [B, S, S] with zero summaries.
Decision act(Policy& p, const Array& thumbnails, Rng& rng, bool greedy) {
  return saccade::testing::act(p, Var(Array(xt::zeros<float>({thumbnails.shape()[0], Hs}))), 0, rng, greedy, thumbnails);
}

// Every parameter 0, except: hidden unit 0 reads the cell's own brightness (the 3x3 neighbourhood's
// middle, feature 4) and the score is `gain` times it. s_p = gain * brightness_p (both policies).
void score_brightness(Module& p, float gain) {
  for (const auto& [n, v] : p.named_parameters()) Var(v).value().fill(0.0f);
  param(p, "local.weight").value()(4, 0) = 1.0f;
  param(p, "local_score.weight").value()(0, 0) = gain;
}

double distance(const Array& location, std::size_t b, double row, double col) {
  return std::hypot(location(b, 0) - row, location(b, 1) - col);
}

}  // namespace

BOOST_AUTO_TEST_CASE(greedy_is_the_best_cells_centre_plus_the_mean_offset) {
  NoGrad ng;
  CellGlimpsePolicy policy = make(1);
  score_brightness(policy, 5.0f);
  const std::vector<std::pair<std::size_t, std::size_t>> cells = {{2, 5}, {7, 0}, {0, 7}, {4, 3}};
  Array t = xt::zeros<float>({cells.size(), S, S});
  for (std::size_t b = 0; b < cells.size(); ++b) t(b, cells[b].first, cells[b].second) = 1.0f;
  Rng rng(2);
  const Decision d = act(policy, t, rng, true);
  BOOST_TEST((d.action.location.shape() == Shape{cells.size(), 2}));
  BOOST_TEST(std::count(d.action.stop.begin(), d.action.stop.end(), 0) == static_cast<long>(cells.size()));
  for (std::size_t b = 0; b < cells.size(); ++b) {
    BOOST_TEST(d.cell[b] == static_cast<int>(cells[b].first * S + cells[b].second));
    BOOST_TEST(d.action.location(b, 0) == centre(cells[b].first), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(d.action.location(b, 1) == centre(cells[b].second), boost::test_tools::tolerance(1e-6));
  }
  // The offset head's bias moves the mean by half a cell times its tanh, per axis: inside the cell.
  param(policy, "offset.bias").value() = Array({3.0f, -0.5f});
  const Decision moved = act(policy, t, rng, true);
  for (std::size_t b = 0; b < cells.size(); ++b) {
    BOOST_TEST(moved.action.location(b, 0) == centre(cells[b].first) + std::tanh(3.0) / S, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(moved.action.location(b, 1) == centre(cells[b].second) + std::tanh(-0.5) / S, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(std::abs(moved.action.location(b, 0) - centre(cells[b].first)) < 1.0 / S);
  }
}

BOOST_AUTO_TEST_CASE(sampled_cells_follow_the_softmax_and_the_draw_has_the_std) {
  CellGlimpsePolicy policy = make(3);
  const float gain = 3.0f;
  score_brightness(policy, gain);
  Rng data(4), rng(5);
  constexpr std::size_t B = 3, n = 6000;
  const Array t = data.uniform_array({B, S, S}, 0.0f, 1.0f);
  std::vector<std::vector<double>> want(B, std::vector<double>(P));  // softmax(gain * brightness) by hand
  for (std::size_t b = 0; b < B; ++b) {
    double z = 0;
    for (std::size_t p = 0; p < P; ++p) z += want[b][p] = std::exp(gain * t.data()[b * P + p]);
    for (double& w : want[b]) w /= z;
  }
  std::vector<std::vector<double>> count(B, std::vector<double>(P, 0.0));
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Tape::current().clear();
    const Decision d = act(policy, t, rng, false);
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t c = static_cast<std::size_t>(d.cell[b]);
      count[b][c] += 1;
      double lp = std::log(want[b][c]);
      for (std::size_t j = 0; j < 2; ++j) {
        const double z = (d.sample(b, j) - centre(j == 0 ? c / S : c % S)) / kSigma;  // offset weights 0: mean = centre
        sum += z, sum2 += z * z;
        lp += -0.5 * z * z - std::log(kSigma) - 0.5 * std::log(2 * M_PI);
        BOOST_TEST_REQUIRE(d.action.location(b, j) == std::clamp(d.sample(b, j), -1.0f, 1.0f));
      }
      if (i < 20) BOOST_TEST(d.log_prob.value()(b) == lp, boost::test_tools::tolerance(1e-4));
    }
  }
  Tape::current().clear();
  // Pearson's chi-square per example, 63 degrees of freedom (every expected count is above 30):
  // P(chi2 > 110) is about 2e-4. Drawing from softmax(2 * brightness) instead gives chi2 near 500 here.
  for (std::size_t b = 0; b < B; ++b) {
    double chi2 = 0;
    for (std::size_t p = 0; p < P; ++p) chi2 += std::pow(count[b][p] - n * want[b][p], 2) / (n * want[b][p]);
    BOOST_TEST_MESSAGE("example " << b << ": chi-square " << chi2 << " (63 degrees of freedom)");
    BOOST_TEST(chi2 < 110.0, "example " << b << ": chi-square " << chi2);
  }
  // 2 B n standard normals: mean 0 (sd 0.005), variance 1 (sd 0.008).
  BOOST_TEST(std::abs(sum / (2 * B * n)) < 0.025);
  BOOST_TEST(std::abs(sum2 / (2 * B * n) - 1.0) < 0.04);
}

BOOST_AUTO_TEST_CASE(with_two_blobs_it_reads_one_of_them_where_the_soft_argmax_reads_between) {
  NoGrad ng;
  // Blobs in cells (1, 1) and (6, 6); the midpoint (between cells 3 and 4 on both axes) is dark.
  Array t = xt::zeros<float>({std::size_t{1}, S, S});
  t(0, 1, 1) = t(0, 6, 6) = 1.0f;
  const double a = centre(1), b = centre(6), mid = (a + b) / 2;
  CellGlimpsePolicy cells = make(6);
  score_brightness(cells, 12.0f);  // each blob: e^12 / (2 e^12 + 62) = 0.4999
  Rng rng(7);
  const Decision greedy = act(cells, t, rng, true);
  BOOST_TEST(distance(greedy.action.location, 0, a, a) < 1e-6);
  std::size_t on_a = 0, on_b = 0, between = 0;
  const std::size_t n = 2000;
  for (std::size_t i = 0; i < n; ++i) {
    const Array l = act(cells, t, rng, false).action.location;
    on_a += distance(l, 0, a, a) < 0.25;  // within 4 sigma of the blob's centre (sigma = 1/16)
    on_b += distance(l, 0, b, b) < 0.25;
    between += distance(l, 0, mid, mid) < 0.5;
  }
  BOOST_TEST_MESSAGE("cells, 2000 samples: blob A " << on_a << ", blob B " << on_b << ", near the midpoint " << between);
  BOOST_TEST(on_a + on_b >= n - 4);  // other cells: 62 / (2 e^12) = 2e-4 each draw
  BOOST_TEST(on_a > 0.45 * n);        // a fair coin: 0.5 +- 0.011
  BOOST_TEST(on_b > 0.45 * n);
  BOOST_TEST(between == 0u);

  // The spatial policy with the same scores: its mean is the soft-argmax, halfway between the blobs.
  Rng init(8);
  SpatialLocationPolicy spatial({.gaussian = {.input = Hs, .std = 0.1f}, .height = S, .width = S, .hidden = 6}, init);
  score_brightness(spatial, 12.0f);
  const Array m = act(spatial, t, rng, true).action.location;
  BOOST_TEST_MESSAGE("spatial greedy: (" << m(0, 0) << ", " << m(0, 1) << "), the midpoint (" << mid << ", " << mid << ")");
  BOOST_TEST(distance(m, 0, mid, mid) < 0.01);
  BOOST_TEST(std::min(distance(m, 0, a, a), distance(m, 0, b, b)) > 0.85);  // each blob is 0.88 away
}

namespace {

// Thumbnails with two blobs (a bright cell, value 1, on a background of U(0, 0.3)) at random cells at
// least 4 cells apart on some axis; each example's blob centres (row, col) in location coordinates.
struct Blobs {
  Array thumbnails;
  std::vector<std::array<double, 4>> centres;  // blob 1 (row, col), blob 2 (row, col)
};
Blobs blobs(Rng& rng, std::size_t B) {
  Blobs out{rng.uniform_array({B, S, S}, 0.0f, 0.3f), {}};
  for (std::size_t b = 0; b < B; ++b) {
    std::size_t y1, x1, y2, x2;
    do {
      y1 = rng.randint(S), x1 = rng.randint(S), y2 = rng.randint(S), x2 = rng.randint(S);
    } while (std::max(y1 > y2 ? y1 - y2 : y2 - y1, x1 > x2 ? x1 - x2 : x2 - x1) < 4);
    out.thumbnails(b, y1, x1) = out.thumbnails(b, y2, x2) = 1.0f;
    out.centres.push_back({centre(y1), centre(x1), centre(y2), centre(x2)});
  }
  return out;
}

// What a location hits: 1 on a blob (within 0.2 of its centre: its cell is 0.25 wide), -1 near the
// midpoint between them (within 0.2), else 0.
int hit(const Array& l, std::size_t b, const std::array<double, 4>& c) {
  if (distance(l, b, c[0], c[1]) < 0.2 || distance(l, b, c[2], c[3]) < 0.2) return 1;
  return distance(l, b, (c[0] + c[2]) / 2, (c[1] + c[3]) / 2) < 0.2 ? -1 : 0;
}

struct Hits {
  double blob = 0, midpoint = 0;
};
Hits hits(Policy& p, Rng& rng, bool greedy, std::size_t n) {
  NoGrad ng;
  const Blobs test = blobs(rng, n);
  const Array l = act(p, test.thumbnails, rng, greedy).action.location;
  Hits h;
  for (std::size_t b = 0; b < n; ++b) {
    const int r = hit(l, b, test.centres[b]);
    h.blob += r == 1 ? 1.0 / n : 0.0;
    h.midpoint += r == -1 ? 1.0 / n : 0.0;
  }
  return h;
}

}  // namespace

// REINFORCE from random weights, paid 1 for a location on either blob (the batch's mean reward as the
// baseline), 300 steps of 32 one-glimpse episodes. Measured: greedy on a blob 1.0 of 500 fresh
// thumbnails (0.0 before training), samples 0.996; never the midpoint. Required: 0.9, 0.7 and < 0.02.
BOOST_AUTO_TEST_CASE(reinforce_learns_to_land_on_a_blob_not_between_them) {
  CellGlimpsePolicy policy = make(9);
  Rng rng(10), eval(11);
  const Hits before = hits(policy, eval, true, 500);
  Adam opt(policy.named_parameters(), {.lr = 0.03});
  for (std::size_t step = 0; step < 300; ++step) {
    const Blobs batch = blobs(rng, 32);
    const Decision d = act(policy, batch.thumbnails, rng, false);
    Array advantage = Array::from_shape({std::size_t{32}});
    for (std::size_t b = 0; b < 32; ++b) advantage(b) = hit(d.action.location, b, batch.centres[b]) == 1 ? 1.0f : 0.0f;
    advantage -= xt::mean(advantage)();
    opt.zero_grad();
    backward(-mean(d.log_prob * Var(advantage)));
    opt.step();
  }
  const Hits greedy = hits(policy, eval, true, 500), sampled = hits(policy, eval, false, 500);
  BOOST_TEST_MESSAGE("on a blob: greedy " << greedy.blob << " (before training " << before.blob << "), sampled " << sampled.blob
                                          << "; at the midpoint: greedy " << greedy.midpoint << ", sampled " << sampled.midpoint);
  BOOST_TEST(greedy.blob > 0.9);
  BOOST_TEST(sampled.blob > 0.7);
  BOOST_TEST(greedy.midpoint < 0.02);
  BOOST_TEST(sampled.midpoint < 0.02);
}
