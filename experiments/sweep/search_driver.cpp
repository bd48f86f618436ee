#include "experiments/sweep/search_driver.hpp"

#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/sweep/python_driver.hpp"
#include "experiments/sweep/search.hpp"
#include "experiments/sweep/script_quote.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/tasks/tasks.hpp"

namespace fs = std::filesystem;

namespace saccade {

namespace {

std::string number(double v) {
  std::ostringstream s;
  s << v;  // %g: 2, 0.5, 0.0003, 1e-05
  return s.str();
}

std::string describe(const SearchParam& p) {
  if (p.type == "choice") {
    std::string list;
    for (const auto& c : p.choices) list += (list.empty() ? "" : ", ") + c;
    return p.key + " in {" + list + "}";
  }
  return p.key + " in [" + number(p.low) + ", " + number(p.high) + "] (" + p.type + (p.log ? ", log scale)" : ")");
}

// A file a earlier invocation wrote must say what this one would write: else the study's trials were
// made under another search. A YAML file is compared as this saccade resolves it (a key added since
// takes its default, which reproduces what ran before).
void check_unchanged(const std::string& path, const std::string& now, const std::string& out) {
  if (!fs::exists(path)) return;
  std::string before = read_text_file(path, "search");
  if (before != now && path.ends_with(".yaml")) {
    try {
      before = resolve(Config::load(path)).to_yaml();
    } catch (const ConfigError&) {
    }
  }
  if (before != now)
    throw ConfigError(path + ": the search changed since its trials ran (this file would now be different): use another --out, "
                             "or delete " + out + " to start the search again");
}

// This search's own command line with --gather: what OUT/gather.sh runs after a Slurm array.
std::string gather_command(const SearchOptions& o, const std::string& out) {
  std::string command = shell_quote(o.executable) + " search " + shell_quote(fs::absolute(o.config_file).string());
  for (const auto& a : o.overrides) command += " " + shell_quote(a);
  return command + " --out " + shell_quote(out) + " --gather";
}

// What the Slurm writer (pybind/saccade/search_slurm.py, which checks the same) cannot write safely,
// refused before anything is written (experiments/sweep/script_quote.hpp).
void check_slurm_emit(const SearchOptions& o, const std::string& out) {
  for (const auto& directive : o.sbatch) sbatch_directive(directive);
  slurm_output_dir("--out", out);
  one_line("the saccade executable's path", o.executable);
  one_line("gather.sh's command (the search's config file and overrides)", gather_command(o, out));
}

}  // namespace

bool is_search_dir(const std::string& dir) { return fs::is_regular_file(dir + "/search.json"); }

int run_search(const SearchOptions& o) {
  Config config = Config::load(o.config_file);
  for (const auto& assignment : o.overrides) config.apply_override(assignment);
  reject_sweep_section(config);
  const SearchSpec spec = read_search(config);
  const Config base = search_base(config);
  const Config trial = trial_base(config, spec);
  check_task_config(base);
  check_task_config(trial);
  if (o.dry_run) {
    for (const auto& p : spec.params) std::cout << describe(p) << "\n";
    std::cout << spec.trials << " trials of " << spec.seeds.size() << " seed run" << (spec.seeds.size() == 1 ? "" : "s")
              << " each, sampler " << spec.sampler << ", pruner " << spec.pruner << ", maximising "
              << spec.metric_policy << "." << spec.metric_column << "; every config is valid\n";
    return 0;
  }
  // The driver, the workers and Slurm's tasks find everything at the same absolute paths.
  const std::string out = fs::absolute(o.out_dir).lexically_normal().string();
  // The study lives at the SQLAlchemy URL sqlite:///OUT/study.db, which ends its path at a '?'.
  if (out.find('?') != std::string::npos)
    throw ConfigError("--out '" + out + "' holds a '?', which would cut the study's database URL (sqlite:///OUT/study.db) short: choose a directory without one");
  if (o.emit) check_slurm_emit(o, out);
  const std::string json = search_json(spec), trial_yaml = trial.to_yaml();
  check_unchanged(out + "/search.json", json, out);
  check_unchanged(out + "/trial.yaml", trial_yaml, out);
  fs::create_directories(out + "/trials");
  write_file_atomic(out + "/search.json", json, "search");
  write_file_atomic(out + "/trial.yaml", trial_yaml, "search");
  write_file_atomic(out + "/config.yaml", base.to_yaml(), "search");  // best.yaml's base: may change freely

  std::vector<std::string> args = {"--dir", out, "--cli", o.executable, "--jobs", std::to_string(o.jobs)};
  if (o.gather) {
    args.push_back("--gather");
  } else if (o.emit) {
    args.insert(args.end(), {"--emit", *o.emit, "--gather-command", gather_command(o, out)});
    for (const auto& s : o.sbatch) args.insert(args.end(), {"--sbatch", s});
  } else if (o.backend == "dask") {
    if (!o.scheduler) throw ConfigError("search: --backend dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)");
    args.insert(args.end(), {"--scheduler", *o.scheduler});
  }
  exec_python_module(o.executable, "search", args, "python3-optuna (and python3-distributed for --backend dask)");
}

int report_search(const std::string& dir, const std::string& executable) {
  exec_python_module(executable, "search_report", {"--dir", dir, "--cli", executable}, "python3-optuna");
}

}  // namespace saccade
