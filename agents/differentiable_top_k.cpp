#include "agents/differentiable_top_k.hpp"

#include <algorithm>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "agents/plackett_luce.hpp"
#include "agents/relaxed_top_k.hpp"
#include "core/ops.hpp"

namespace saccade {

DifferentiableTopKPolicy::DifferentiableTopKPolicy(const DifferentiableTopKOptions& o, Rng& rng) : opt_(o), scorer_(o.scorer, rng) {
  if (!(o.tau > 0.0f)) throw std::invalid_argument("soft top-k policy: the temperature tau must be > 0");
  register_module("scorer", scorer_);
}

void DifferentiableTopKPolicy::begin(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const std::size_t R = opt_.scorer.regions, k = this->k();
  const Var logits = scorer_.logits(ctx.obs);
  const std::size_t B = logits.shape(0);
  const Array missing = flagged_read(ctx.obs, R);
  TopKDraw draw = gumbel_top_k(logits.value(), missing, k, rng, greedy);
  plan_ = std::move(draw.plan);
  weights_.clear();
  log_prob_ = entropy_ = Var();
  if (!grad_enabled()) return;  // evaluation: nothing will differentiate the weights (value 1) or log p

  // The relaxation ranks the keys the draw ranked: the noise enters as a constant beside the logits.
  const Var keys = logits + Var(Array(draw.keys - logits.value()));
  Array hard = xt::zeros<float>({B, R});
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t j = 0; j < k; ++j)
      if (plan_[b * k + j] >= 0) hard(b, static_cast<std::size_t>(plan_[b * k + j])) = 1.0f;
  const Var st = reshape(straight_through(hard, relaxed_top_k(keys, missing, k, opt_.tau)), {B * R, 1});
  std::vector<int> at(B);
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t b = 0; b < B; ++b) at[b] = static_cast<int>(b * R) + std::max(plan_[b * k + j], 0);
    weights_.push_back(reshape(gather_rows(st, at), {B}));  // an example without a j-th pick reads nothing then
  }
  PlackettLucePicks picks = plackett_luce_picks(logits, missing, plan_, k, 0, k);
  log_prob_ = picks.log_prob[0];
  for (std::size_t j = 1; j < picks.log_prob.size(); ++j) log_prob_ = log_prob_ + picks.log_prob[j];
  entropy_ = picks.entropy;
}

Decision DifferentiableTopKPolicy::act(const PolicyContext& ctx, Rng&, bool) {
  Decision d;
  const std::size_t B = ctx.obs.preview.shape()[0], k = this->k(), t = ctx.step;
  d.action.region.assign(B, -1);
  if (t < k)
    for (std::size_t b = 0; b < B; ++b) d.action.region[b] = plan_[b * k + t];
  d.plan = plan_;
  if (t < weights_.size()) d.weight = weights_[t];
  if (t == 0) {
    d.log_prob = log_prob_;
    d.entropy = entropy_;
  }
  return d;
}

Policy::Scored DifferentiableTopKPolicy::log_prob(const PolicyContext& ctx, const Decision& d) const {
  const std::size_t B = ctx.obs.preview.shape()[0], k = this->k();
  if (ctx.step > 0) return {};  // the set was decided at step 0
  if (d.plan.size() != B * k) throw std::invalid_argument("soft top-k policy: the decision carries no plan of this policy");
  const PlackettLucePicks p = plackett_luce_picks(scorer_.logits(ctx.obs), flagged_read(ctx.obs, opt_.scorer.regions), d.plan, k, 0, k);
  Scored s{p.log_prob[0], p.entropy};
  for (std::size_t j = 1; j < p.log_prob.size(); ++j) s.log_prob = s.log_prob + p.log_prob[j];
  return s;
}

Decision DifferentiableTopKPolicy::decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const {
  Decision d;
  d.action = taken.at(ctx.step);
  d.plan = plan_from(taken, ctx.obs.preview.shape()[0], k());
  return d;
}

}  // namespace saccade
