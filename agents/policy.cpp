#include "agents/policy.hpp"

#include <stdexcept>

namespace saccade {

Policy::Scored Policy::log_prob(const PolicyContext&, const Decision&) const {
  throw std::logic_error("policy \"" + name() + "\" does not learn: it has no log-probability to recompute");
}

Decision Policy::decision_from(const PolicyContext&, const std::vector<Action>&) const {
  throw std::logic_error("policy \"" + name() + "\" cannot take a teacher's decision as its own (Policy::decision_from)");
}

}  // namespace saccade
