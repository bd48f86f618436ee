// Running a sweep's runs as separate processes, N at once, resumably.
//
// OUT/manifest.json lists every run with its status (pending, running, done, failed, interrupted) and
// is rewritten atomically whenever one changes. A run has finished when its own process has written
// OUT/<run>/status.json, the last file a run writes (experiments/run/runner.cpp). Re-running the same
// command therefore resumes: finished runs are skipped, a run interrupted after it started training
// continues from its last epoch checkpoint (`saccade run --resume`), anything else is cleared and
// started again.
// Runs are child processes that die with the sweep (even when it is killed with SIGKILL), so a killed
// sweep leaves no stray run writing into its directory. OUT/results.csv gathers every finished run's
// rows plus one column per swept key, and is rewritten as each run finishes.
#pragma once

#include <string>
#include <vector>

#include "experiments/sweep/sweep.hpp"

namespace saccade {

struct SweepOptions {
  std::string out_dir;
  std::size_t jobs = 1;     // runs at once
  std::string executable;   // the saccade binary: each run is `EXECUTABLE run OUT/<run>/config.yaml`
  std::string sweep_file;   // recorded in the manifest
};

// Runs (or resumes) the plan. Returns 0 when every run has finished, 1 when any failed (each reported
// with its log), 130 when interrupted (SIGINT/SIGTERM). A finished run whose config.yaml differs from
// the plan's throws ConfigError before anything starts.
int run_sweep(const SweepPlan& plan, const SweepOptions& options);

// For runs started elsewhere, each as `saccade run --sweep OUT --trial N` (experiments/sweep/sweep_trial.hpp)
// on Slurm or Dask workers: checks finished runs as run_sweep does, makes every unfinished run's
// directory ready (config.yaml; an interrupted run keeps what it has, to resume), writes the manifest
// and returns the indices of the runs still to do.
std::vector<std::size_t> prepare_sweep(const SweepPlan& plan, const SweepOptions& options);

// After runs elsewhere: reads each run's state from its directory (done, interrupted, pending),
// rewrites the manifest and OUT/results.csv, and prints the counts. Returns 0 when every run has
// finished, else 1.
int gather_sweep(const SweepPlan& plan, const SweepOptions& options);

// Rewrites OUT/results.csv from the finished runs (exposed for tests).
void gather_results(const SweepPlan& plan, const std::string& out_dir);

}  // namespace saccade
