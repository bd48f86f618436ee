// The `saccade` command line: a thin shell over experiments/. Parsing arguments is CLI11's job;
// loading, validating and running configs belongs to the library, so Python gets the same behaviour.
//
// Exit status: 0 success, 2 for anything the user can fix by editing a config or the command line
// (bad arguments, missing file, YAML syntax, schema violations), else whatever the task returns.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "core/blas_kernels.hpp"
#include "experiments/config/config.hpp"
#include "experiments/config/config_docs.hpp"
#include "experiments/report/report.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/sweep/search.hpp"
#include "experiments/sweep/search_driver.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/sweep/script_quote.hpp"
#include "experiments/sweep/sweep_dask.hpp"
#include "experiments/sweep/sweep_jobs.hpp"
#include "experiments/sweep/sweep_slurm.hpp"
#include "experiments/sweep/sweep_trial.hpp"
#include "experiments/tasks/tasks.hpp"
#include "core/allocator.hpp"
#include "experiments/cli/version.hpp"
#include "experiments/tables/choose.hpp"

namespace {

constexpr int kUsageError = 2;

struct RunArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::optional<std::string> out;
  std::optional<std::string> resume;  // a run directory: its resolved.yaml is the config, out is itself
  std::optional<std::string> sweep;   // with trial: run N of a sweep made ready for Slurm or Dask
  std::optional<std::size_t> trial;
  bool print_config = false;
};

int run(const RunArgs& args) {
  if (args.sweep) {
    if (!args.trial) {
      std::cerr << "run: --sweep DIR needs --trial N\nRun with --help for more information.\n";
      return kUsageError;
    }
    return saccade::run_sweep_trial(*args.sweep, *args.trial);
  }
  if (args.config.empty() && !args.resume) {
    std::cerr << "run: give a config, or --resume DIR\nRun with --help for more information.\n";
    return kUsageError;
  }
  saccade::Config resolved;
  if (args.resume) {
    if (!std::filesystem::is_regular_file(*args.resume + "/resolved.yaml")) {
      std::cerr << "run: --resume " << *args.resume << ": no " << *args.resume
                << "/resolved.yaml (a run directory holds the resolved.yaml that `saccade run` writes before training)\n";
      return kUsageError;
    }
    resolved = saccade::run_dir_config(*args.resume, "resolved.yaml");
  } else {
    saccade::Config config = saccade::Config::load(args.config);
    for (const auto& assignment : args.overrides) config.apply_override(assignment);
    saccade::reject_sweep_section(config);
    saccade::reject_search_section(config, "run");
    if (args.out) {
      const auto origin = saccade::Origin::label("command line: --out " + *args.out);
      config.set("out", saccade::ConfigNode::scalar(*args.out, origin));
    }
    resolved = saccade::resolve(config);
  }

  if (args.print_config) {
    std::cout << resolved.to_yaml();
    return 0;
  }
  saccade::check_task_config(resolved);
  return saccade::run_task(resolved, /*resume=*/args.resume.has_value());
}

struct SweepArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
  std::size_t jobs = 1;
  bool dry_run = false;
  std::string backend = "local";
  std::optional<std::string> scheduler;
  std::optional<std::string> emit;
  std::vector<std::string> sbatch;
  bool gather = false;
};

// This sweep's own command line with --gather: what gathers its runs after they ran elsewhere.
std::vector<std::string> gather_args(const SweepArgs& args, const std::string& executable) {
  std::vector<std::string> a = {executable, "sweep", std::filesystem::absolute(args.config).string()};
  a.insert(a.end(), args.overrides.begin(), args.overrides.end());
  a.insert(a.end(), {"--out", std::filesystem::absolute(args.out).string(), "--gather"});
  return a;
}

