#include "agents/safe_update.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/autograd.hpp"

namespace saccade {

namespace {

std::string non_finite_name(float v) { return std::isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf"; }

// " (the first NaN or Inf came from op X)", or "" when the tape recorded none; the tape is cleared,
// since no backward will run over it.
std::string drop_tape_naming_first_non_finite() {
  const char* op = Tape::current().first_non_finite();
  const std::string where = op ? std::string(" (the first NaN or Inf came from op ") + op + ")" : "";
  Tape::current().clear();
  return where;
}

// " (first in NAME)": the first parameter whose gradient holds a NaN or Inf.
std::string first_non_finite_gradient(const NamedParameters& params) {
  for (const auto& [name, p] : params) {
    if (!p.has_grad()) continue;
    for (float g : p.node()->grad)
      if (!std::isfinite(g)) return " (first in " + name + ")";
  }
  return "";
}

}  // namespace

void SafeUpdate::begin() {
  optimizer_.zero_grad();
  ++steps_;
}

TrainStats SafeUpdate::skip_rollout(const NonFiniteAction& e) {
  TrainStats nan;
  nan.loss = std::numeric_limits<float>::quiet_NaN();
  return skip(nan, e.what() + drop_tape_naming_first_non_finite());
}

bool SafeUpdate::apply(const Var& loss, TrainStats& s) {
  s.loss = loss.item();
  if (!std::isfinite(s.loss)) {
    s = skip(s, "the loss is " + non_finite_name(s.loss) + drop_tape_naming_first_non_finite());
    return false;
  }
  backward(loss);
  s.grad_norm = clip_grad_norm(optimizer_.named_parameters(), max_grad_norm_);
  if (!std::isfinite(s.grad_norm)) {
    s = skip(s, "the gradient norm is " + non_finite_name(s.grad_norm) + first_non_finite_gradient(optimizer_.named_parameters()));
    return false;
  }
  optimizer_.step();
  nonfinite_run_ = 0;
  return true;
}

TrainStats SafeUpdate::skip(TrainStats s, const std::string& what) {
  s.skipped = true;
  ++nonfinite_run_;
  const double lr = optimizer_.lr();
  if (nonfinite_run_ >= limit_) {
    throw NonFiniteError("step " + std::to_string(steps_) + ": " + what + "; " + std::to_string(nonfinite_run_) +
                         " updates in a row were skipped (train.nonfinite_limit), the learning rate halved each time to " +
                         std::to_string(lr));
  }
  std::fprintf(stderr, "step %zu: %s: update skipped, learning rate halved to %g\n", steps_, what.c_str(), lr * 0.5);
  optimizer_.set_lr(lr * 0.5);
  return s;
}

// Counters ride in float64: exact below 2^53, far beyond any step count.
void SafeUpdate::save(TrainerState& state, const std::string& prefix) const {
  state[prefix + "lr"] = optimizer_.lr();
  state[prefix + "steps"] = static_cast<double>(steps_);
  state[prefix + "nonfinite_run"] = static_cast<double>(nonfinite_run_);
}

void SafeUpdate::restore(const TrainerState& state, const std::string& prefix) {
  optimizer_.set_lr(state_value(state, prefix + "lr"));
  steps_ = static_cast<std::size_t>(state_value(state, prefix + "steps"));
  nonfinite_run_ = static_cast<std::size_t>(state_value(state, prefix + "nonfinite_run"));
}

double state_value(const TrainerState& state, const std::string& key) {
  const auto it = state.find(key);
  if (it == state.end()) throw std::runtime_error("missing key 'extra/" + key + "' (not this trainer's checkpoint)");
  return it->second;
}

}  // namespace saccade
