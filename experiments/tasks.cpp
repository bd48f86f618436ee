#include "experiments/tasks.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace saccade {

TaskRunner find_task_runner(std::string_view env_type) {
  // One row per task as it lands, e.g. {"image", run_image_task}.
  static const std::vector<std::pair<std::string_view, TaskRunner>> runners = {{"image", run_image_task}};
  for (const auto& [type, runner] : runners)
    if (type == env_type) return runner;
  return nullptr;
}

}  // namespace saccade