int sweep(const SweepArgs& args) {
  saccade::Config config = saccade::Config::load(args.config);
  for (const auto& assignment : args.overrides) config.apply_override(assignment);
  saccade::reject_search_section(config, "sweep");
  // Runs started elsewhere (Slurm, Dask) find the sweep at the same absolute path, from any directory.
  const bool elsewhere = args.emit || args.backend == "dask";
  const std::string out = elsewhere ? std::filesystem::absolute(args.out).string() : args.out;
  const saccade::SweepPlan plan = saccade::expand_sweep(config, out);
  if (args.dry_run) {
    for (const auto& run : plan.runs) std::cout << out << "/" << run.name << "\n";
    std::cout << plan.runs.size() << " runs; every config is valid\n";
    return 0;
  }
  saccade::SweepOptions options;
  options.out_dir = out;
  options.jobs = args.jobs;
  options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
  options.sweep_file = elsewhere ? std::filesystem::absolute(args.config).string() : args.config;
  if (args.gather) return saccade::gather_sweep(plan, options);
  if (args.emit) {
    std::string command;
    for (const auto& a : gather_args(args, options.executable)) command += (command.empty() ? "" : " ") + saccade::shell_quote(a);
    return saccade::emit_slurm(plan, options, {.sbatch = args.sbatch, .gather_command = command});
  }
  if (args.backend == "dask") {
    if (!args.scheduler) {
      std::cerr << "sweep: --backend dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)\n";
      return kUsageError;
    }
    return saccade::run_sweep_on_dask(plan, options, *args.scheduler, gather_args(args, options.executable));
  }
  return saccade::run_sweep(plan, options);
}

// `saccade run`: its options, parsed into `args`.
CLI::App* add_run_command(CLI::App& app, RunArgs& args) {
  CLI::App* run_cmd =
      app.add_subcommand("run", "Validate a YAML experiment config (plus key=value overrides) and run it");
  CLI::Option* config_opt = run_cmd->add_option("config", args.config, "Experiment config (YAML)");
  CLI::Option* overrides_opt = run_cmd->add_option("overrides", args.overrides,
                                                   "key.path=value overrides, applied in order (e.g. train.epochs=3)");
  CLI::Option* out_opt = run_cmd->add_option("--out", args.out, "Output directory (same as out=DIR)");
  run_cmd->add_option("--resume", args.resume,
                      "Continue the interrupted run in DIR from its last epoch checkpoint, with DIR/resolved.yaml "
                      "(finished policies are kept; the metrics come out as an uninterrupted run's)")
      ->option_text("DIR")
      ->excludes(config_opt)
      ->excludes(overrides_opt)
      ->excludes(out_opt);
  CLI::Option* sweep_dir_opt =
      run_cmd->add_option("--sweep", args.sweep,
                          "With --trial N: run N of the sweep made ready in DIR by `saccade sweep --emit slurm` or "
                          "--backend dask (what each Slurm array task or Dask task runs); a finished run is left "
                          "as it is, an interrupted one resumes")
          ->option_text("DIR")
          ->excludes(config_opt)
          ->excludes(overrides_opt)
          ->excludes(out_opt);
  run_cmd->add_option("--trial", args.trial, "The run's index in DIR/manifest.json (with --sweep)")
      ->option_text("N")
      ->needs(sweep_dir_opt);
  run_cmd->add_flag("--print-config", args.print_config,
                    "Print the resolved config as YAML and exit without running");
  return run_cmd;
}

// `saccade sweep`: its options, parsed into `args`.
CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args) {
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Expand a config's `sweep:` section (grid, zip, seeds) into runs and run them; re-run to resume");
  sweep_cmd->add_option("config", args.config, "Sweep config (YAML with a sweep: section)")->required();
  sweep_cmd->add_option("overrides", args.overrides, "key.path=value overrides of the base config, e.g. train.epochs=1");
  sweep_cmd->add_option("--out", args.out, "Sweep directory: one subdirectory per run, manifest.json, results.csv")
      ->required();
  sweep_cmd->add_option("-j,--jobs", args.jobs, "Runs at once, each a separate process")
      ->default_val(1)
      ->check(CLI::PositiveNumber);
  CLI::Option* dry_run_opt =
      sweep_cmd->add_flag("--dry-run", args.dry_run, "Validate every run's config and list the runs, run nothing");
  CLI::Option* backend_opt =
      sweep_cmd->add_option("--backend", args.backend,
                            "local: runs as processes here (-j at once); dask: each run sent to the workers of the Dask "
                            "scheduler at --scheduler, OUT on a file system they share")
          ->check(CLI::IsMember({"local", "dask"}))
          ->default_val("local");
  sweep_cmd->add_option("--scheduler", args.scheduler, "The Dask scheduler's address (with --backend dask)")
      ->option_text("ADDRESS")
      ->needs(backend_opt);
  CLI::Option* emit_opt =
      sweep_cmd->add_option("--emit", args.emit,
                            "slurm: make OUT ready and write OUT/slurm.sbatch (a job array, one task per run not "
                            "finished) and OUT/gather.sh; run nothing")
          ->check(CLI::IsMember({"slurm"}))
          ->excludes(backend_opt)
          ->excludes(dry_run_opt);
  sweep_cmd->add_option("--sbatch", args.sbatch, "An #SBATCH directive for --emit slurm, KEY=VALUE (partition=cpu); one per --sbatch, repeat it for more")
      ->option_text("KEY=VALUE")
      ->needs(emit_opt);
  sweep_cmd->add_flag("--gather", args.gather,
                      "Gather runs that ran elsewhere (Slurm, Dask) into OUT/manifest.json and OUT/results.csv; run "
                      "nothing. Exit status 0 when every run has finished")
      ->excludes(emit_opt)
      ->excludes(backend_opt)
      ->excludes(dry_run_opt);
  return sweep_cmd;
}

