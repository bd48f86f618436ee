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
      scorer_({.preview_size = o.preview_size, .regions = o.regions, .hidden = o.hidden, .features = o.features, .bag_slots = o.bag_slots},
              rng) {
  register_module("scorer", scorer_);
  if (o.stop) {
    if (o.input == 0) throw std::invalid_argument("top-k policy with stop: needs the reader's summary size (input)");
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
}

void TopKRegionPolicy::begin(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const std::size_t R = opt_.regions, k = std::min(opt_.k, R);
  const Var logits = scorer_.logits(ctx.obs);
  // Regions flagged read at the start are ones an example does not have (a short dialogue's empty
  // turns): never drawn, and an example with fewer than k regions plans fewer.
  const Array missing = flagged_read(ctx.obs, R);
  plan_ = gumbel_top_k(logits.value(), missing, k, rng, greedy).plan;
  // Under NoGrad (evaluation, a self-critical baseline's greedy episode) nothing will differentiate the
  // plan's log-probability, so without STOP it is not computed: act() leaves it undefined.
  if (!opt_.stop && !grad_enabled()) {
    pick_log_prob_.clear();
    has_pick_.clear();
    plan_entropy_ = Var();
    return;
  }
  PlackettLucePicks picks = plackett_luce_picks(logits, missing, plan_, k, 0, k);
  pick_log_prob_ = std::move(picks.log_prob);
  has_pick_ = std::move(picks.has);
  plan_entropy_ = picks.entropy;
}

Decision TopKRegionPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  Decision d;
  const std::size_t B = ctx.obs.preview.shape()[0], k = std::min(opt_.k, opt_.regions), t = ctx.step;
  d.action.region.assign(B, -1);
  if (t < k)
    for (std::size_t b = 0; b < B; ++b) d.action.region[b] = plan_[b * k + t];
  d.plan = plan_;
  if (!opt_.stop) {
    if (t == 0 && !pick_log_prob_.empty()) {  // the whole set was one decision
      d.log_prob = pick_log_prob_[0];
      for (std::size_t j = 1; j < pick_log_prob_.size(); ++j) d.log_prob = d.log_prob + pick_log_prob_[j];
      d.entropy = plan_entropy_;
    }
    return d;
  }
  if (t >= pick_log_prob_.size()) return d;  // the plan is spent: a forced STOP
  Scored s{pick_log_prob_[t], t == 0 ? plan_entropy_ : Var(xt::zeros<float>({B}))};
  if (t >= opt_.min_steps) {
    const Var logit = reshape(stop_(ctx.summary.detach()), {B});
    const std::vector<std::uint8_t> stop = draw_stops(logit, greedy && opt_.greedy_stop, rng);
    Array stopped = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) {
      stopped(b) = stop[b] ? 1.0f : 0.0f;
      if (stop[b]) d.action.region[b] = -1;
    }
    for (std::size_t b = 0; b < B; ++b)
      if (has_pick_[t](b) == 0.0f) stopped(b) = 1.0f;
    s = with_stop(s, logit, stopped, has_pick_[t]);
  }
  d.log_prob = s.log_prob;
  d.entropy = s.entropy;
  return d;
}

// A stop's pick was never read: only reading on carries the pick's log-probability. An example whose
// plan is spent stops without a choice (log-probability 0).
Policy::Scored TopKRegionPolicy::with_stop(Scored s, const Var& logit, const Array& stopped, const Array& has) const {
  const Var h(has);
  s.log_prob = (bernoulli_log_prob(logit, stopped) + s.log_prob * Var(Array(1.0f - stopped))) * h;
  s.entropy = s.entropy + bernoulli_entropy(logit) * h;
  return s;
}

Policy::Scored TopKRegionPolicy::log_prob(const PolicyContext& ctx, const Decision& d) const {
  const std::size_t B = ctx.obs.preview.shape()[0], k = std::min(opt_.k, opt_.regions), t = ctx.step;
  if (opt_.stop ? t >= k : t > 0) return {};  // act() decided nothing at this step
  if (d.plan.size() != B * k) throw std::invalid_argument("top-k policy: the decision carries no plan of this policy");
  // An example has read its plan's first t picks by step t (fewer if it stopped): with those, the
  // regions flagged read in ctx.obs are exactly the ones out of reach at pick t in begin().
  const PlackettLucePicks p = plackett_luce_picks(scorer_.logits(ctx.obs), flagged_read(ctx.obs, opt_.regions), d.plan, k,
                                                  opt_.stop ? t : 0, opt_.stop ? t + 1 : k);
  Scored s{p.log_prob[0], p.entropy};
  if (!opt_.stop) {
    for (std::size_t j = 1; j < p.log_prob.size(); ++j) s.log_prob = s.log_prob + p.log_prob[j];
    return s;
  }
  if (t > 0) s.entropy = Var(xt::zeros<float>({B}));
  if (t < opt_.min_steps) return s;
  Array stopped = Array::from_shape({B});
  for (std::size_t b = 0; b < B; ++b) stopped(b) = d.action.region[b] < 0 ? 1.0f : 0.0f;  // or had no pick
  return with_stop(s, reshape(stop_(ctx.summary.detach()), {B}), stopped, p.has[0]);
}

// The plan is the teacher's regions in the order it read them, -1 once it stopped (or past k).
Decision TopKRegionPolicy::decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const {
  const std::size_t B = ctx.obs.preview.shape()[0], k = std::min(opt_.k, opt_.regions);
  Decision d;
  d.action = taken.at(ctx.step);
  d.plan = plan_from(taken, B, k);
  return d;
}

double TopKRegionPolicy::flops_per_episode(std::size_t decisions) const {
  const double stops = opt_.stop ? 2.0 * static_cast<double>(decisions * opt_.input) : 0.0;
  return stops + scorer_.flops();
}

}  // namespace saccade
