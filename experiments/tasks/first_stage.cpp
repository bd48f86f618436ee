#include "experiments/tasks/first_stage.hpp"

#include <cstdio>
#include <filesystem>

#include "experiments/config/resolve.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/tasks/run_options.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

// The first stage's config: its own file, with the run's seed and OUT/pretrain as its output.
Config stage_config(const Config& run) {
  const std::string file = run.get<std::string>("reader.pretrain");
  std::vector<std::string> overrides = {"seed=" + std::to_string(run.get<int>("seed")),
                                        "out=" + run.get<std::string>("out") + "/pretrain"};
  try {
    return load_run_config(file, overrides);
  } catch (const std::exception& e) {
    run.fail("reader.pretrain", std::string("the first stage's config does not load: ") + e.what());
  }
}

}  // namespace

void check_first_stage(const Config& cfg) {
  const std::string file = cfg.get_or<std::string>("reader.pretrain", "");
  if (file.empty()) return;
  if (!std::filesystem::is_regular_file(file)) cfg.fail("reader.pretrain", "no config file " + file);
  if (!cfg.get_or<std::string>("reader.init", "").empty())
    cfg.fail("reader.pretrain", "reader.init is set too: the first stage's reader is where every reader starts; unset one");
  const Config stage = stage_config(cfg);
  if (!stage.get_or<std::string>("reader.pretrain", "").empty())
    cfg.fail("reader.pretrain", file + " has a first stage of its own: one stage deep only");
  check_task_config(stage);
}

Config with_first_stage(const Config& resolved, bool resume) {
  if (resolved.get_or<std::string>("reader.pretrain", "").empty()) return resolved;
  const Config stage = stage_config(resolved);
  const std::string out = stage.get<std::string>("out");
  const std::vector<std::string> policies = policy_names_from_config(stage);
  if (policies.empty()) resolved.fail("reader.pretrain", "the first stage scores no policy, so it trains no reader");
  if (!resume || !finished_run(out)) {  // a fresh run trains its first stage afresh too
    std::fprintf(stderr, "first stage: %s in %s\n", resolved.get<std::string>("reader.pretrain").c_str(), out.c_str());
    if (const int status = run_task(stage, resume && std::filesystem::exists(out + "/resolved.yaml")); status != 0)
      throw std::runtime_error("the first stage (" + out + ") failed with status " + std::to_string(status));
  }
  Config next = resolved;
  next.set("reader.init", ConfigNode::scalar(out + "/checkpoints/" + policies.front() + ".npz",
                                             Origin::label("the first stage (reader.pretrain)")));
  return next;
}

}  // namespace saccade
