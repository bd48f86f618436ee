// Training the reader and the controller together: RAM's hybrid loss.
//
//   reader      cross-entropy of its prediction                          (supervised)
//   controller  REINFORCE: -sum_t log pi(a_t) * (R - b_t)                 (policy gradient)
//   baseline    (b_t - R)^2, b_t a linear function of the detached summary (learned; a learned
//               constant for policies that do not read the summary), or b = the
//               reward of the greedy policy on the same examples (self-critical), or none
//   reward      R = correct - cost * regions read
//
// With a target mean budget, the cost is a Lagrange multiplier: after each batch
// cost <- cost + lagrange_lr * (mean regions - target), so it rises while the policy reads too much
// and falls (below zero: a bonus per region) while it reads too little, until the mean meets the
// target.
// A fixed policy is trained with the cross-entropy alone.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "agents/episode.hpp"
#include "core/layers.hpp"
#include "core/optim.hpp"

namespace saccade {

struct ReinforceOptions {
  double lr = 1e-3;
  double weight_decay = 0.0;  // AdamW's decoupled weight decay (0: plain Adam)
  float max_grad_norm = 5.0f;
  // A NaN or Inf in the loss, a gradient or the policy's location (NonFiniteAction, agents/episode.hpp)
  // skips that update and halves the learning rate; this many
  // skipped updates in a row throw NonFiniteError, naming the step and the op (or the parameter).
  std::size_t nonfinite_limit = 5;
  std::string baseline = "learned";  // learned | self_critical | none
  float entropy_bonus = 0.0f;
  bool normalize_advantage = false;
  float region_cost = 0.0f;     // the cost per region read (the starting value with a target)
  float target_regions = 0.0f;  // > 0: adapt the cost until the mean regions read meets this
  float lagrange_lr = 0.01f;
  // What the policy is paid for an answer: "correct" (1 or 0, RAM's) or "probability" (the reader's
  // softmax probability of the right class: a denser signal while the reader is still weak, when
  // reading the right region raises the probability before it flips the argmax).
  std::string reward = "correct";
  // false: the policy's parameters are left as initialised (no policy loss, no baseline): the reader
  // trains under a frozen policy. Learning tests compare with it (a policy gradient must beat it).
  bool train_policy = true;
};

struct TrainStats {
  float loss = 0, reader_loss = 0, policy_loss = 0, baseline_loss = 0;
  float accuracy = 0, reward = 0, mean_regions = 0, cost = 0, grad_norm = 0;
  bool skipped = false;  // a NaN or Inf: no update was made (the loss may be non-finite)
};

// Training met a NaN or Inf in too many updates in a row (ReinforceOptions::nonfinite_limit).
struct NonFiniteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The REINFORCE surrogate: -(1/B) sum_t sum_b log pi(a_tb) * A_tb. Its gradient is the policy-gradient
// estimate (advantages are constants). Tested unbiased on a bandit in tests/cpp/agents.
Var policy_gradient_loss(const std::vector<Var>& log_probs, const std::vector<Array>& advantages, std::size_t batch);

// What a trainer carries from one update to the next besides its parameters and Adam's buffers:
// saved with every epoch's checkpoint so a resumed run trains on exactly as the original would.
struct TrainerState {
  double lr = 0.0;                 // halved by each skipped update
  float cost = 0.0f;               // the Lagrange multiplier's current value
  std::size_t steps = 0, nonfinite_run = 0;
};

class ReinforceTrainer {
 public:
  ReinforceTrainer(Env& env, Reader& reader, Policy& policy, const ReinforceOptions& options, Rng& init_rng);
  // One update on these examples of the env's split.
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng);
  float cost() const { return cost_; }
  // Everything this trainer updates, by name ("reader.*", "policy.*", "baseline.*"): for checkpoints.
  Module trainable() const;
  Optimizer& optimizer() { return *optimizer_; }
  TrainerState state() const { return {optimizer_->lr(), cost_, steps_, nonfinite_run_}; }
  void restore(const TrainerState& s);

 private:
  std::vector<float> answer_reward(const Episode& ep) const;
  // A NaN or Inf at this step: no update, the learning rate halved, NonFiniteError after too many.
  TrainStats skip_update(TrainStats s, const std::string& what);
  Env& env_;
  Reader& reader_;
  Policy& policy_;
  ReinforceOptions opt_;
  Linear baseline_;
  std::unique_ptr<Adam> optimizer_;
  float cost_;
  std::size_t steps_ = 0;          // train_batch calls: the step a NaN report names
  std::size_t nonfinite_run_ = 0;  // updates skipped in a row
};

}  // namespace saccade
