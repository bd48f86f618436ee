#include "experiments/tasks/tasks.hpp"

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/checkpoint.hpp"
#include "core/gemm.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/tables/choose.hpp"
#include "experiments/tasks/first_stage.hpp"
#include "experiments/tasks/train_stages.hpp"

namespace saccade {

namespace {

struct Task {
  std::string_view env_type;
  TaskPlanner plan;
  TaskCheck check;
  TaskKind kind;
};

EnvKind text_kind(const Config&) { return kChunks; }
EnvKind dialogue_kind(const Config&) { return kTurns; }

// One row per task.
const std::vector<Task>& tasks() {
  static const std::vector<Task> table = {
      {"image", plan_image_task, check_image_task, image_env_kind},
      {"text", plan_text_task, check_text_task, text_kind},
      {"dialogue", plan_dialogue_task, check_dialogue_task, dialogue_kind},
  };
  return table;
}

const Task* find_task(std::string_view env_type) {
  for (const auto& t : tasks())
    if (t.env_type == env_type) return &t;
  return nullptr;
}

}  // namespace

TaskPlan plan_task(const Config& resolved) {
  const std::string type = resolved.get<std::string>("env.type");
  const Task* t = find_task(type);
  if (!t) resolved.fail("env.type", "no task runs env.type=" + type);
  set_blas_threads(resolved.get<int>("train.threads"));  // before any task loads or computes
  return t->plan(resolved);
}

int run_task(const Config& resolved, bool resume) {
  // What ran, every key spelled out: `saccade run OUT/resolved.yaml` runs it again, a sweep resumes
  // from it, and the Python module rebuilds a trained policy's setup from it (saccade.load). Written
  // once the data has loaded (bad data leaves nothing behind), or before a first stage, which takes a
  // while and must be resumable.
  const std::string out = resolved.get<std::string>("out");
  const auto write_resolved = [&] {
    std::filesystem::create_directories(out);
    write_file_atomic(out + "/resolved.yaml", resolved.to_yaml(), "run_task");
  };
  const bool staged = !resolved.get_or<std::string>("reader.pretrain", "").empty();
  if (staged) write_resolved();
  TaskPlan plan = plan_task(with_first_stage(resolved, resume));  // reader.pretrain: experiments/tasks/first_stage.hpp
  if (!staged) write_resolved();
  plan.options.resume = resume;
  return run_policies(plan.policies, plan.setup, plan.options);
}

Config run_dir_config(const std::string& dir, const std::string& file) {
  Config config = Config::load(dir + "/" + file);
  reject_sweep_section(config);
  config.set("out", ConfigNode::scalar(dir, Origin::label("run directory " + dir)));
  return resolve(config);
}

void check_task_config(const Config& resolved) {
  check_first_stage(resolved);
  if (const auto init = resolved.get_or<std::string>("reader.init", ""); !init.empty()) {
    if (!std::filesystem::is_regular_file(init)) resolved.fail("reader.init", "no checkpoint file " + init);
    // The splits depend on the seed: a reader trained under another seed has seen this run's test items.
    const auto extra = checkpoint_extras(init);
    const auto seed = static_cast<std::uint64_t>(resolved.get<int>("seed"));
    if (auto it = extra.find("seed"); it != extra.end() && static_cast<std::uint64_t>(it->second) != seed) {
      resolved.fail("reader.init", init + " was trained with seed " + std::to_string(static_cast<std::uint64_t>(it->second)) +
                                       ", this run has seed " + std::to_string(seed) +
                                       "; the data split depends on the seed, so that reader has seen some of this "
                                       "run's test examples: train it with the same seed");
    }
  }
  if (resolved.get<std::string>("train.schedule") == "warmup" && resolved.get<int>("train.warmup_epochs") == 0)
    resolved.fail("train.schedule", "warmup rises over train.warmup_epochs, which is 0: set it to 1 or more (or use constant)");
  const std::string type = resolved.get<std::string>("env.type");
  if (const Task* t = find_task(type)) {
    check_rows(resolved, t->kind(resolved));
    check_stages(resolved, t->kind(resolved));
    return t->check(resolved);
  }
  std::string existing;
  for (const auto& t : tasks()) existing += (existing.empty() ? "" : ", ") + std::string(t.env_type);
  resolved.fail("env.type", "no task runs env.type=" + type + " yet (tasks: " + existing + ")");
}

}  // namespace saccade
