// The update every learner makes, guarded against NaN and Inf: zero the gradients, backward, clip the
// global norm, step the optimizer. A non-finite loss, gradient or glimpse location (NonFiniteAction,
// agents/episode.hpp) skips that update and halves the learning rate; `nonfinite_limit` skipped
// updates in a row throw NonFiniteError naming the step and the op (or the parameter) where the first
// NaN or Inf appeared.
#pragma once

#include <string>

#include "agents/episode.hpp"
#include "agents/trainer.hpp"

namespace saccade {

class SafeUpdate {
 public:
  SafeUpdate(Optimizer& optimizer, float max_grad_norm, std::size_t nonfinite_limit)
      : optimizer_(optimizer), max_grad_norm_(max_grad_norm), limit_(nonfinite_limit) {}
  // Before a batch: zeroes the gradients and counts the step (the step a NaN report names).
  void begin();
  // The rollout met a non-finite action: no loss to take, so the update is skipped like a NaN loss's.
  TrainStats skip_rollout(const NonFiniteAction& e);
  // Sets s.loss and s.grad_norm; then either updates (true) or skips (false, s.skipped).
  bool apply(const Var& loss, TrainStats& s);
  // lr, steps and nonfinite_run, into or out of a trainer's saved state, each name after `prefix` (a
  // learner with two guarded updates names the second's apart).
  void save(TrainerState& state, const std::string& prefix = "") const;
  void restore(const TrainerState& state, const std::string& prefix = "");

 private:
  TrainStats skip(TrainStats s, const std::string& what);
  Optimizer& optimizer_;
  float max_grad_norm_;
  std::size_t limit_;
  std::size_t steps_ = 0;          // begin() calls
  std::size_t nonfinite_run_ = 0;  // updates skipped in a row
};

// state[key], or std::runtime_error naming the key (for Trainer::restore).
double state_value(const TrainerState& state, const std::string& key);

}  // namespace saccade
