#include "agents/reward.hpp"

#include "core/ops.hpp"

namespace saccade {

std::vector<float> RegionReward::answer(const Episode& ep) const {
  if (opt_.answer != "probability") return correct_per_example(ep.logits, ep.labels, ep.slots);
  const Array p = softmax(ep.logits.detach()).value();
  std::vector<float> r(ep.labels.size() / ep.slots, 0.0f);
  for (std::size_t i = 0; i < ep.labels.size(); ++i)
    r[i / ep.slots] += p(i, static_cast<std::size_t>(ep.labels[i])) / static_cast<float>(ep.slots);
  return r;
}

std::vector<float> RegionReward::reward(const Episode& ep) const {
  std::vector<float> r = answer(ep);
  for (std::size_t b = 0; b < r.size(); ++b) r[b] = r[b] - cost_ * static_cast<float>(ep.regions_read[b]);
  return r;
}

void RegionReward::update_cost(float mean_regions) {
  // An equality target: the multiplier may go negative (a bonus per region) while the policy reads
  // less than the target, else a policy that learned to stop early would never be pushed back up.
  if (opt_.target_regions > 0.0f) cost_ += opt_.lagrange_lr * (mean_regions - opt_.target_regions);
}

}  // namespace saccade
