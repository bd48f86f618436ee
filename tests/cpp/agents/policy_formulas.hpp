// The learned policies' formulas (their header comments) written out by hand in double, for
// tests/cpp/agents/test_log_prob.cpp: what a stored decision's log-probability and entropy must be
// under a policy's current parameters, read from the module's named parameters.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "agents/cell_glimpse.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/jump_reading.hpp"
#include "agents/spatial_location.hpp"
#include "agents/top_k_regions.hpp"
#include "test_helpers.hpp"

namespace saccade::testing {

// Batch size, summary size and regions of the policies under test.
constexpr std::size_t B = 5, H = 4, R = 6;

// What a learner stores per step to re-score it later.
struct Step {
  Observation obs;
  Var summary;
  std::size_t step;
  Decision d;
};
using Episode = std::vector<Step>;

inline bool has_param(const Module& m, const std::string& name) {
  const auto& ps = m.named_parameters();
  return std::any_of(ps.begin(), ps.end(), [&](const auto& p) { return p.first == name; });
}

// x W + b of layer `name` (b if it has one), relu'd if asked.
inline std::vector<double> layer(const Module& m, const std::string& name, const std::vector<double>& x, bool relu = false) {
  const Array& W = saccade::testing::param(m, name + ".weight").value();
  std::vector<double> y(W.shape()[1], 0.0);
  for (std::size_t j = 0; j < y.size(); ++j) {
    if (has_param(m, name + ".bias")) y[j] = saccade::testing::param(m, name + ".bias").value()(j);
    for (std::size_t i = 0; i < x.size(); ++i) y[j] += x[i] * W(i, j);
    if (relu) y[j] = std::max(0.0, y[j]);
  }
  return y;
}

inline std::vector<double> row(const Array& a, std::size_t b) {
  const std::size_t n = a.size() / a.shape()[0];
  return {a.data() + b * n, a.data() + (b + 1) * n};
}

// Region r's preview row of example b, dense (a bag's weights added at its feature ids).
inline std::vector<double> region_row(const Array& preview, std::size_t b, std::size_t r, std::size_t bag_slots, std::size_t features) {
  const std::size_t width = preview.size() / (B * R);
  const float* p = preview.data() + (b * R + r) * width;
  if (!bag_slots) return {p, p + width};
  std::vector<double> dense(features, 0.0);
  for (std::size_t j = 0; j < bag_slots; ++j) dense[static_cast<std::size_t>(p[j])] += p[bag_slots + j];
  return dense;
}

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double bernoulli_entropy(double q) { return -q * std::log(q) - (1 - q) * std::log(1 - q); }

// log p and entropy of choice `pick` from softmax(logits) over the entries `allowed`.
inline std::pair<double, double> categorical(const std::vector<double>& logits, const std::vector<bool>& allowed, std::size_t pick) {
  double z = 0, ent = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) z += allowed[i] ? std::exp(logits[i]) : 0.0;
  for (std::size_t i = 0; i < logits.size(); ++i)
    if (allowed[i]) ent -= std::exp(logits[i]) / z * (logits[i] - std::log(z));
  return {logits[pick] - std::log(z), ent};
}

struct Ref {
  double log_prob = 0, entropy = 0;
};

// A location policy's STOP head, where it decides (stop on, from min_steps): its Bernoulli of the STOP taken.
inline void add_stop(const Module& p, bool stop, std::size_t min_steps, const Step& s, std::size_t b, Ref& ref) {
  if (!stop || s.step < min_steps) return;
  const double q = sigmoid(layer(p, "stop", row(s.summary.value(), b))[0]);
  ref.log_prob += std::log(s.d.action.stop[b] ? q : 1 - q);
  ref.entropy += bernoulli_entropy(q);
}

// Location policies: log N(sample; mean, std^2) over both coordinates, plus the STOP head's Bernoulli.
inline Ref gaussian_ref(const Module& p, const GaussianLocationOptions& o, const std::vector<double>& mean, const Step& s, std::size_t b) {
  Ref ref;
  for (std::size_t j = 0; j < 2; ++j) {
    const double z = (s.d.sample(b, j) - mean[j]) / o.std;
    ref.log_prob += -0.5 * z * z - std::log(o.std) - 0.5 * std::log(2 * M_PI);
  }
  ref.entropy = std::log(2 * M_PI * std::exp(1.0) * o.std * o.std);
  add_stop(p, o.stop, o.min_steps, s, b, ref);
  return ref;
}

