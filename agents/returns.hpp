// Credit assignment over an episode's decisions, for every learner: each decision's rewards
// (RegionReward::decision_rewards, [B] per decision) become what the policy gradient weighs its
// log-probability by. Entries where an example had already stopped (deciding = 0) are 0 and never
// carry value across.
//
//   returns   G_t = r_t + gamma * G_{t+1}                          (REINFORCE's, reward-to-go)
//   GAE       delta_t = r_t + gamma * V_{t+1} - V_t,  A_t = delta_t + gamma * lambda * A_{t+1}
//             (Schulman et al. 2016), V after an example's last decision = 0 (the episode ends);
//             lambda = 1 gives G_t - V_t, lambda = 0 the one-step TD error.
#pragma once

#include <vector>

#include "core/tensor.hpp"

namespace saccade {

std::vector<Array> discounted_returns(const std::vector<Array>& rewards, const std::vector<Array>& deciding, float gamma);

std::vector<Array> gae_advantages(const std::vector<Array>& rewards, const std::vector<Array>& values,
                                  const std::vector<Array>& deciding, float gamma, float lambda);

// Advantages scaled to mean 0 and standard deviation 1 over the entries where deciding is 1 (the others
// stay 0); unchanged when fewer than 2 entries are.
void normalize_advantages(std::vector<Array>& advantages, const std::vector<Array>& deciding);

}  // namespace saccade
