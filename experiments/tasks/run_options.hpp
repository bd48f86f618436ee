// What every task reads from a resolved config the same way: the runner's options (seed, epochs,
// batch sizes, evaluation sizes, the learner train.algorithm names) and the list of policies to score.
#pragma once

#include <string>
#include <vector>

#include "experiments/config/config.hpp"
#include "experiments/run/runner.hpp"

namespace saccade {

// Everything but env_name, which the task knows.
RunOptions run_options_from_config(const Config& resolved);

// `adaptive` (unless eval.adaptive is false), then eval.policies in order.
std::vector<std::string> policy_names_from_config(const Config& resolved);

}  // namespace saccade
