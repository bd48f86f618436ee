// Training the reader and a policy by the reader's cross-entropy alone, through the policy's
// straight-through weights (differentiable patch selection, Cordonnier et al. 2021):
//
//   rollout   the policy picks its regions (a sample while training); each chosen region's embedding
//             is multiplied by its weight, 1 in value (EpisodeRecording::weights, Decision::weight)
//   loss      cross-entropy of the reader's prediction, one optimizer for reader and policy:
//             d loss / d reader as always; d loss / d policy through the weights' relaxation
//             (agents/differentiable_top_k.hpp)
//
// No reward, no baseline, no policy gradient: stats.reward stays 0 and stats.policy_loss 0. A part the
// stage does not train (TrainParts) is left out of the optimizer: a frozen policy's weights are not
// applied (the policy runs as a plain Gumbel top-k), a frozen reader's gradients are dropped. A
// fixed policy acting (a reference, a fixed policy's run, a stage where one acts) trains the reader
// alone. A learned policy that supplies no weights cannot be trained this way (std::invalid_argument;
// the config refuses it first, experiments/tasks/train_stages.cpp).
#pragma once

#include <memory>

#include "agents/safe_update.hpp"
#include "agents/trainer.hpp"

namespace saccade {

struct BackpropOptions {
  double lr = 1e-3;
  double weight_decay = 0.0;  // AdamW's decoupled weight decay (0: plain Adam)
  float max_grad_norm = 5.0f;
  std::size_t nonfinite_limit = 5;
  TrainParts parts{};
};

class BackpropTrainer : public Trainer {
 public:
  BackpropTrainer(Env& env, Reader& reader, Policy& policy, const BackpropOptions& options);
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) override;
  Module trainable() const override;
  Optimizer& optimizer() override { return *optimizer_; }
  TrainerState state() const override;
  void restore(const TrainerState& state) override;
  float cost() const override { return 0.0f; }

 private:
  bool trains_policy() const;
  Env& env_;
  Reader& reader_;
  Policy& policy_;
  BackpropOptions opt_;
  std::unique_ptr<Adam> optimizer_;
  std::unique_ptr<SafeUpdate> update_;
};

}  // namespace saccade
