// One part of a recorded batch: the examples a multi-epoch learner's minibatch re-scores
// (agents/actor_critic.hpp). Every per-example field of what the rollout kept, cut down to `rows`
// (indices into the batch of `batch` examples, in the order given), so a minibatch costs the policy
// its own examples only and not the whole batch's.
#pragma once

#include <cstddef>
#include <vector>

#include "agents/policy.hpp"
#include "envs/env.hpp"

namespace saccade {

// Previews, contents, locations, regions, read masks, active flags and budgets of `rows`.
Observation select_examples(const Observation& obs, const std::vector<int>& rows, std::size_t batch);

// The action and what was sampled (sample, plan, from, cell) of `rows`; log_prob, entropy and weight
// are left undefined (a re-scoring computes its own).
Decision select_examples(const Decision& d, const std::vector<int>& rows, std::size_t batch);

// Rows of an array whose first axis is the batch (an array that is empty or has no axes stays as it is).
Array select_examples(const Array& a, const std::vector<int>& rows);

}  // namespace saccade
