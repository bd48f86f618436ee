// The table of learners: `train.algorithm` is an enum over these names. A row: the name, its own
// config keys, and a factory that reads them (and the keys every learner shares: train.lr,
// train.weight_decay, train.max_grad_norm, train.nonfinite_limit, policy.reward, policy.step_reward,
// policy.region_cost, policy.cost_per_length, policy.target_regions, policy.lagrange_lr, policy.gamma,
// policy.entropy, policy.normalize_advantage) and returns what builds the trainer for each policy's
// run. Adding one: docs/extending.md, "A learner".
#include "agents/actor_critic.hpp"
#include "agents/backprop.hpp"
#include "agents/imitation.hpp"
#include "agents/reinforce.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

using T = KeyType;

float get_float(const Config& cfg, const char* path) { return static_cast<float>(cfg.get<double>(path)); }

// The guarded update's options every learner's Options carries (agents/safe_update.hpp): the
// learning rate, weight decay, gradient clipping and the NaN/Inf limit.
template <class Options>
void read_update_options(const Config& cfg, Options& o) {
  o.lr = cfg.get<double>("train.lr");
  o.weight_decay = cfg.get<double>("train.weight_decay");
  o.max_grad_norm = get_float(cfg, "train.max_grad_norm");
  o.nonfinite_limit = static_cast<std::size_t>(cfg.get<int>("train.nonfinite_limit"));
}

RewardOptions reward_options(const Config& cfg) {
  RewardOptions r;
  r.answer = cfg.get<std::string>("policy.reward");
  r.step = cfg.get<std::string>("policy.step_reward");
  r.region_cost = get_float(cfg, "policy.region_cost");
  r.cost_per_length = cfg.get<bool>("policy.cost_per_length");
  r.target_regions = get_float(cfg, "policy.target_regions");
  r.lagrange_lr = get_float(cfg, "policy.lagrange_lr");
  return r;
}

TrainerFactory make_reinforce(const Config& cfg) {
  ReinforceOptions o;
  read_update_options(cfg, o);
  const RewardOptions r = reward_options(cfg);
  o.reward = r.answer;
  o.step_reward = r.step;
  o.region_cost = r.region_cost;
  o.cost_per_length = r.cost_per_length;
  o.target_regions = r.target_regions;
  o.lagrange_lr = r.lagrange_lr;
  o.gamma = get_float(cfg, "policy.gamma");
  o.baseline = cfg.get<std::string>("policy.baseline");
  o.entropy_bonus = get_float(cfg, "policy.entropy");
  o.normalize_advantage = cfg.get<bool>("policy.normalize_advantage");
  return [o](const TrainerInputs& in) {
    ReinforceOptions stage = o;  // what this stage trains (train.stages)
    stage.train_reader = in.parts.reader;
    stage.train_policy = in.parts.policy;
    return std::make_unique<ReinforceTrainer>(in.env, in.reader, in.policy, stage, in.init);
  };
}

// Imitation of the fixed policy acting in a stage (agents/imitation.hpp): it needs the learned policy
// beside it (TrainerInputs::learner), so the config allows it only there (experiments/tasks/train_stages.hpp).
TrainerFactory make_imitation(const Config& cfg) {
  ImitationOptions o;
  read_update_options(cfg, o);
  return [o](const TrainerInputs& in) -> std::unique_ptr<Trainer> {
    if (!in.learner) throw std::invalid_argument("imitation: no learned policy to learn from " + in.policy.name() + "'s choices");
    ImitationOptions stage = o;
    stage.parts = in.parts;
    return std::make_unique<ImitationTrainer>(in.env, in.reader, in.policy, *in.learner, stage);
  };
}

// The reader's cross-entropy alone, reaching the policy through its straight-through weights
// (agents/backprop.hpp); the config allows it only with a policy that supplies them.
TrainerFactory make_backprop(const Config& cfg) {
  BackpropOptions o;
  read_update_options(cfg, o);
  return [o](const TrainerInputs& in) {
    BackpropOptions stage = o;  // what this stage trains (train.stages)
    stage.parts = in.parts;
    return std::make_unique<BackpropTrainer>(in.env, in.reader, in.policy, stage);
  };
}

ActorCriticOptions actor_critic_options(const Config& cfg) {
  ActorCriticOptions o;
  read_update_options(cfg, o);
  o.reward = reward_options(cfg);
  o.gamma = get_float(cfg, "policy.gamma");
  o.gae_lambda = get_float(cfg, "policy.gae_lambda");
  o.value_coef = get_float(cfg, "policy.value_coef");
  o.entropy_bonus = get_float(cfg, "policy.entropy");
  o.normalize_advantage = cfg.get<bool>("policy.normalize_advantage");
  return o;
}

TrainerFactory actor_critic_factory(const ActorCriticOptions& o) {
  return [o](const TrainerInputs& in) {
    ActorCriticOptions stage = o;  // what this stage trains (train.stages)
    stage.train_reader = in.parts.reader;
    stage.train_policy = in.parts.policy;
    return std::make_unique<ActorCriticTrainer>(in.env, in.reader, in.policy, stage, in.init);
  };
}

TrainerFactory make_a2c(const Config& cfg) { return actor_critic_factory(actor_critic_options(cfg)); }

TrainerFactory make_ppo(const Config& cfg) {
  ActorCriticOptions o = actor_critic_options(cfg);
  o.epochs = static_cast<std::size_t>(cfg.get<int>("policy.ppo_epochs"));
  o.minibatches = static_cast<std::size_t>(cfg.get<int>("policy.minibatches"));
  o.clip = get_float(cfg, "policy.clip");
  return actor_critic_factory(o);
}

}  // namespace

const std::vector<TrainerRow>& trainer_table() {
  static const std::vector<TrainerRow> table = {
      {"reinforce", "REINFORCE with a baseline and RAM's hybrid loss (agents/reinforce.hpp)",
       {key("policy.baseline", T::Enum, "learned", "REINFORCE baseline: learned from the reader's state, the greedy policy's reward, or none.")
            .one_of({"learned", "self_critical", "none"})},
       make_reinforce},
      {"imitation", "behaviour cloning of the fixed policy acting in a stage of train.stages: a warm start (agents/imitation.hpp)",
       {}, make_imitation, /*imitates=*/true},
      {"a2c", "advantage actor-critic: a critic on the reader's detached state, GAE advantages, one update per batch (agents/actor_critic.hpp)",
       {key("policy.gae_lambda", T::Float, "0.95", "A2C and PPO: GAE's lambda (1: the return minus the critic's value; 0: the one-step TD error).").at_least(0).at_most(1),
        key("policy.value_coef", T::Float, "0.5", "A2C and PPO: weight of the critic's squared error in the policy's loss.").at_least(0)},
       make_a2c},
      {"ppo", "PPO: A2C's critic and advantages, several clipped-surrogate passes over each batch in minibatches (agents/actor_critic.hpp)",
       {key("policy.ppo_epochs", T::Int, "4", "PPO: passes over each batch's stored decisions.").at_least(1),
        key("policy.minibatches", T::Int, "4", "PPO: parts of each batch's examples per pass (one policy update each).").at_least(1),
        key("policy.clip", T::Float, "0.2", "PPO: the probability ratio's clip range eps (0: no clipping).").at_least(0)},
       make_ppo},
      {"backprop", "the reader's cross-entropy alone, reaching the policy through its straight-through weights: needs policy.type soft_topk (agents/backprop.hpp)",
       {}, make_backprop, /*imitates=*/false, /*needs_weights=*/true},
  };
  return table;
}

}  // namespace saccade
