// REINFORCE with a baseline, RAM's hybrid loss (Mnih et al. 2014):
//
//   reader      cross-entropy of its prediction                          (supervised)
//   controller  -sum_t log pi(a_t) * (R - b_t)                            (policy gradient)
//   baseline    (b_t - R)^2, b_t a linear function of the detached summary (learned; a learned
//               constant for policies that do not read the summary), or b = the reward of the greedy
//               policy on the same examples (self-critical), or none
//   reward      agents/reward.hpp: R = answer - cost * regions read (the cost a Lagrange multiplier
//               with a target budget)
//
// A fixed policy (or train_policy=false) is trained with the cross-entropy alone; train_reader=false
// leaves the reader out of the optimizer and the loss. The guarded update
// is agents/safe_update.hpp; the rollout agents/episode.hpp.
#pragma once

#include <memory>
#include <string>

#include "agents/episode.hpp"
#include "agents/reward.hpp"
#include "agents/safe_update.hpp"
#include "agents/trainer.hpp"
#include "core/layers.hpp"

namespace saccade {

struct ReinforceOptions {
  double lr = 1e-3;
  double weight_decay = 0.0;  // AdamW's decoupled weight decay (0: plain Adam)
  float max_grad_norm = 5.0f;
  std::size_t nonfinite_limit = 5;   // agents/safe_update.hpp
  std::string baseline = "learned";  // learned | self_critical | none
  float entropy_bonus = 0.0f;
  bool normalize_advantage = false;
  float region_cost = 0.0f;     // agents/reward.hpp: the cost per region read (the start with a target)
  float target_regions = 0.0f;  // > 0: adapt the cost until the mean regions read meets this
  float lagrange_lr = 0.01f;
  std::string reward = "correct";  // correct | probability | max | none (agents/reward.hpp)
  std::string step_reward = "none";  // none | gain | loss_drop: dense rewards per step
  bool cost_per_length = false;    // the region cost divided by the number of regions
  // Each decision is credited with the discounted rewards from it on (agents/returns.hpp). With no step
  // rewards and gamma = 1 every decision is credited with the whole episode's reward, RAM's rule.
  float gamma = 1.0f;
  // false: the policy's parameters are left as initialised (no policy loss, no baseline): the reader
  // trains under a frozen policy. Learning tests compare with it (a policy gradient must beat it).
  bool train_policy = true;
  // false: the reader's parameters are left as they are (no cross-entropy update): the policy trains
  // against a frozen reader (a stage of train.stages, GFNet's second stage).
  bool train_reader = true;
};

// The REINFORCE surrogate: -(1/B) sum_t sum_b log pi(a_tb) * A_tb. Its gradient is the policy-gradient
// estimate (advantages are constants). Tested unbiased on a bandit in tests/cpp/agents.
Var policy_gradient_loss(const std::vector<Var>& log_probs, const std::vector<Array>& advantages, std::size_t batch);

class ReinforceTrainer : public Trainer {
 public:
  ReinforceTrainer(Env& env, Reader& reader, Policy& policy, const ReinforceOptions& options, Rng& init_rng);
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) override;
  float cost() const override { return reward_.cost(); }
  Module trainable() const override;
  Optimizer& optimizer() override { return *optimizer_; }
  TrainerState state() const override;
  void restore(const TrainerState& state) override;

 private:
  bool trains_policy() const { return policy_.learned() && opt_.train_policy; }
  // b_t per decision step, [B] each, and the learned baseline's own loss (undefined for the others).
  struct Baselines {
    std::vector<Array> b;
    Var loss;
  };
  Baselines baselines(const Episode& ep, const std::vector<Array>& returns, const std::vector<std::size_t>& examples,
                      std::uint64_t seed, Rng& rng);
  // What each decision is credited with, [B] per decision.
  std::vector<Array> returns(const Episode& ep, const std::vector<float>& reward) const;
  // A_t = G_t - b_t over the decisions taken, optionally normalised.
  std::vector<Array> advantages(const Episode& ep, const std::vector<Array>& returns, const std::vector<Array>& base) const;
  Env& env_;
  Reader& reader_;
  Policy& policy_;
  ReinforceOptions opt_;
  RegionReward reward_;
  Linear baseline_;
  std::unique_ptr<Adam> optimizer_;
  std::unique_ptr<SafeUpdate> update_;
};

}  // namespace saccade
