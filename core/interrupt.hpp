// A host's way to stop a long run between steps (the Python module turns Ctrl-C into
// KeyboardInterrupt this way): the runner calls check_interrupt() after every training batch and
// evaluation; it throws Interrupted if the installed check says so. The command line installs
// none (SIGINT ends the process, and every file is written whole or not at all).
#pragma once

#include <stdexcept>

namespace saccade {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// Returns true to stop. nullptr (the default): never.
using InterruptCheck = bool (*)();
void set_interrupt_check(InterruptCheck check);
// Throws Interrupted if the installed check returns true.
void check_interrupt();

}  // namespace saccade
