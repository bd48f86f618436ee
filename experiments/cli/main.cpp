// The `saccade` command line: a thin shell over experiments/. Parsing arguments is CLI11's job;
// loading, validating and running configs belongs to the library, so Python gets the same behaviour.
//
// Exit status: 0 success, 2 for anything the user can fix by editing a config or the command line
// (bad arguments, missing file, YAML syntax, schema violations), else whatever the task returns.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "experiments/config.hpp"
#include "experiments/config_docs.hpp"
#include "experiments/resolve.hpp"
#include "experiments/tasks.hpp"
#include "experiments/version.hpp"

namespace {

constexpr int kUsageError = 2;

struct RunArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::optional<std::string> out;
  bool print_config = false;
};

int run(const RunArgs& args) {
  saccade::Config config = saccade::Config::load(args.config);
  for (const auto& assignment : args.overrides) config.apply_override(assignment);
  if (args.out) {
    const auto origin = saccade::Origin::label("command line: --out " + *args.out);
    config.set("out", saccade::ConfigNode::scalar(*args.out, origin));
  }
  const saccade::Config resolved = saccade::resolve(config);

  if (args.print_config) {
    std::cout << resolved.to_yaml();
    return 0;
  }
  const std::string env_type = resolved.get<std::string>("env.type");
  if (saccade::TaskRunner runner = saccade::find_task_runner(env_type)) return runner(resolved);

  std::cout << resolved.to_yaml();
  std::cerr << "saccade: no task runner exists yet for env.type=" << env_type
            << "; printed the resolved config instead\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"saccade: learn where to spend attention under a compute budget"};
  app.set_version_flag("--version", std::string("saccade ") + saccade::kVersion);
  app.require_subcommand(1);
  app.footer("Run `saccade SUBCOMMAND --help` for a subcommand's options. Config keys: docs/CONFIG.md.");

  RunArgs run_args;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Validate a YAML experiment config (plus key=value overrides) and run it");
  run_cmd->add_option("config", run_args.config, "Experiment config (YAML)")->required();
  run_cmd->add_option("overrides", run_args.overrides,
                      "key.path=value overrides, applied in order (e.g. train.epochs=3)");
  run_cmd->add_option("--out", run_args.out, "Output directory (same as out=DIR)");
  run_cmd->add_flag("--print-config", run_args.print_config,
                    "Print the resolved config as YAML and exit without running");

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
    if (*docs_cmd) {
      std::cout << saccade::schema_markdown();
      return 0;
    }
  } catch (const saccade::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kUsageError;
  }
  return kUsageError;
}
