#include "agents/policy.hpp"

#include <cmath>
#include <stdexcept>

namespace saccade {

std::vector<std::uint8_t> draw_stops(const Var& logit, bool threshold, Rng& rng) {
  const std::size_t B = logit.shape(0);
  std::vector<std::uint8_t> stop(B);
  for (std::size_t b = 0; b < B; ++b) {
    const float p = 1.0f / (1.0f + std::exp(-logit.value()(b)));
    stop[b] = (threshold ? p > 0.5f : rng.bernoulli(p)) ? 1 : 0;
  }
  return stop;
}

Policy::Scored Policy::log_prob(const PolicyContext&, const Decision&) const {
  throw std::logic_error("policy \"" + name() + "\" does not learn: it has no log-probability to recompute");
}

std::vector<Policy::Scored> Policy::log_prob_episode(const std::vector<PolicyContext>& steps,
                                                     const std::vector<Decision>& decisions) const {
  std::vector<Scored> out;
  for (std::size_t i = 0; i < steps.size(); ++i) out.push_back(log_prob(steps[i], decisions.at(i)));
  return out;
}

Decision Policy::decision_from(const PolicyContext&, const std::vector<Action>&) const {
  throw std::logic_error("policy \"" + name() + "\" cannot take a teacher's decision as its own (Policy::decision_from)");
}

}  // namespace saccade
