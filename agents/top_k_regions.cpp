#include "agents/top_k_regions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

TopKRegionPolicy::TopKRegionPolicy(const TopKRegionOptions& o, Rng& rng)
    : opt_(o),
      scorer_(o.features ? std::vector<std::size_t>{o.features, o.hidden, 1} : std::vector<std::size_t>{o.preview_size, o.hidden, o.regions},
              rng) {
  register_module("scorer", scorer_);
  if (o.stop) {
    if (o.input == 0) throw std::invalid_argument("top-k policy with stop: needs the reader's summary size (input)");
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
}

void TopKRegionPolicy::begin(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const std::size_t B = ctx.obs.preview.shape()[0], R = opt_.regions, k = std::min(opt_.k, R);
  Var logits;
  if (opt_.bag_slots) {
    logits = reshape(scorer_(bag_rows(xt::reshape_view(ctx.obs.preview, {B * R, 2 * opt_.bag_slots}), opt_.features)),
                     {B, R});
  } else if (opt_.features) {
    logits = reshape(scorer_(Var(xt::reshape_view(ctx.obs.preview, {B * R, opt_.features}))), {B, R});
  } else {
    logits = scorer_(Var(xt::reshape_view(ctx.obs.preview, {B, opt_.preview_size})));
  }
  // Regions flagged read at the start are ones an example does not have (a short dialogue's empty
  // turns): never drawn, and an example with fewer than k regions plans fewer.
  Array drawn = xt::zeros<float>({B, R});
  if (ctx.obs.read.size() == B * R)
    for (std::size_t i = 0; i < B * R; ++i) drawn.data()[i] = ctx.obs.read[i] ? 1.0f : 0.0f;
  // Order each example's regions by (logit + Gumbel noise), or by logit when greedy; take k.
  plan_.assign(B, {});
  std::vector<std::pair<float, int>> keys;
  for (std::size_t b = 0; b < B; ++b) {
    keys.clear();
    for (std::size_t r = 0; r < R; ++r) {
      float key = logits.value()(b, r);
      if (!greedy) key -= static_cast<float>(std::log(-std::log(std::max(rng.uniform(), 1e-12))));
      if (drawn(b, r) == 0.0f) keys.emplace_back(key, static_cast<int>(r));
    }
    const std::size_t kb = std::min(k, keys.size());
    std::partial_sort(keys.begin(), keys.begin() + static_cast<long>(kb), keys.end(),
                      [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t j = 0; j < kb; ++j) plan_[b].push_back(keys[j].second);
  }
  // log p of the ordered draw: the j-th pick is a categorical over the regions not yet drawn (zero
  // for an example whose plan is shorter than j + 1).
  std::vector<int> pick(B);
  pick_log_prob_.clear();
  has_pick_.clear();
  for (std::size_t j = 0; j < k; ++j) {
    Array has = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) {
      has(b) = j < plan_[b].size() ? 1.0f : 0.0f;
      pick[b] = j < plan_[b].size() ? plan_[b][j] : 0;
    }
    Var masked = masked_fill(logits, drawn, -1e9f);
    pick_log_prob_.push_back(categorical_log_prob(masked, pick) * Var(has));
    if (j == 0) plan_entropy_ = categorical_entropy(masked) * Var(has);  // entropy of the first pick
    for (std::size_t b = 0; b < B; ++b)
      if (has(b) != 0.0f) drawn(b, pick[b]) = 1.0f;
    has_pick_.push_back(std::move(has));
  }
}

Decision TopKRegionPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  Decision d;
  const std::size_t B = plan_.size(), t = ctx.step;
  d.action.region.assign(B, -1);
  for (std::size_t b = 0; b < B; ++b) {
    if (t < plan_[b].size()) d.action.region[b] = plan_[b][t];
  }
  if (!opt_.stop) {
    if (t == 0) {  // the whole set was one decision
      d.log_prob = pick_log_prob_[0];
      for (std::size_t j = 1; j < pick_log_prob_.size(); ++j) d.log_prob = d.log_prob + pick_log_prob_[j];
      d.entropy = plan_entropy_;
    }
    return d;
  }
  if (t >= pick_log_prob_.size()) return d;  // the plan is spent: a forced STOP
  d.log_prob = pick_log_prob_[t];
  d.entropy = t == 0 ? plan_entropy_ : Var(xt::zeros<float>({B}));
  if (t < opt_.min_steps) return d;
  const Var logit = reshape(stop_(ctx.summary.detach()), {B});
  Array stopped = Array::from_shape({B});
  for (std::size_t b = 0; b < B; ++b) {
    const float p = 1.0f / (1.0f + std::exp(-logit.value()(b)));
    const bool s = greedy && opt_.greedy_stop ? p > 0.5f : rng.bernoulli(p);
    stopped(b) = s ? 1.0f : 0.0f;
    if (s) d.action.region[b] = -1;
  }
  // A stop's pick was never read: only reading on carries the pick's log-probability. An example
  // whose plan is spent stops without a choice (log-probability 0).
  const Var has(has_pick_[t]);
  for (std::size_t b = 0; b < B; ++b)
    if (has_pick_[t](b) == 0.0f) stopped(b) = 1.0f;
  d.log_prob = (bernoulli_log_prob(logit, stopped) + d.log_prob * Var(Array(1.0f - stopped))) * has;
  d.entropy = d.entropy + bernoulli_entropy(logit) * has;
  return d;
}

double TopKRegionPolicy::flops_per_episode(std::size_t decisions) const {
  // A bag's first layer touches bag_slots weight rows, not `features`.
  const std::size_t inputs = opt_.bag_slots ? opt_.bag_slots : opt_.features;
  const double stops = opt_.stop ? 2.0 * static_cast<double>(decisions * opt_.input) : 0.0;
  if (opt_.features) return stops + 2.0 * static_cast<double>(opt_.regions * (inputs * opt_.hidden + opt_.hidden));
  return stops + 2.0 * static_cast<double>(opt_.preview_size * opt_.hidden + opt_.hidden * opt_.regions);
}

}  // namespace saccade
