// What every task reads from a resolved config the same way: the runner's options (seed, epochs,
// batch sizes, evaluation sizes, the REINFORCE settings) and the list of policies to score.
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

// Every name in eval.policies is one of `choices` (an unknown one: a ConfigError pointing at that list
// item, "no fixed policy NAME for `env_label` (choices: ...)"), and there is something to run.
void check_policy_names(const Config& resolved, const std::vector<std::string>& choices, const std::string& env_label);

// reader.type, if set, is `reader`, the one reader `env_label` has (else a ConfigError naming it).
void check_reader_type(const Config& resolved, const std::string& reader, const std::string& env_label);

}  // namespace saccade
