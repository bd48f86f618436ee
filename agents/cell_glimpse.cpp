#include "agents/cell_glimpse.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "agents/thumbnail_cells.hpp"
#include "core/ops.hpp"

namespace saccade {

CellGlimpsePolicy::CellGlimpsePolicy(const CellGlimpseOptions& o, Rng& rng)
    : opt_(o),
      local_(9, o.hidden, rng),
      // No bias: one constant added to every cell's score cancels in the softmax.
      local_score_(o.hidden, 1, rng, /*bias=*/false),
      state_score_(o.input, o.height * o.width, rng, /*bias=*/false),
      offset_(o.hidden, 2, rng),
      inhibition_(o.inhibition, o.height, o.width) {
  if (o.height == 0 || o.width == 0) throw std::invalid_argument("cell glimpse policy: the thumbnail has no cells");
  if (!(o.offset_std > 0.0f)) throw std::invalid_argument("cell glimpse policy: offset_std must be > 0");
  register_module("local", local_);
  register_module("local_score", local_score_);
  register_module("state_score", state_score_);
  register_module("offset", offset_);
  register_module("inhibition", inhibition_);  // no parameter when off
  if (o.stop) {
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
  centres_ = cell_centres(o.height, o.width);
  // A cell is 2 / H by 2 / W of the [-1, 1]^2 square.
  half_ = Array({1.0f / static_cast<float>(o.height), 1.0f / static_cast<float>(o.width)});
  sigma_ = half_ * (2.0f * o.offset_std);
}

CellGlimpsePolicy::Local CellGlimpsePolicy::local(const PolicyContext& ctx) const {
  const std::size_t B = ctx.obs.steps_left.size();
  Array f = cell_neighbourhoods(ctx.obs.preview, B, opt_.height, opt_.width, "cell glimpse policy");
  Local l;
  l.hidden = relu(local_(Var(std::move(f))));
  l.scores = reshape(local_score_(l.hidden), {B, opt_.height * opt_.width});
  return l;
}

void CellGlimpsePolicy::begin(const PolicyContext& ctx, Rng&, bool) { episode_ = local(ctx); }

Var CellGlimpsePolicy::scores(const PolicyContext& ctx, const Var& h, const Var& local_scores) const {
  const Var s = local_scores + state_score_(h);
  return inhibition_.on() ? s + inhibition_(ctx.obs, h.shape(0)) : s;
}

Var CellGlimpsePolicy::mean(const Var& hidden, const std::vector<int>& cell) const {
  const std::size_t B = cell.size(), P = opt_.height * opt_.width;
  std::vector<int> rows(B);
  Array centre = Array::from_shape({B, std::size_t{2}});
  for (std::size_t b = 0; b < B; ++b) {
    if (cell[b] < 0 || static_cast<std::size_t>(cell[b]) >= P)
      throw std::invalid_argument("cell glimpse policy: cell " + std::to_string(cell[b]) + " is not one of the thumbnail's " + std::to_string(P));
    rows[b] = static_cast<int>(b * P) + cell[b];
    centre(b, 0) = centres_(cell[b], 0);
    centre(b, 1) = centres_(cell[b], 1);
  }
  return Var(std::move(centre)) + tanh(offset_(gather_rows(hidden, rows))) * Var(half_);
}

Var CellGlimpsePolicy::stop_logit(const PolicyContext& ctx, const Var& h) const {
  if (!opt_.stop || ctx.step < opt_.min_steps) return Var();
  return reshape(stop_(h), {h.shape(0)});
}

namespace {

// Each example's cell: the highest score (greedy; the first of equals), or a draw from softmax(s) by
// the inverse of its cumulative sum (computed in double off the tape, the last cell absorbing rounding).
std::vector<int> pick_cells(const Array& s, Rng& rng, bool greedy) {
  const std::size_t B = s.shape()[0], P = s.shape()[1];
  std::vector<int> cell(B);
  for (std::size_t b = 0; b < B; ++b) {
    const float* row = s.data() + b * P;
    const std::size_t best = static_cast<std::size_t>(std::max_element(row, row + P) - row);
    if (greedy) {
      cell[b] = static_cast<int>(best);
      continue;
    }
    double z = 0.0;
    for (std::size_t p = 0; p < P; ++p) z += std::exp(static_cast<double>(row[p]) - row[best]);
    const double u = rng.uniform() * z;
    double acc = 0.0;
    std::size_t pick = P - 1;
    for (std::size_t p = 0; p < P; ++p) {
      acc += std::exp(static_cast<double>(row[p]) - row[best]);
      if (u < acc) {
        pick = p;
        break;
      }
    }
    cell[b] = static_cast<int>(pick);
  }
  return cell;
}

}  // namespace

Decision CellGlimpsePolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const Var h = ctx.summary.detach();
  const std::size_t B = h.shape(0);
  const Var s = scores(ctx, h, episode_.scores);
  Decision d;
  d.cell = pick_cells(s.value(), rng, greedy);
  const Var m = mean(episode_.hidden, d.cell);
  // The draw is a constant: the gradient reaches the offset through log N(l; m, sigma^2) only.
  Array sample = m.value();
  if (!greedy) {
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < 2; ++j) sample(b, j) += sigma_(j) * static_cast<float>(rng.normal());
  }
  d.action.location = xt::clip(sample, -1.0f, 1.0f);
  d.action.stop.assign(B, 0);
  d.sample = std::move(sample);  // log_prob() re-scores the draw, not the clipped location
  const Var logit = stop_logit(ctx, h);
  if (logit.defined()) d.action.stop = draw_stops(logit, greedy && opt_.greedy_stop, rng);
  if (!grad_enabled() && !opt_.stop) return d;  // no gradient to take: the log-probability is not needed
  const Scored sc = score(s, m, d.cell, d.sample, logit, d.action.stop);
  d.log_prob = sc.log_prob;
  d.entropy = sc.entropy;
  return d;
}

