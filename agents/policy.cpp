#include "agents/policy.hpp"

#include <stdexcept>

namespace saccade {

Policy::Scored Policy::log_prob(const PolicyContext&, const Decision&) const {
  throw std::logic_error("policy \"" + name() + "\" does not learn: it has no log-probability to recompute");
}

}  // namespace saccade
