// What an episode pays the policy, the same for every learner:
//   answer    "correct": 1 or 0 (RAM's); "probability": the reader's softmax probability of the right
//             class (a denser signal while the reader is still weak: reading the right region raises
//             the probability before it flips the argmax); with several slots, the mean over slots
//   reward    R = answer - cost * regions read
// With a target mean budget the cost is a Lagrange multiplier: after each update
// cost <- cost + lagrange_lr * (mean regions - target), so it rises while the policy reads too much
// and falls (below zero: a bonus per region) while it reads too little, until the mean meets the
// target.
#pragma once

#include <string>
#include <vector>

#include "agents/episode.hpp"

namespace saccade {

struct RewardOptions {
  std::string answer = "correct";  // correct | probability
  float region_cost = 0.0f;        // the cost per region read (the starting value with a target)
  float target_regions = 0.0f;     // > 0: adapt the cost until the mean regions read meets this
  float lagrange_lr = 0.01f;
};

class RegionReward {
 public:
  explicit RegionReward(const RewardOptions& options) : opt_(options), cost_(options.region_cost) {}
  // What each example's answer earns (before the region cost).
  std::vector<float> answer(const Episode& ep) const;
  // R per example: answer - cost * regions read.
  std::vector<float> reward(const Episode& ep) const;
  // One step of the Lagrange multiplier after an update (nothing without a target).
  void update_cost(float mean_regions);
  float cost() const { return cost_; }
  void set_cost(float cost) { cost_ = cost; }

 private:
  RewardOptions opt_;
  float cost_;
};

}  // namespace saccade
