// Imitation (behaviour cloning) of a fixed policy: a warm start for a learned policy (Saccader's
// pretrained location network; a stage of train.stages where a fixed policy acts, docs/concepts.md).
//
//   rollout   the teacher (a fixed policy) chooses the regions; the reader reads them
//   reader    cross-entropy of its prediction                        (if the reader trains)
//   policy    -(1/B) sum_t sum_b log pi(teacher's choice_tb | what example b had read by step t)
//                                                                    (if the policy trains)
//
// The learned policy scores the teacher's choices through Policy::log_prob(ctx, decision_from(ctx,
// teacher's actions)) (agents/policy.hpp), at the contexts the episode really had: the teacher's own
// reads, and the reader's summary of them when the learned policy reads one. Steps where an example
// had already finished, and choices the learned policy could not have made (it gives them about
// -1e9), are left out. There is no reward (stats.reward stays 0); stats.policy_loss is the policy's
// loss above, stats.accuracy the reader's on the teacher's regions.
#pragma once

#include <memory>

#include "agents/safe_update.hpp"
#include "agents/trainer.hpp"

namespace saccade {

struct ImitationOptions {
  double lr = 1e-3;
  double weight_decay = 0.0;  // AdamW's decoupled weight decay (0: plain Adam)
  float max_grad_norm = 5.0f;
  std::size_t nonfinite_limit = 5;
  TrainParts parts{};  // what trains: the reader on the teacher's regions, the learned policy, or both
};

class ImitationTrainer : public Trainer {
 public:
  // `teacher` acts; `learner` (a learned policy) learns from its choices. std::invalid_argument when the
  // learner does not learn or the teacher does.
  ImitationTrainer(Env& env, Reader& reader, Policy& teacher, Policy& learner, const ImitationOptions& options);
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) override;
  // The reader and the learner ("reader.*", "policy.*"), whichever trains.
  Module trainable() const override;
  Optimizer& optimizer() override { return *optimizer_; }
  TrainerState state() const override;
  void restore(const TrainerState& state) override;
  float cost() const override { return 0.0f; }

 private:
  Env& env_;
  Reader& reader_;
  Policy& teacher_;
  Policy& learner_;
  ImitationOptions opt_;
  std::unique_ptr<Adam> optimizer_;
  std::unique_ptr<SafeUpdate> update_;
};

}  // namespace saccade
