// A hyperparameter search: one YAML config with a `search:` section stands for a study of trials,
// each an ordinary `saccade run` of the config with the trial's values (docs/cli.md, "Search").
//
//   search:
//     parameters:
//       train.lr: {low: 0.0001, high: 0.01, log: true}   # a float range, sampled on a log scale
//       policy.budget: {low: 2, high: 6}                 # int, as the key is an int (type: int|float)
//       reader.core: {choices: [rnn, gru]}              # one of these values
//     sampler: tpe          # or random
//     trials: 20            # trials that finish (complete, pruned or failed)
//     metric: adaptive.val_accuracy   # POLICY.COLUMN of results.csv, maximised
//     seeds: [0, 1]         # each trial runs once per seed; its value is the mean
//     pruner: median        # on per-epoch validation accuracy (metrics.jsonl); or none
//
// This file reads and checks the section (every problem names FILE:LINE:COLUMN and the key) and
// derives the two configs a search needs: the user's config without the section (what best.yaml is
// made from) and the trials' base (validation only, only the metric's policy). The study itself is
// Optuna's, driven by pybind/saccade/search.py (experiments/sweep/search_driver.hpp starts it).
#pragma once

#include <string>
#include <vector>

#include "experiments/config/config.hpp"

namespace saccade {

struct SearchParam {
  std::string key;                   // "train.lr"
  std::string type;                  // "int", "float" or "choice"
  double low = 0, high = 0;          // int and float
  bool log = false;
  std::vector<std::string> choices;  // choice: each value as YAML text ("gru", "[center, grid]")
};

struct SearchSpec {
  std::vector<SearchParam> params;
  std::string sampler = "tpe";
  int sampler_seed = 0;
  int trials = 20;
  std::string metric_policy = "adaptive", metric_column = "val_accuracy";
  std::vector<int> seeds;  // unset: the config's own seed
  std::string pruner = "median";
  int startup_trials = 5, warmup_epochs = 1;
};

// `config` is the loaded search file with command-line overrides applied. Throws ConfigError with
// every problem of the section and of the configs it makes (a range's ends and each choice are
// checked against the key's schema, pointing at where they were written).
SearchSpec read_search(const Config& config);

// The config without its `search:` section, resolved: what the best trial's best.yaml is made from.
Config search_base(const Config& config);

// The trials' base config, resolved: eval.test false (the test split is for final runs), and only the
// metric's policy (adaptive, or one fixed policy with eval.adaptive false).
Config trial_base(const Config& config, const SearchSpec& spec);

// The spec as JSON text (OUT/search.json, what the driver reads; a re-run compares it).
std::string search_json(const SearchSpec& spec);

// `saccade run` or `saccade sweep` on a search file: a ConfigError pointing at `search:`.
void reject_search_section(const Config& config, const std::string& command);

}  // namespace saccade