inline std::vector<double> gaussian_mean(const Module& p, const GaussianLocationOptions& o, const Step& s, std::size_t b) {
  std::vector<double> x = row(s.summary.value(), b);
  if (o.preview_size) {
    const std::vector<double> code = layer(p, "preview", row(s.obs.preview, b), true);
    x.insert(x.end(), code.begin(), code.end());
  }
  std::vector<double> m = layer(p, "mean", x);
  for (double& v : m) v = std::tanh(v);
  return m;
}

// Each cell's 3x3 neighbourhood of a Y x X thumbnail (zero-padded), cells and windows row-major.
inline std::vector<std::vector<double>> neighbourhoods(const std::vector<double>& img, long Y, long X) {
  std::vector<std::vector<double>> out;
  for (long y = 0; y < Y; ++y) {
    for (long x = 0; x < X; ++x) {
      std::vector<double>& f = out.emplace_back();
      for (long dy = -1; dy <= 1; ++dy)
        for (long dx = -1; dx <= 1; ++dx) {
          const bool in = y + dy >= 0 && x + dx >= 0 && y + dy < Y && x + dx < X;
          f.push_back(in ? img[static_cast<std::size_t>((y + dy) * X + x + dx)] : 0.0);
        }
    }
  }
  return out;
}

// Inhibition of return (agents/return_inhibition.hpp) of cell c: w sum_j exp(-|centre_c - l_j|^2 / (2 r^2))
// over example b's reads l_j in s.obs.visited, r = max(1, Y / 6) cells; 0 without the weight.
inline double inhibition(const Module& p, long Y, long X, long c, const Step& s, std::size_t b) {
  if (!has_param(p, "inhibition.weight") || s.obs.visited.dimension() != 3) return 0.0;
  const double w = saccade::testing::param(p, "inhibition.weight").value()(0);
  const double r = static_cast<double>(std::max(1L, Y / 6)) * 2 / static_cast<double>(Y);
  const double cy = (static_cast<double>(c / X) + 0.5) / static_cast<double>(Y) * 2 - 1;
  const double cx = (static_cast<double>(c % X) + 0.5) / static_cast<double>(X) * 2 - 1;
  double visit = 0;
  for (std::size_t j = 0; j < s.obs.visited.shape()[1]; ++j) {
    const double dy = cy - s.obs.visited(b, j, 0), dx = cx - s.obs.visited(b, j, 1);
    visit += s.obs.visited(b, j, 2) * std::exp(-(dy * dy + dx * dx) / (2 * r * r));
  }
  return w * visit;
}

// The soft-argmax over the thumbnail's cells: scores from each cell's 3x3 neighbourhood and h.
inline std::vector<double> spatial_mean(const Module& p, const SpatialLocationOptions& o, const Step& s, std::size_t b) {
  const long Y = static_cast<long>(o.height), X = static_cast<long>(o.width);
  const std::vector<double> state = layer(p, "state_score", row(s.summary.value(), b));
  std::vector<double> score;
  for (const std::vector<double>& f : neighbourhoods(row(s.obs.preview, b), Y, X))
    score.push_back(layer(p, "local_score", layer(p, "local", f, true))[0] + state[score.size()] +
                    inhibition(p, Y, X, static_cast<long>(score.size()), s, b));
  double z = 0;
  for (double v : score) z += std::exp(v);
  std::vector<double> mean(2, 0.0);
  for (long c = 0; c < Y * X; ++c) {
    const double pc = std::exp(score[static_cast<std::size_t>(c)]) / z;
    mean[0] += pc * ((c / X + 0.5) / static_cast<double>(Y) * 2 - 1);
    mean[1] += pc * ((c % X + 0.5) / static_cast<double>(X) * 2 - 1);
  }
  return mean;
}

// The cells policy: log softmax(s)_c of the cell drawn plus log N(draw; centre_c + half tanh(O g_c + o),
// sigma^2) with sigma = offset_std cells, and the categorical's entropy plus the draw's (a constant).
inline Ref cells_ref(const Module& p, const CellGlimpseOptions& o, const Step& s, std::size_t b) {
  const long Y = static_cast<long>(o.height), X = static_cast<long>(o.width);
  const std::vector<double> state = layer(p, "state_score", row(s.summary.value(), b));
  std::vector<std::vector<double>> hidden;
  std::vector<double> score;
  for (const std::vector<double>& f : neighbourhoods(row(s.obs.preview, b), Y, X)) {
    hidden.push_back(layer(p, "local", f, true));
    score.push_back(layer(p, "local_score", hidden.back())[0] + state[score.size()] +
                    inhibition(p, Y, X, static_cast<long>(score.size()), s, b));
  }
  const std::size_t c = static_cast<std::size_t>(s.d.cell[b]);
  const auto [lp, ent] = categorical(score, std::vector<bool>(score.size(), true), c);
  Ref ref{lp, ent};
  const std::vector<double> offset = layer(p, "offset", hidden[c]);
  const double cells[2] = {static_cast<double>(Y), static_cast<double>(X)};
  const double centre[2] = {(static_cast<double>(c / o.width) + 0.5) / cells[0] * 2 - 1, (static_cast<double>(c % o.width) + 0.5) / cells[1] * 2 - 1};
  for (std::size_t j = 0; j < 2; ++j) {
    const double sigma = o.offset_std * 2 / cells[j], mean = centre[j] + std::tanh(offset[j]) / cells[j];
    const double z = (s.d.sample(b, j) - mean) / sigma;
    ref.log_prob += -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * M_PI);
    ref.entropy += 0.5 * std::log(2 * M_PI * std::exp(1.0) * sigma * sigma);
  }
  add_stop(p, o.stop, o.min_steps, s, b, ref);
  return ref;
}

