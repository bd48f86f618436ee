#include "core/interrupt.hpp"

#include <atomic>

namespace saccade {

namespace {
std::atomic<InterruptCheck> installed{nullptr};
}

void set_interrupt_check(InterruptCheck check) { installed.store(check); }

void check_interrupt() {
  if (const InterruptCheck check = installed.load(); check && check()) throw Interrupted();
}

}  // namespace saccade
