// Which code runs an experiment, by `env.type`. The table is in tasks.cpp and is explicit (no
// self-registering statics): objects in a static library that nothing references are dropped by
// the linker, and their registrations with them.
//
// A task turns a resolved config into a plan: the runner's options, the policies to score, and a
// function that builds one policy's envs, reader and policy (owning the task's data, loaded once).
// `run_task` hands the plan to the runner; the Python module builds envs from the same plan.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/config/config.hpp"
#include "experiments/tasks/run_options.hpp"
#include "experiments/run/runner.hpp"
#include "experiments/tasks/policy_setup.hpp"

namespace saccade {

struct TaskPlan {
  RunOptions options;
  std::vector<std::string> policies;                          // `adaptive` first unless eval.adaptive=false
  std::function<PolicySetup(const std::string& policy)> setup;  // any name the task knows, not only those
};

// Loads the data and builds the plan a resolved config describes, once check_task_config has passed it.
using TaskPlanner = TaskPlan (*)(const Config& resolved);
// Checks what the schema cannot (combinations, dataset files) without loading data or building
// models: throws ConfigError pointing at the offending key. Runs before any work starts, after the
// names have been checked against the tables (experiments/tables/choose.hpp).
using TaskCheck = void (*)(const Config& resolved);
// Which kind of env the config's task makes (readers and policies fit kinds).
using TaskKind = EnvKind (*)(const Config& resolved);

TaskPlan plan_image_task(const Config& resolved);     // experiments/tasks/image_task.cpp
void check_image_task(const Config& resolved);        // experiments/tasks/image_task.cpp
EnvKind image_env_kind(const Config& resolved);       // experiments/tasks/image_task.cpp
TaskPlan plan_text_task(const Config& resolved);      // experiments/tasks/text_task.cpp
void check_text_task(const Config& resolved);         // experiments/tasks/text_task.cpp
TaskPlan plan_dialogue_task(const Config& resolved);  // experiments/tasks/dialogue_task.cpp
void check_dialogue_task(const Config& resolved);     // experiments/tasks/dialogue_task.cpp

// The task's checks for a resolved config; an env type with no task is an error too.
void check_task_config(const Config& resolved);
// The plan of a checked config (ConfigError for an env type with no task).
TaskPlan plan_task(const Config& resolved);
// Writes OUT/resolved.yaml (the config with every key), then trains and scores every policy of the
// plan (run_policies); returns the process exit status. `resume`: continue the interrupted run in OUT
// (`saccade run --resume OUT`, experiments/run/resume.hpp).
int run_task(const Config& resolved, bool resume = false);

// The config of the run living in `dir`, from DIR/`file` (its config.yaml, or the resolved.yaml a run
// writes), resolved with `out` set to `dir` wherever the run is started from. Not yet checked.
Config run_dir_config(const std::string& dir, const std::string& file);

// What every task's planner ends with, the same for all: the runner's options (env_name is the
// task's label for results.csv), the policies to score, and the setup that keeps the config and the
// task alive and builds each policy's envs, reader and policy from the tables
// (experiments/tasks/policy_setup.hpp).
inline TaskPlan plan_of(const std::string& env_name, std::shared_ptr<const Config> owned, std::shared_ptr<const TaskModels> task) {
  TaskPlan p;
  p.options = run_options_from_config(*owned);
  p.options.env_name = env_name;
  p.policies = policy_names_from_config(*owned);
  p.setup = [owned = std::move(owned), task = std::move(task)](const std::string& name) { return build_setup(*task, *owned, name); };
  return p;
}

}  // namespace saccade