// `saccade search`: its options, parsed into `args` (the same as `saccade sweep`'s where they mean the same).
CLI::App* add_search_command(CLI::App& app, saccade::SearchOptions& args) {
  CLI::App* cmd = app.add_subcommand(
      "search", "Tune the keys of a config's `search:` section with Optuna (TPE or random, median pruning): each trial is "
                "one real run per seed, validation only; re-run to resume. `saccade report OUT` shows the trials and "
                "writes OUT/best.yaml");
  cmd->add_option("config", args.config_file, "Search config (YAML with a search: section)")->required();
  cmd->add_option("overrides", args.overrides, "key.path=value overrides of the base config, e.g. train.epochs=3");
  cmd->add_option("--out", args.out_dir, "Search directory: study.db (the study), trials/ (a run per trial and seed), "
                                         "search.json, trial.yaml, config.yaml")
      ->required();
  cmd->add_option("-j,--jobs", args.jobs, "Trials at once, each its seeds' runs side by side (-j 2 with 2 seeds: 4 "
                                          "processes); with --emit slurm, the trials of one job array")
      ->default_val(1)
      ->check(CLI::PositiveNumber);
  CLI::Option* dry_run = cmd->add_flag("--dry-run", args.dry_run, "Check the search and its configs, list the parameters, run nothing");
  CLI::Option* backend = cmd->add_option("--backend", args.backend,
                                         "local: trials as processes here; dask: each seed run a task on the workers of the "
                                         "Dask scheduler at --scheduler, OUT on a file system they share (pruning works on both)")
                             ->check(CLI::IsMember({"local", "dask"}))
                             ->default_val("local");
  cmd->add_option("--scheduler", args.scheduler, "The Dask scheduler's address (with --backend dask)")->option_text("ADDRESS")->needs(backend);
  CLI::Option* emit = cmd->add_option("--emit", args.emit,
                                      "slurm: ask the next batch of trials (-j) and write OUT/slurm.sbatch (a job array, one "
                                      "task per seed run not finished) and OUT/gather.sh; run nothing. No pruning on Slurm")
                          ->check(CLI::IsMember({"slurm"}))
                          ->excludes(backend)
                          ->excludes(dry_run);
  cmd->add_option("--sbatch", args.sbatch, "An #SBATCH directive for --emit slurm, KEY=VALUE (partition=cpu); one per --sbatch, repeat it for more")
      ->option_text("KEY=VALUE")
      ->needs(emit);
  cmd->add_flag("--gather", args.gather,
                "Tell the study the results of trials that ran elsewhere (a Slurm array); run nothing. Exit status 0 "
                "when the search has all its trials")
      ->excludes(emit)
      ->excludes(backend)
      ->excludes(dry_run);
  return cmd;
}

struct ReportArgs {
  std::string dir;
  bool no_plot = false;
  std::vector<std::string> shared;  // --shared
  CLI::Option* shared_opt = nullptr;
  bool no_shared = false;
};

