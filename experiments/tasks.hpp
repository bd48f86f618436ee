// Which code runs an experiment, by `env.type`. The table is in tasks.cpp and is explicit (no
// self-registering statics): objects in a static library that nothing references are dropped by
// the linker, and their registrations with them.
#pragma once

#include <string_view>

#include "experiments/config.hpp"

namespace saccade {

// Runs the whole experiment a resolved config describes; returns the process exit status.
using TaskRunner = int (*)(const Config& resolved);

int run_image_task(const Config& resolved);  // experiments/image_task.cpp

// The runner for an env type, or nullptr while none exists yet.
TaskRunner find_task_runner(std::string_view env_type);

}  // namespace saccade
