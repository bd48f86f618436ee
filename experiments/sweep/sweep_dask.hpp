// `saccade sweep CONFIG --out OUT --backend dask --scheduler ADDRESS`: the sweep's runs on a Dask
// cluster. OUT is made ready here (prepare_sweep, experiments/sweep/sweep_jobs.hpp); then this process
// becomes the Python driver pybind/saccade/dask_sweep.py (Debian's python3-distributed), which sends
// each unfinished run to the workers as `saccade run --sweep OUT --trial N`, each in its own process
// (experiments/sweep/sweep_trial.hpp), and gathers the results as they finish. OUT must be a directory the
// workers see at the same path (a shared file system); the saccade binary too.
#pragma once

#include <string>
#include <vector>

#include "experiments/sweep/sweep_jobs.hpp"

namespace saccade {

// `gather_args`: the command line (argv) that gathers OUT (`saccade sweep ... --gather`). Returns only
// when there is nothing to run (0) or the driver cannot be started (throws).
int run_sweep_on_dask(const SweepPlan& plan, const SweepOptions& options, const std::string& scheduler,
                      const std::vector<std::string>& gather_args);

}  // namespace saccade
