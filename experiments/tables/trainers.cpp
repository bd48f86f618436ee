// The table of learners: `train.algorithm` is an enum over these names. A row: the name, its own
// config keys, and a factory that reads them (and the keys every learner shares: train.lr,
// train.weight_decay, train.max_grad_norm, train.nonfinite_limit, policy.reward, policy.region_cost,
// policy.target_regions, policy.lagrange_lr) and returns what builds the trainer for each policy's run.
// Adding one: docs/extending.md, "A learner".
#include "agents/imitation.hpp"
#include "agents/reinforce.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

using T = KeyType;

TrainerFactory make_reinforce(const Config& cfg) {
  ReinforceOptions o;
  o.lr = cfg.get<double>("train.lr");
  o.weight_decay = cfg.get<double>("train.weight_decay");
  o.max_grad_norm = static_cast<float>(cfg.get<double>("train.max_grad_norm"));
  o.nonfinite_limit = static_cast<std::size_t>(cfg.get<int>("train.nonfinite_limit"));
  o.reward = cfg.get<std::string>("policy.reward");
  o.region_cost = static_cast<float>(cfg.get<double>("policy.region_cost"));
  o.target_regions = static_cast<float>(cfg.get<double>("policy.target_regions"));
  o.lagrange_lr = static_cast<float>(cfg.get<double>("policy.lagrange_lr"));
  o.baseline = cfg.get<std::string>("policy.baseline");
  o.entropy_bonus = static_cast<float>(cfg.get<double>("policy.entropy"));
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
  o.lr = cfg.get<double>("train.lr");
  o.weight_decay = cfg.get<double>("train.weight_decay");
  o.max_grad_norm = static_cast<float>(cfg.get<double>("train.max_grad_norm"));
  o.nonfinite_limit = static_cast<std::size_t>(cfg.get<int>("train.nonfinite_limit"));
  return [o](const TrainerInputs& in) -> std::unique_ptr<Trainer> {
    if (!in.learner) throw std::invalid_argument("imitation: no learned policy to learn from " + in.policy.name() + "'s choices");
    ImitationOptions stage = o;
    stage.parts = in.parts;
    return std::make_unique<ImitationTrainer>(in.env, in.reader, in.policy, *in.learner, stage);
  };
}

}  // namespace

const std::vector<TrainerRow>& trainer_table() {
  static const std::vector<TrainerRow> table = {
      {"reinforce", "REINFORCE with a baseline and RAM's hybrid loss (agents/reinforce.hpp)",
       {key("policy.baseline", T::Enum, "learned", "REINFORCE baseline: learned from the reader's state, the greedy policy's reward, or none.")
            .one_of({"learned", "self_critical", "none"}),
        key("policy.entropy", T::Float, "0", "REINFORCE: entropy bonus weight.").at_least(0),
        key("policy.normalize_advantage", T::Bool, "false", "REINFORCE: normalise advantages over each batch.")},
       make_reinforce},
      {"imitation", "behaviour cloning of the fixed policy acting in a stage of train.stages: a warm start (agents/imitation.hpp)",
       {}, make_imitation, /*imitates=*/true},
  };
  return table;
}

}  // namespace saccade