// Plackett-Luce over the regions example b has, the plan read off the episode's actions: the regions
// read at steps 0..t-1 are drawn; step t's region is the t-th pick (-1: a STOP or no pick left).
inline Ref top_k_ref(const Module& p, const TopKRegionOptions& o, const Episode& ep, std::size_t t, std::size_t b) {
  const Step& s = ep[t];
  std::vector<double> logits;
  if (o.features) {
    for (std::size_t r = 0; r < R; ++r)
      logits.push_back(layer(p, "scorer.layers.1", layer(p, "scorer.layers.0", region_row(s.obs.preview, b, r, o.bag_slots, o.features), true))[0]);
  } else {
    logits = layer(p, "scorer.layers.1", layer(p, "scorer.layers.0", row(s.obs.preview, b), true));
  }
  std::vector<bool> allowed(R);
  for (std::size_t r = 0; r < R; ++r) allowed[r] = ep[0].obs.read[b * R + r] == 0;
  const std::size_t k = std::min(o.k, static_cast<std::size_t>(std::count(allowed.begin(), allowed.end(), true)));
  Ref ref;
  const std::size_t first = o.stop ? t : 0, last = o.stop ? t + 1 : k;
  for (std::size_t j = 0; j < last && j < k; ++j) {
    const int pick = ep[j].d.action.region[b];
    if (j >= first && pick >= 0) ref.log_prob += categorical(logits, allowed, static_cast<std::size_t>(pick)).first;
    if (j == 0 && first == 0) ref.entropy = categorical(logits, allowed, 0).second;
    if (pick >= 0) allowed[static_cast<std::size_t>(pick)] = false;
  }
  if (!o.stop || t < o.min_steps || t >= k) return ref;  // an example without a t-th pick: 0
  const double q = sigmoid(layer(p, "stop", row(s.summary.value(), b))[0]);
  ref.log_prob += std::log(s.d.action.region[b] < 0 ? q : 1 - q);
  ref.entropy += bernoulli_entropy(q);
  return ref;
}

// The masked softmax over the chunks allowed from the chunk read last (and STOP).
inline Ref jump_ref(const Module& p, const JumpReadingOptions& o, const Episode& ep, std::size_t t, std::size_t b) {
  const Step& s = ep[t];
  int from = -1;
  for (std::size_t i = 0; i < t; ++i) from = ep[i].d.action.region[b] >= 0 ? ep[i].d.action.region[b] : from;
  const std::vector<double> h = row(s.summary.value(), b), state = layer(p, "state_score", h);
  std::vector<double> logits(R + 1);
  std::vector<bool> allowed(R + 1);
  bool any = false;
  for (std::size_t r = 0; r < R; ++r) {
    const long d = static_cast<long>(r) - from;
    const long reach = static_cast<long>(o.max_jump ? o.max_jump : R);
    allowed[r] = o.any_order ? s.obs.read[b * R + r] == 0 : d >= 1 && d <= reach;
    any = any || allowed[r];
    const long bias_row = o.any_order ? d + static_cast<long>(R) : std::max(0L, d - 1);
    logits[r] = layer(p, "local_score", layer(p, "local", region_row(s.obs.preview, b, r, o.bag_slots, o.preview_size), true))[0] +
                state[r] + saccade::testing::param(p, "jump_bias").value()(static_cast<std::size_t>(bias_row), 0);
  }
  allowed[R] = (o.stop && t >= o.min_steps) || !any;
  logits[R] = o.stop ? layer(p, "stop", h)[0] : 0.0;
  const int a = s.d.action.region[b];
  const auto [lp, ent] = categorical(logits, allowed, a < 0 ? R : static_cast<std::size_t>(a));
  return {lp, ent};
}

}  // namespace saccade::testing
