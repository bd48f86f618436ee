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
#include "experiments/config.hpp"
#include "experiments/config_docs.hpp"
#include "experiments/report.hpp"
#include "experiments/resolve.hpp"
#include "experiments/sweep.hpp"
#include "experiments/sweep_jobs.hpp"
#include "experiments/tasks.hpp"
#include "experiments/version.hpp"

namespace {

constexpr int kUsageError = 2;

struct RunArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::optional<std::string> out;
  std::optional<std::string> resume;  // a run directory: its resolved.yaml is the config, out is itself
  bool print_config = false;
};

int run(const RunArgs& args) {
  if (args.config.empty() && !args.resume) {
    std::cerr << "run: give a config, or --resume DIR\nRun with --help for more information.\n";
    return kUsageError;
  }
  const std::string source = args.resume ? *args.resume + "/resolved.yaml" : args.config;
  if (args.resume && !std::filesystem::is_regular_file(source)) {
    std::cerr << "run: --resume " << *args.resume << ": no " << source
              << " (a run directory holds the resolved.yaml that `saccade run` writes before training)\n";
    return kUsageError;
  }
  saccade::Config config = saccade::Config::load(source);
  for (const auto& assignment : args.overrides) config.apply_override(assignment);
  saccade::reject_sweep_section(config);
  if (const auto out = args.resume ? args.resume : args.out) {
    const auto origin = saccade::Origin::label(std::string("command line: ") + (args.resume ? "--resume " : "--out ") + *out);
    config.set("out", saccade::ConfigNode::scalar(*out, origin));
  }
  const saccade::Config resolved = saccade::resolve(config);

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
};

int sweep(const SweepArgs& args) {
  saccade::Config config = saccade::Config::load(args.config);
  for (const auto& assignment : args.overrides) config.apply_override(assignment);
  const saccade::SweepPlan plan = saccade::expand_sweep(config, args.out);
  if (args.dry_run) {
    for (const auto& run : plan.runs) std::cout << args.out << "/" << run.name << "\n";
    std::cout << plan.runs.size() << " runs; every config is valid\n";
    return 0;
  }
  saccade::SweepOptions options;
  options.out_dir = args.out;
  options.jobs = args.jobs;
  options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
  options.sweep_file = args.config;
  return saccade::run_sweep(plan, options);
}

}  // namespace

int main(int argc, char** argv) {
  saccade::use_best_blas_kernels(argv);  // OpenBLAS may have fallen back to generic kernels: see the header
  CLI::App app{"saccade: learn where to spend attention under a compute budget"};
  app.set_version_flag("--version", std::string("saccade ") + saccade::kVersion);
  app.require_subcommand(1);
  app.footer("Run `saccade SUBCOMMAND --help` for a subcommand's options. Config keys: docs/CONFIG.md.");

  RunArgs run_args;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Validate a YAML experiment config (plus key=value overrides) and run it");
  CLI::Option* config_opt = run_cmd->add_option("config", run_args.config, "Experiment config (YAML)");
  CLI::Option* overrides_opt = run_cmd->add_option("overrides", run_args.overrides,
                                                   "key.path=value overrides, applied in order (e.g. train.epochs=3)");
  CLI::Option* out_opt = run_cmd->add_option("--out", run_args.out, "Output directory (same as out=DIR)");
  run_cmd->add_option("--resume", run_args.resume,
                      "Continue the interrupted run in DIR from its last epoch checkpoint, with DIR/resolved.yaml "
                      "(finished policies are kept; the metrics come out as an uninterrupted run's)")
      ->option_text("DIR")
      ->excludes(config_opt)
      ->excludes(overrides_opt)
      ->excludes(out_opt);
  run_cmd->add_flag("--print-config", run_args.print_config,
                    "Print the resolved config as YAML and exit without running");

  SweepArgs sweep_args;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Expand a config's `sweep:` section (grid, zip, seeds) into runs and run them; re-run to resume");
  sweep_cmd->add_option("config", sweep_args.config, "Sweep config (YAML with a sweep: section)")->required();
  sweep_cmd->add_option("overrides", sweep_args.overrides, "key.path=value overrides of the base config, e.g. train.epochs=1");
  sweep_cmd->add_option("--out", sweep_args.out, "Sweep directory: one subdirectory per run, manifest.json, results.csv")
      ->required();
  sweep_cmd->add_option("-j,--jobs", sweep_args.jobs, "Runs at once, each a separate process")
      ->default_val(1)
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_flag("--dry-run", sweep_args.dry_run, "Validate every run's config and list the runs, run nothing");

  saccade::ReportOptions report_args;
  bool no_plot = false;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Summarise DIR/results.csv: accuracy ± 95% CI per setting and policy; writes report.csv/.png/.html");
  report_cmd->add_option("dir", report_args.dir, "A run's or sweep's output directory (holds results.csv)")->required();
  report_cmd->add_flag("--no-plot", no_plot, "Skip report.png (no Python needed)");

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
    if (*report_cmd) {
      report_args.plot = !no_plot;
      return saccade::report_command(report_args, std::cout);
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
