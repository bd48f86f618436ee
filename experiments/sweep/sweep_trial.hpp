// One run of a sweep whose runs are started elsewhere: `saccade run --sweep OUT --trial N`, the
// command each Slurm array task and each Dask task runs (experiments/sweep/sweep_slurm.hpp,
// pybind/saccade/dask_sweep.py). OUT was made ready by prepare_sweep (experiments/sweep/sweep_jobs.hpp):
// OUT/manifest.json names run N, and its directory holds config.yaml.
//
// The run behaves as under a local sweep: it writes into OUT/<run>/ and appends its output to
// OUT/<run>/log.txt; a finished run is left as it is; an interrupted one (it wrote resolved.yaml)
// continues from its last epoch checkpoint (`saccade run --resume`), so a retried task resumes.
// Two safeguards for runs restarted by a scheduler: the run holds a lock on OUT/<run>/.lock, so a
// retry waits until an earlier attempt has ended, and it ends itself when its parent process (a
// Dask worker, Slurm's step) is gone, rather than write on next to the retry.
#pragma once

#include <cstddef>
#include <string>

namespace saccade {

// Returns the run's exit status; throws ConfigError when OUT has no run N.
int run_sweep_trial(const std::string& sweep_dir, std::size_t trial);

}  // namespace saccade
