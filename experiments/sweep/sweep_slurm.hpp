// `saccade sweep CONFIG --out OUT --emit slurm`: the sweep as a Slurm job array. OUT is made ready as
// for any sweep run elsewhere (prepare_sweep, experiments/sweep/sweep_jobs.hpp), then two scripts go there:
//   OUT/slurm.sbatch  one array task per run not finished yet, each `saccade run --sweep OUT --trial N`
//                     with N the run's index (experiments/sweep/sweep_trial.hpp); submit it with sbatch
//   OUT/gather.sh     the command that gathers the finished runs into OUT/manifest.json and
//                     OUT/results.csv, as a local sweep leaves them (`saccade sweep ... --gather`)
// Emitting again after a partial array resumes: finished runs are left out of the new array, and
// interrupted ones continue from their last epoch checkpoint.
#pragma once

#include <string>
#include <vector>

#include "experiments/sweep/sweep_jobs.hpp"

namespace saccade {

struct SlurmOptions {
  std::vector<std::string> sbatch;  // more directives, KEY=VALUE: "partition=cpu" -> #SBATCH --partition=cpu
                                    // (VALUE quoted for sbatch when it needs to be: "comment=a b" -> --comment="a b")
  std::string gather_command;       // a shell command line, run by gather.sh
};

// Refuses (ConfigError naming the option) a value that cannot be written into the scripts safely: an
// --sbatch value that is not one KEY=VALUE line, an out dir, sweep file, executable or gather command
// holding a newline (experiments/sweep/script_quote.hpp). Everything else is quoted where it goes.
void check_slurm_emit(const SweepOptions& options, const SlurmOptions& slurm);

// The sbatch script for the runs `todo` (indices) of `plan` in options.out_dir.
std::string slurm_script(const SweepPlan& plan, const SweepOptions& options, const std::vector<std::size_t>& todo,
                         const SlurmOptions& slurm);

// Writes OUT/slurm.sbatch and OUT/gather.sh and says how to use them. Returns the exit status (0).
int emit_slurm(const SweepPlan& plan, const SweepOptions& options, const SlurmOptions& slurm);

}  // namespace saccade