Policy::Scored CellGlimpsePolicy::log_prob(const PolicyContext& ctx, const Decision& d) const {
  return log_prob_episode({ctx}, {d}).front();
}

std::vector<Policy::Scored> CellGlimpsePolicy::log_prob_episode(const std::vector<PolicyContext>& steps,
                                                                const std::vector<Decision>& decisions) const {
  std::vector<Scored> out;
  if (steps.empty()) return out;
  const Local l = local(steps.front());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Var h = steps[i].summary.detach();
    const std::size_t B = h.shape(0);
    const Decision& d = decisions.at(i);
    if (d.cell.size() != B || d.sample.shape() != Shape{B, 2} || d.action.stop.size() != B)
      throw std::invalid_argument("cell glimpse policy: the decision carries no cells and draws of this policy");
    out.push_back(score(scores(steps[i], h, l.scores), mean(l.hidden, d.cell), d.cell, d.sample, stop_logit(steps[i], h), d.action.stop));
  }
  return out;
}

Policy::Scored CellGlimpsePolicy::score(const Var& scores, const Var& mean, const std::vector<int>& cell, const Array& sample,
                                        const Var& stop_logit, const std::vector<std::uint8_t>& stop) const {
  const std::size_t B = cell.size();
  Scored s;
  s.log_prob = categorical_log_prob(scores, cell) + sum(gaussian_log_prob(Var(sample), mean, Var(sigma_)), -1);
  // The draw's entropy, a fixed-std Gaussian's, is a constant: only the cell's carries a gradient.
  const float e = static_cast<float>(M_E);
  const float draw_entropy = std::log(2.0f * static_cast<float>(M_PI) * e * sigma_(0) * sigma_(1));
  s.entropy = categorical_entropy(scores) + draw_entropy;
  if (!stop_logit.defined()) return s;
  Array taken = Array::from_shape({B});
  for (std::size_t i = 0; i < B; ++i) taken(i) = stop[i] ? 1.0f : 0.0f;
  s.log_prob = s.log_prob + bernoulli_log_prob(stop_logit, taken);
  s.entropy = s.entropy + bernoulli_entropy(stop_logit);
  return s;
}

Decision CellGlimpsePolicy::decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const {
  Decision d;
  d.action = taken.at(ctx.step);
  d.sample = d.action.location;
  const std::size_t B = d.sample.shape()[0];
  if (d.action.stop.empty()) d.action.stop.assign(B, 0);
  // [-1, 1] cut into H rows and W columns of cells; a location on the far edge is in the last one.
  auto index = [](float x, std::size_t n) {
    const auto i = static_cast<long>(std::floor((x + 1.0f) * 0.5f * static_cast<float>(n)));
    return static_cast<int>(std::clamp<long>(i, 0, static_cast<long>(n) - 1));
  };
  d.cell.resize(B);
  for (std::size_t b = 0; b < B; ++b)
    d.cell[b] = index(d.sample(b, 0), opt_.height) * static_cast<int>(opt_.width) + index(d.sample(b, 1), opt_.width);
  return d;
}

double CellGlimpsePolicy::flops_per_episode(std::size_t decisions) const {
  const double P = static_cast<double>(opt_.height * opt_.width), hid = static_cast<double>(opt_.hidden);
  const double in = static_cast<double>(opt_.input);
  // Once per episode: every cell's hidden features and local score. Per decision: the state's score
  // of every cell, the chosen cell's offset and the STOP head.
  const double once = 2.0 * P * (9.0 * hid + hid);
  const double per = 2.0 * (in * P + 2.0 * hid + (opt_.stop ? in : 0.0));
  return once + static_cast<double>(decisions) * per + inhibition_.flops_per_episode(decisions);
}

}  // namespace saccade