int report(const ReportArgs& args) {
  if (saccade::is_search_dir(args.dir))  // a search's trials and best configuration: another report
    return saccade::report_search(args.dir, std::filesystem::read_symlink("/proc/self/exe").string());
  saccade::ReportOptions options;
  options.dir = args.dir;
  options.plot = !args.no_plot;
  if (args.no_shared) options.shared.emplace();  // none, whatever the sweep file said
  if (args.shared_opt && args.shared_opt->count() > 0) {
    options.shared.emplace();
    for (const auto& k : args.shared)
      if (!k.empty()) options.shared->push_back(k);  // `--shared ''` shares nothing, as --no-shared
  }
  return saccade::report_command(options, std::cout);
}

// `saccade report`: its options, parsed into `args`.
CLI::App* add_report_command(CLI::App& app, ReportArgs& args) {
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Summarise DIR/results.csv: accuracy ± 95% CI per setting and policy, adaptive paired with each policy "
                "on each run's test scores; writes report.csv/.md/.png/.html. On a search's directory: its trials and "
                "best configuration; writes DIR/best.yaml and DIR/trials.csv");
  report_cmd->add_option("dir", args.dir, "A run's or sweep's output directory (holds results.csv), or a search's (holds search.json)")->required();
  report_cmd->add_flag("--no-plot", args.no_plot, "Skip report.png and the learning figures (no Python needed)");
  args.shared_opt =
      report_cmd
          ->add_option("--shared", args.shared,
                       "Swept columns that change only the learned policy (e.g. train.algorithm,eval.policies): "
                       "settings equal but for them take each other's fixed policies (competing for best fixed) and "
                       "each other's adaptive as a learned reference adaptive[KEY=VALUE]. Default: the sweep file's "
                       "sweep.shared (from DIR/manifest.json); none for a single run")
          ->option_text("KEY[,KEY...]")
          ->delimiter(',');
  report_cmd->add_flag("--no-shared", args.no_shared, "Share nothing, whatever the sweep file's sweep.shared says")
      ->excludes(args.shared_opt);
  return report_cmd;
}

}  // namespace

int main(int argc, char** argv) {
  saccade::use_best_blas_kernels(argv);  // OpenBLAS may have fallen back to generic kernels: see the header
  saccade::keep_freed_memory();          // no page zeroing at every step: core/allocator.hpp
  CLI::App app{"saccade: learn where to spend attention under a compute budget"};
  app.set_version_flag("--version", std::string("saccade ") + saccade::kVersion);
  app.require_subcommand(1);
  app.footer("Run `saccade SUBCOMMAND --help` for a subcommand's options. Config keys: docs/CONFIG.md.");

  RunArgs run_args;
  CLI::App* run_cmd = add_run_command(app, run_args);
  SweepArgs sweep_args;
  CLI::App* sweep_cmd = add_sweep_command(app, sweep_args);
  saccade::SearchOptions search_args;
  CLI::App* search_cmd = add_search_command(app, search_args);
  ReportArgs report_args;
  CLI::App* report_cmd = add_report_command(app, report_args);

  CLI::App* list_cmd = app.add_subcommand(
      "list", "List the readers, learned and fixed policies, references and learners a config may name, with the envs each fits");

  // For maintainers: regenerates the table in docs/CONFIG.md. Hidden (empty group) from --help.
  CLI::App* docs_cmd = app.add_subcommand("config-docs", "Print the config-key table for docs/CONFIG.md");
  docs_cmd->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);  // prints help/version (status 0) or the error
    return status == 0 ? 0 : kUsageError;
  }

  try {
    if (*run_cmd) return run(run_args);
    if (*sweep_cmd) return sweep(sweep_args);
    if (*search_cmd) {
      search_args.executable = std::filesystem::read_symlink("/proc/self/exe").string();
      return saccade::run_search(search_args);
    }
    if (*report_cmd) return report(report_args);
    if (*list_cmd) {
      std::cout << saccade::tables_text();
      return 0;
    }
    if (*docs_cmd) {
      std::cout << saccade::schema_markdown();
      return 0;
    }
  } catch (const saccade::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kUsageError;
  } catch (const std::exception& e) {  // a failure while running: results written so far stay
    std::cerr << "saccade: error: " << e.what() << "\n";
    return 1;
  }
  return kUsageError;
}
