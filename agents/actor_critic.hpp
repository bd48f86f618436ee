// Actor-critic learners: A2C and PPO (Schulman et al. 2017), one class, two rows of the learners'
// table (experiments/tables/trainers.cpp):
//
//   rollout     one batch of episodes under the current policy (agents/episode.hpp), keeping what each
//               decision saw and took (EpisodeRecording::decisions) and, for dense rewards, the
//               reader's probability of the true class after every step
//   reader      cross-entropy of its prediction, one step per batch (its own optimizer)
//   critic      V_t, a linear function of the detached summary the decision saw (a learned constant
//               for policies that do not read it), fitted to the returns A_t + V_t by squared error
//   advantages  GAE(gamma, lambda) over each decision's rewards (agents/returns.hpp, agents/reward.hpp)
//   policy      `epochs` passes over the batch in `minibatches` random parts of its examples; each
//               re-scores its own examples' stored decisions (agents/minibatch.hpp) with the current
//               parameters (Policy::log_prob) and minimises
//                 -min(rho A, clip(rho, 1 - eps, 1 + eps) A) + value_coef (V - G)^2 - beta H,
//               rho = pi(a) / pi_old(a), averaged over the part's examples (its own optimizer)
//
// A2C is the case epochs = 1, minibatches = 1 and no clip (clip = 0): rho = 1 at the rollout's
// parameters and the surrogate's gradient is the policy gradient with the GAE advantage.
//
// The min's gradient without a min op: where the clipped term is the smaller one (A > 0 with
// rho > 1 + eps, or A < 0 with rho < 1 - eps) it is a constant and contributes nothing; elsewhere the
// term is rho A. So the surrogate is sum of rho * (A * unclipped), the mask taken from the values.
#pragma once

#include <memory>

#include "agents/episode.hpp"
#include "agents/reward.hpp"
#include "agents/safe_update.hpp"
#include "agents/trainer.hpp"
#include "core/layers.hpp"

namespace saccade {

struct ActorCriticOptions {
  double lr = 1e-3;
  double weight_decay = 0.0;
  float max_grad_norm = 5.0f;
  std::size_t nonfinite_limit = 5;
  RewardOptions reward;
  float gamma = 1.0f;
  float gae_lambda = 0.95f;
  std::size_t epochs = 1;       // passes over each batch's decisions
  std::size_t minibatches = 1;  // parts of the batch's examples per pass
  float clip = 0.0f;            // PPO's eps; 0: no clipping (A2C)
  float value_coef = 0.5f;
  float entropy_bonus = 0.0f;
  bool normalize_advantage = false;
  bool train_policy = true;  // false: the policy (and critic) stay as initialised, the reader trains
  bool train_reader = true;  // false: the reader stays as it is, the policy trains against it
};

// The clipped surrogate's per-entry weights: A where the unclipped term rho * A is the min, else 0
// (see the top of this file). clip = 0: A everywhere.
Array surrogate_weights(const Array& ratio, const Array& advantage, float clip);

class ActorCriticTrainer : public Trainer {
 public:
  ActorCriticTrainer(Env& env, Reader& reader, Policy& policy, const ActorCriticOptions& options, Rng& init_rng);
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) override;
  float cost() const override { return reward_.cost(); }
  Module trainable() const override;
  Optimizer& optimizer() override { return *both_; }
  TrainerState state() const override;
  void restore(const TrainerState& state) override;

 private:
  bool trains_policy() const { return policy_.learned() && opt_.train_policy; }
  // The critic's V, [batch], from the detached summary a decision saw (undefined: the policy reads
  // none, and V is a learned constant). A Var: the graph when gradients are on.
  Var value(const Var& summary, std::size_t batch) const;
  // The policy's passes over one rollout; their mean losses go into s.
  void update_policy(const Episode& ep, Rng& rng, TrainStats& s);
  Env& env_;
  Reader& reader_;
  Policy& policy_;
  ActorCriticOptions opt_;
  RegionReward reward_;
  Linear critic_;
  std::unique_ptr<Adam> reader_optimizer_, policy_optimizer_;
  std::unique_ptr<OptimizerSet> both_;
  std::unique_ptr<SafeUpdate> reader_update_, policy_update_;
};

}  // namespace saccade
