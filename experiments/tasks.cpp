#include "experiments/tasks.hpp"

#include <filesystem>
#include <string_view>
#include <vector>

namespace saccade {

namespace {

struct Task {
  std::string_view env_type;
  TaskRunner run;
  TaskCheck check;
};

// One row per task.
const std::vector<Task>& tasks() {
  static const std::vector<Task> table = {
      {"image", run_image_task, check_image_task},
      {"text", run_text_task, check_text_task},
  };
  return table;
}

const Task* find_task(std::string_view env_type) {
  for (const auto& t : tasks())
    if (t.env_type == env_type) return &t;
  return nullptr;
}

}  // namespace

TaskRunner find_task_runner(std::string_view env_type) {
  const Task* t = find_task(env_type);
  return t ? t->run : nullptr;
}

void check_task_config(const Config& resolved) {
  if (const auto init = resolved.get_or<std::string>("reader.init", ""); !init.empty() && !std::filesystem::is_regular_file(init))
    resolved.fail("reader.init", "no checkpoint file " + init);
  const std::string type = resolved.get<std::string>("env.type");
  if (const Task* t = find_task(type)) return t->check(resolved);
  std::string existing;
  for (const auto& t : tasks()) existing += (existing.empty() ? "" : ", ") + std::string(t.env_type);
  resolved.fail("env.type", "no task runs env.type=" + type + " yet (tasks: " + existing + ")");
}

}  // namespace saccade
