// Validation against the schema and the resolved config: the step between reading YAML and doing
// any work, so a typo in a sweep file fails in a second, not after an hour of training.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "experiments/config/config.hpp"
#include "experiments/config/schema.hpp"

namespace saccade {

// Every problem in `config`, one message per problem, in the order written:
// "FILE:LINE:COLUMN: key.path: expected ..., got ..." or "...: key.path: unknown key (did you mean `x`?)".
// Empty if the config is valid. Null values are "unset" and never a problem.
std::vector<std::string> check(const Config& config, const Schema& schema = saccade::schema());

// Suggestions for an unknown key path: a near-miss of a full path or section ("trian.epochs" ->
// train.epochs), or else the same name in another section ("epochs" -> train.epochs).
std::vector<std::string> suggest_key(const Schema& schema, const std::string& path);

// check(), then the resolved config: every key the config sets or the schema defaults, in schema
// order, defaults' origin "default". Throws one ConfigError listing every problem.
Config resolve(const Config& config, const Schema& schema = saccade::schema());

// What `saccade run` (and the Python module) do before any work: load FILE with its includes,
// apply "key.path=value" overrides in order, resolve.
Config load_run_config(const std::filesystem::path& file, const std::vector<std::string>& overrides = {},
                       const Schema& schema = saccade::schema());

}  // namespace saccade
