// `saccade search CONFIG --out OUT`: checks the search file (experiments/sweep/search.hpp), makes OUT
// ready and hands it to the driver, pybind/saccade/search.py under /usr/bin/python3, which owns the
// Optuna study (OUT/study.db) and runs the trials through the back end asked for: local processes,
// Dask tasks, or a Slurm job array it emits and then gathers. OUT holds:
//   search.json   the checked search section (parameters, sampler, trials, metric, seeds, pruner)
//   trial.yaml    the trials' base config, resolved: validation only, only the metric's policy
//   config.yaml   the config without its search section, resolved: what OUT/best.yaml is made from
//   study.db      the study (sqlite), on the driver's own disk
//   trials/       one run directory per trial and seed, NNN-seed=S, each an ordinary run (config.yaml,
//                 log.txt, metrics.jsonl, results.csv), and manifest.json listing them, so each is
//                 `saccade run --sweep OUT/trials --trial K` anywhere (experiments/sweep/sweep_trial.hpp)
// Re-running the same command resumes; a changed search section or trial config is an error.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace saccade {

struct SearchOptions {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string out_dir;
  std::size_t jobs = 1;                     // trials at once (a Slurm batch's trials with --emit)
  std::string backend = "local";            // local or dask
  std::optional<std::string> scheduler;     // dask
  std::optional<std::string> emit;          // slurm
  std::vector<std::string> sbatch;          // more #SBATCH directives, KEY=VALUE
  bool gather = false;                      // tell the emitted trials' results
  bool dry_run = false;
  std::string executable;                   // this saccade binary
};

// Returns only on a dry run or an error (ConfigError for the user's; the driver replaces this
// process otherwise).
int run_search(const SearchOptions& options);

// Whether DIR is a search's directory (it holds search.json).
bool is_search_dir(const std::string& dir);

// `saccade report DIR` on a search: pybind/saccade/search_report.py prints the trials and the best
// configuration and writes DIR/best.yaml and DIR/trials.csv. Returns only on an error.
int report_search(const std::string& dir, const std::string& executable);

}  // namespace saccade
