#include "experiments/sweep/sweep_slurm.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "experiments/sweep/script_quote.hpp"

namespace saccade {

namespace {

// Slurm's --array syntax for sorted indices, runs of consecutive ones as ranges: "0-3,5,7-8".
std::string array_spec(const std::vector<std::size_t>& todo) {
  std::string spec;
  for (std::size_t i = 0; i < todo.size();) {
    std::size_t j = i;
    while (j + 1 < todo.size() && todo[j + 1] == todo[j] + 1) ++j;
    spec += (spec.empty() ? "" : ",") + std::to_string(todo[i]) + (j > i ? "-" + std::to_string(todo[j]) : "");
    i = j + 1;
  }
  return spec;
}

bool sets(const SlurmOptions& slurm, const std::string& key) {
  for (const auto& s : slurm.sbatch)
    if (s.rfind(key + "=", 0) == 0) return true;
  return false;
}

void write_script(const std::string& path, const std::string& text) {
  write_file_atomic(path, text, "emit slurm");
  ::chmod(path.c_str(), 0755);
}

}  // namespace

void check_slurm_emit(const SweepOptions& o, const SlurmOptions& slurm) {
  for (const auto& directive : slurm.sbatch) sbatch_directive(directive);
  slurm_output_dir("--out", o.out_dir);
  one_line("the sweep file", o.sweep_file);
  one_line("the saccade executable's path", o.executable);
  one_line("gather.sh's command (the sweep's overrides)", slurm.gather_command);
}

std::string slurm_script(const SweepPlan& plan, const SweepOptions& o, const std::vector<std::size_t>& todo,
                         const SlurmOptions& slurm) {
  check_slurm_emit(o, slurm);
  const std::string out = o.out_dir;
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# The sweep " << o.sweep_file << " as a Slurm job array, written by `saccade sweep --emit slurm`: one array\n"
    << "# task per run not finished yet (" << todo.size() << " of " << plan.runs.size() << "), each running\n"
    << "# `saccade run --sweep OUT --trial N`, N being the run's index in " << out << "/manifest.json.\n"
    << "#   submit:  sbatch " << shell_quote(out + "/slurm.sbatch") << "\n"
    << "#   gather:  bash " << shell_quote(out + "/gather.sh")
    << "   (manifest.json and results.csv, as a local sweep leaves them)\n"
    << "# Emitting again after a partial array leaves finished runs out; interrupted ones resume.\n"
    << "#SBATCH --job-name=" << sbatch_word("saccade-" + std::filesystem::path(out).filename().string()) << "\n"
    << "#SBATCH --array=" << array_spec(todo) << "\n"
    << "#SBATCH --output=" << sbatch_word(slurm_output_dir("--out", out) + "/slurm-%A_%a.out") << "\n";
  if (!sets(slurm, "cpus-per-task")) s << "#SBATCH --cpus-per-task=1\n";
  for (const auto& directive : slurm.sbatch) s << "#SBATCH " << sbatch_directive(directive) << "\n";
  s << "export OPENBLAS_NUM_THREADS=\"${OPENBLAS_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}\"\n"
    << "exec " << shell_quote(o.executable) << " run --sweep " << shell_quote(out)
    << " --trial \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID}\"\n";
  return s.str();
}

int emit_slurm(const SweepPlan& plan, const SweepOptions& o, const SlurmOptions& slurm) {
  check_slurm_emit(o, slurm);  // before prepare_sweep writes anything
  const std::vector<std::size_t> todo = prepare_sweep(plan, o);
  const std::string gather = o.out_dir + "/gather.sh";
  write_script(gather, "#!/bin/bash\n# Gathers the sweep's finished runs into manifest.json and results.csv (see slurm.sbatch).\nexec " +
                           slurm.gather_command + "\n");
  if (todo.empty()) {
    std::cout << "every one of the " << plan.runs.size() << " runs has finished: nothing to submit\n"
              << "gather: bash " << shell_quote(gather) << "\n";
    return 0;
  }
  const std::string script = o.out_dir + "/slurm.sbatch";
  write_script(script, slurm_script(plan, o, todo, slurm));
  std::cout << "wrote " << script << ": " << todo.size() << " array task" << (todo.size() == 1 ? "" : "s") << " ("
            << plan.runs.size() - todo.size() << " of " << plan.runs.size() << " runs finished already)\n"
            << "submit: sbatch " << shell_quote(script) << "\n"
            << "gather: bash " << shell_quote(gather) << "   (after the array ends)\n";
  return 0;
}

}  // namespace saccade
