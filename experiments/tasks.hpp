// Which code runs an experiment, by `env.type`. The table is in tasks.cpp and is explicit (no
// self-registering statics): objects in a static library that nothing references are dropped by
// the linker, and their registrations with them.
#pragma once

#include <string_view>

#include "experiments/config.hpp"

namespace saccade {

// Runs the whole experiment a resolved config describes, once check_task_config has passed it;
// returns the process exit status.
using TaskRunner = int (*)(const Config& resolved);
// Checks what the schema cannot (combinations, policy names, dataset files) without loading data or
// building models: throws ConfigError pointing at the offending key. Runs before any work starts.
using TaskCheck = void (*)(const Config& resolved);

int run_image_task(const Config& resolved);     // experiments/image_task.cpp
void check_image_task(const Config& resolved);  // experiments/image_task.cpp
int run_text_task(const Config& resolved);      // experiments/text_task.cpp
void check_text_task(const Config& resolved);   // experiments/text_task.cpp
int run_dialogue_task(const Config& resolved);      // experiments/dialogue_task.cpp
void check_dialogue_task(const Config& resolved);   // experiments/dialogue_task.cpp

// The runner for an env type, or nullptr while none exists yet.
TaskRunner find_task_runner(std::string_view env_type);
// The task's checks for a resolved config; an env type with no task yet is an error too.
void check_task_config(const Config& resolved);

}  // namespace saccade
