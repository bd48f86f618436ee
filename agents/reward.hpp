// What an episode pays the policy, the same for every learner:
//   answer    "correct": 1 or 0 (RAM's); "probability": the reader's softmax probability of the right
//             class (a denser signal while the reader is still weak: reading the right region raises
//             the probability before it flips the argmax); "max": max(correct, probability)
//             (Structural-Jump-LSTM's); "none": nothing (dense step rewards only); with several
//             slots, the mean over slots
//   step      per region read, dense (GFNet's): "gain", the rise in the reader's probability of the
//             true class that this step's read made; "loss_drop", the fall in its cross-entropy
//             (log p after - log p before); "none". Before the first read the reader is taken to
//             know nothing (p = 1 / classes), so the gains of an episode add up to p at the end
//             minus that.
//   cost      per region read; with per_length, divided by the number of regions there are
//   reward    R = answer + sum of step rewards - cost * regions read
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
  std::string answer = "correct";  // correct | probability | max | none
  std::string step = "none";       // none | gain | loss_drop
  float region_cost = 0.0f;        // the cost per region read (the starting value with a target)
  bool cost_per_length = false;    // the cost divided by the number of regions there are
  std::size_t regions = 0;         // how many there are (the env's; 0 for glimpses: no division)
  float target_regions = 0.0f;     // > 0: adapt the cost until the mean regions read meets this
  float lagrange_lr = 0.01f;
};

class RegionReward {
 public:
  explicit RegionReward(const RewardOptions& options) : opt_(options), cost_(options.region_cost) {}
  // Whether rewards need the reader's prediction after every step (EpisodeRecording::step_probabilities).
  bool dense() const { return opt_.step != "none"; }
  // What each example's answer earns (before the region cost).
  std::vector<float> answer(const Episode& ep) const;
  // R per example: the whole episode's reward (its step rewards only if the episode recorded
  // Episode::p_true: a reward figure for the logs of a policy that does not learn need not pay for them).
  std::vector<float> reward(const Episode& ep) const;
  // The reward each decision earned, [B] per decision of ep (Episode::decision_steps): the step
  // rewards and region costs of the steps from that decision up to the next, and the answer at the
  // example's last decision. Per example they add up to reward(ep).
  std::vector<Array> decision_rewards(const Episode& ep) const;
  // One step of the Lagrange multiplier after an update (nothing without a target).
  void update_cost(float mean_regions);
  float cost() const { return cost_; }
  void set_cost(float cost) { cost_ = cost; }

 private:
  // The dense reward of episode step s for example b (0 without step rewards).
  float step_reward(const Episode& ep, std::size_t s, std::size_t b) const;
  // What one region read costs now.
  float region_cost() const;
  RewardOptions opt_;
  float cost_;
};

}  // namespace saccade
