#include "experiments/run/stages.hpp"

#include <stdexcept>

#include "agents/safe_update.hpp"
#include "experiments/run/runner.hpp"

namespace saccade {

std::size_t reader_epochs(const std::vector<TrainStage>& stages) {
  std::size_t n = 0;
  for (const TrainStage& st : stages) n += st.parts.reader ? st.epochs : 0;
  return n;
}

std::size_t total_epochs(const std::vector<TrainStage>& stages) {
  std::size_t n = 0;
  for (const TrainStage& st : stages) n += st.epochs;
  return n;
}

std::size_t stage_end(const std::vector<TrainStage>& stages, std::size_t k) {
  std::size_t end = 0;
  for (std::size_t i = 0; i <= k && i < stages.size(); ++i) end += stages[i].epochs;
  return end;
}

std::size_t stage_of_epoch(const std::vector<TrainStage>& stages, std::size_t epoch) {
  for (std::size_t k = 0; k < stages.size(); ++k)
    if (epoch <= stage_end(stages, k)) return k;
  return stages.empty() ? 0 : stages.size() - 1;
}

std::string parts_text(const TrainParts& parts) {
  if (parts.reader && parts.policy) return "reader+policy";
  return parts.reader ? "reader" : parts.policy ? "policy" : "nothing";
}

std::vector<TrainStage> schedule_of(const RunOptions& o, const std::string& policy) {
  const bool staged = !o.stages.empty();
  if (policy == kAdaptive && staged) return o.stages;
  TrainStage one;
  one.acts = policy;
  one.epochs = staged ? reader_epochs(o.stages) : o.epochs;
  one.make_trainer = o.make_trainer;
  one.policy_lr = o.policy_lr;
  return {one};
}

std::unique_ptr<StageTrainer> make_stage_trainer(PolicySetup& s, const RunOptions& o, const std::vector<TrainStage>& stages,
                                                 std::size_t k) {
  const TrainStage& stage = stages[k];
  // The run's own policy acts unless the stage names a fixed one to read in its place.
  std::unique_ptr<Policy> actor;
  if (stage.acts != s.name) {
    if (!o.make_fixed) throw std::logic_error("stage " + std::to_string(k + 1) + ": no way to build the fixed policy " + stage.acts);
    actor = o.make_fixed(stage.acts, s.train_env->spec(), s.budget);
  }
  Policy& acting = actor ? *actor : *s.policy;
  Policy* learner = actor && s.policy->learned() ? s.policy.get() : nullptr;
  Rng init = Rng::stream(o.seed, k == 0 ? std::string("baseline-init") : "baseline-init-stage-" + std::to_string(k + 1));
  std::unique_ptr<Trainer> inner =
      stage.make_trainer({.env = *s.train_env, .reader = *s.reader, .policy = acting, .learner = learner, .parts = stage.parts, .init = init});
  // One place for every learner: whatever is not the reader's is the controller's (the learners name
  // their parameters "reader.*", "policy.*", "baseline.*", "critic.*").
  if (stage.policy_lr)
    inner->optimizer().set_group_lr([](const std::string& name) { return !name.starts_with("reader."); }, *stage.policy_lr);
  const std::optional<std::size_t> index = stages.size() > 1 ? std::optional<std::size_t>(k) : std::nullopt;
  return std::make_unique<StageTrainer>(std::move(actor), std::move(inner), *s.policy, index);
}

Module StageTrainer::trainable() const {
  Module m = inner_->trainable();
  bool has_policy = false;
  for (const auto& [name, p] : m.named_parameters()) has_policy = has_policy || name.starts_with("policy.");
  if (own_.learned() && !has_policy) m.register_module("policy", own_);
  return m;
}

TrainerState StageTrainer::state() const {
  TrainerState s = inner_->state();
  if (stage_ && !s.emplace("stage", static_cast<double>(*stage_)).second)
    throw std::logic_error("the trainer's state key 'stage' collides with the stage's own");
  return s;
}

void StageTrainer::restore(const TrainerState& s) {
  if (stage_) {
    const auto saved = static_cast<std::size_t>(state_value(s, "stage"));
    if (saved != *stage_)
      throw std::runtime_error("the checkpoint was written in stage " + std::to_string(saved + 1) + ", not stage " +
                               std::to_string(*stage_ + 1) + ": it is another schedule's");
  }
  inner_->restore(s);
}

}  // namespace saccade
