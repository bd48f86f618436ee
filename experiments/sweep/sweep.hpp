// A sweep: one YAML config with a `sweep:` section stands for many runs.
//
//   sweep:
//     grid: {policy.budget: [3, 6], train.lr: [0.001, 0.003]}   # every combination (first key slowest)
//     zip:  {env.region: [glimpse, patch], eval.policies: [[grid], [grid, all]]}  # i-th with i-th
//     seeds: [0, 1]                                              # each combination once per seed
//     shared: [train.algorithm, eval.policies]   # swept keys that change only the learned policy
//
// Runs are ordered grid (first key slowest), then zip position, then seed. Run i lives in
// OUT/NNN-<short name>/ (e.g. 003-budget=6-seed=1) and is an ordinary `saccade run` of the config
// written there (config.yaml: the resolved config, `sweep:` removed, `name` and `out` set to the run).
// Expansion validates everything before any work starts: the sweep's shape, every swept key and
// value (errors point into the sweep file), and every run's resolved config (schema and task checks).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "experiments/config/config.hpp"

namespace saccade {

struct SweepRun {
  std::size_t index = 0;
  std::string name;                                         // "003-budget=6-seed=1": its directory
  std::vector<std::pair<std::string, std::string>> swept;  // key path -> value as text, seed last
  Config resolved;                                          // name and out point at the run
};

struct SweepPlan {
  std::vector<std::string> swept_keys;  // in order: grid keys, zip keys, then `seed` if seeds are given
  // sweep.shared: swept keys that change only the learned policy, as listed. Written to
  // OUT/manifest.json, where `saccade report OUT` finds it (experiments/report/shared.hpp).
  std::vector<std::string> shared;
  std::vector<SweepRun> runs;
};

// `config` is the loaded sweep file with command-line overrides applied. Throws ConfigError with
// every problem found (FILE:LINE:COLUMN: key: what was expected).
SweepPlan expand_sweep(const Config& config, const std::string& out_dir);

// `saccade run` on a sweep file: a ConfigError pointing at `sweep:` that says what to do instead.
void reject_sweep_section(const Config& config);

// A swept value as one line of text: scalars as written, lists joined with '+' ("center+grid").
std::string value_text(const ConfigNode& node);

}  // namespace saccade
