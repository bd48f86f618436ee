#include "agents/fixed_policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace saccade {

FixedRegionPolicy::FixedRegionPolicy(std::string name, RegionRule rule, std::size_t budget)
    : name_(std::move(name)), rule_(rule), budget_(budget) {}

void FixedRegionPolicy::begin(const PolicyContext& ctx, Rng& rng, bool) {
  const std::size_t B = ctx.obs.steps_left.size(), R = ctx.spec.num_regions;
  const bool flagged = ctx.obs.read.size() == B * R;
  plan_.assign(B, {});
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<int> has;  // the regions example b has, in order (those not flagged read at reset)
    for (std::size_t r = 0; r < R; ++r)
      if (!flagged || !ctx.obs.read[b * R + r]) has.push_back(static_cast<int>(r));
    plan_[b] = rule_({ctx.spec, ctx.obs, b, has, std::min(budget_, has.size()), rng});
  }
}

Decision FixedRegionPolicy::act(const PolicyContext& ctx, Rng&, bool) {
  Decision d;
  d.action.region.assign(plan_.size(), -1);
  for (std::size_t b = 0; b < plan_.size(); ++b) {
    if (ctx.step < plan_[b].size()) d.action.region[b] = plan_[b][ctx.step];
  }
  return d;
}

FixedGlimpsePolicy::FixedGlimpsePolicy(std::string name, GlimpseRule rule, std::size_t budget)
    : name_(std::move(name)), rule_(rule), budget_(budget) {
  if (budget == 0) throw std::invalid_argument("fixed glimpse policy \"" + name_ + "\": the budget must be at least 1");
}

void FixedGlimpsePolicy::begin(const PolicyContext& ctx, Rng& rng, bool) {
  const std::size_t B = ctx.obs.steps_left.size();
  plan_.assign(B, {});
  for (std::size_t b = 0; b < B; ++b) plan_[b] = rule_({ctx.spec, ctx.obs, b, budget_, rng});
}

Decision FixedGlimpsePolicy::act(const PolicyContext& ctx, Rng&, bool) {
  const std::size_t B = plan_.size();
  Decision d;
  d.action.location = Array::from_shape({B, 2});
  d.action.stop.assign(B, 0);
  for (std::size_t b = 0; b < B; ++b) {
    const auto& p = plan_[b];
    const auto& loc = p[std::min(ctx.step, p.size() - 1)];
    d.action.location(b, 0) = loc.first;
    d.action.location(b, 1) = loc.second;
    if (ctx.step >= p.size()) d.action.stop[b] = 1;
  }
  return d;
}

}  // namespace saccade
