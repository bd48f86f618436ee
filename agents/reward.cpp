#include "agents/reward.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/ops.hpp"

namespace saccade {

std::vector<float> RegionReward::answer(const Episode& ep) const {
  const std::size_t B = ep.labels.size() / ep.slots;
  if (opt_.answer == "none") return std::vector<float>(B, 0.0f);
  if (opt_.answer == "probability") return true_class_probability(ep.logits.value(), ep.labels, ep.slots);
  std::vector<float> r = correct_per_example(ep.logits, ep.labels, ep.slots);
  if (opt_.answer == "max") {
    const std::vector<float> p = true_class_probability(ep.logits.value(), ep.labels, ep.slots);
    for (std::size_t b = 0; b < B; ++b) r[b] = std::max(r[b], p[b]);
  }
  return r;
}

float RegionReward::region_cost() const {
  return opt_.cost_per_length && opt_.regions > 0 ? cost_ / static_cast<float>(opt_.regions) : cost_;
}

float RegionReward::step_reward(const Episode& ep, std::size_t s, std::size_t b) const {
  if (!dense()) return 0.0f;
  if (ep.p_true.size() != ep.read_now.size())
    throw std::logic_error("dense step rewards need the episode's p_true (EpisodeRecording::step_probabilities)");
  const float classes = static_cast<float>(ep.logits.shape(1));
  const float before = s == 0 ? 1.0f / classes : ep.p_true[s - 1](b), after = ep.p_true[s](b);
  if (opt_.step == "gain") return after - before;
  // loss_drop: the cross-entropy before minus after; p floored so that a read that makes the reader
  // certain and wrong costs a finite amount.
  constexpr float kFloor = 1e-6f;
  return std::log(std::max(after, kFloor)) - std::log(std::max(before, kFloor));
}

std::vector<float> RegionReward::reward(const Episode& ep) const {
  std::vector<float> r = answer(ep);
  const float c = region_cost();
  for (std::size_t b = 0; b < r.size(); ++b) {
    r[b] = r[b] - c * static_cast<float>(ep.regions_read[b]);
    // (a fixed policy's episodes record no step probabilities: its figure leaves the step rewards out)
    for (std::size_t s = 0; dense() && !ep.p_true.empty() && s < ep.read_now.size(); ++s) r[b] += step_reward(ep, s, b);
  }
  return r;
}

std::vector<Array> RegionReward::decision_rewards(const Episode& ep) const {
  const std::size_t T = ep.decision_steps.size(), B = ep.regions_read.size(), S = ep.read_now.size();
  const std::vector<float> ans = answer(ep);
  const float c = region_cost();
  std::vector<Array> r(T);
  for (std::size_t t = 0; t < T; ++t) {
    r[t] = Array::from_shape({B});
    const std::size_t end = t + 1 < T ? ep.decision_steps[t + 1] : S;
    for (std::size_t b = 0; b < B; ++b) {
      float v = 0.0f;
      for (std::size_t s = ep.decision_steps[t]; s < end; ++s) {
        // a preview-only env's read is no region (Episode::regions_read stays 0 there)
        if (ep.read_now[s][b] && ep.regions_read[b] > 0) v -= c;
        v += step_reward(ep, s, b);
      }
      const bool last = ep.deciding[t](b) && (t + 1 == T || !ep.deciding[t + 1](b));
      r[t](b) = ep.deciding[t](b) ? v + (last ? ans[b] : 0.0f) : 0.0f;
    }
  }
  return r;
}

void RegionReward::update_cost(float mean_regions) {
  // An equality target: the multiplier may go negative (a bonus per region) while the policy reads
  // less than the target, else a policy that learned to stop early would never be pushed back up.
  if (opt_.target_regions > 0.0f) cost_ += opt_.lagrange_lr * (mean_regions - opt_.target_regions);
}

}  // namespace saccade
