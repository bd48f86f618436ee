#include "agents/policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace saccade {

Policy::Scored Policy::log_prob(const PolicyContext&, const Decision&) const {
  throw std::logic_error("policy \"" + name() + "\" does not learn: it has no log-probability to recompute");
}

void require_known_policy(const std::string& kind, const std::string& name, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), name) != choices.end()) return;
  std::string all;
  for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
  throw std::invalid_argument("unknown " + kind + " \"" + name + "\" (choices: " + all + ")");
}

}  // namespace saccade
