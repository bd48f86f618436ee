#include "agents/imitation.hpp"

#include <stdexcept>

#include "agents/episode.hpp"
#include "core/ops.hpp"

namespace saccade {

namespace {

// A choice the learned policy could not have made scores about -1e9 (masked logits); anything it can
// make scores far above this.
constexpr float kImpossible = -1e4f;

// The teacher, acting, seen through a recorder: each step's context (a copy of the observation, the
// reader's detached summary if the learner reads one) and the teacher's action, for the learner to
// score after the episode. The reader computes the summary only when the learner needs it.
class TeacherRecorder : public Policy {
 public:
  struct Step {
    Observation obs;
    Var summary;
    std::vector<std::uint8_t> going;  // [B] 1 where the example had not finished before this step
  };

  TeacherRecorder(Policy& teacher, const Policy& learner) : teacher_(teacher), learner_(learner) {}
  std::string name() const override { return teacher_.name(); }
  bool needs_summary() const override { return learner_.needs_summary(); }
  bool needs_prediction() const override { return teacher_.needs_prediction(); }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override { teacher_.begin(ctx, rng, greedy); }
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override {
    Decision d = teacher_.act(ctx, rng, greedy);
    const std::size_t B = ctx.obs.steps_left.size();
    Step s{ctx.obs, ctx.summary.defined() ? ctx.summary.detach() : Var(), std::vector<std::uint8_t>(B, 1)};
    // An example goes on after a step in which it read a region and kept some budget.
    if (ctx.step > 0)
      for (std::size_t b = 0; b < B; ++b) s.going[b] = ctx.obs.active[b] && ctx.obs.steps_left[b] > 0;
    steps.push_back(std::move(s));
    taken.push_back(d.action);
    return d;
  }
  double flops_per_episode(std::size_t decisions) const override { return teacher_.flops_per_episode(decisions); }

  std::vector<Step> steps;
  std::vector<Action> taken;

 private:
  Policy& teacher_;
  const Policy& learner_;
};

}  // namespace

ImitationTrainer::ImitationTrainer(Env& env, Reader& reader, Policy& teacher, Policy& learner, const ImitationOptions& o)
    : env_(env), reader_(reader), teacher_(teacher), learner_(learner), opt_(o) {
  if (!learner.learned()) throw std::invalid_argument("imitation: the policy that learns (" + learner.name() + ") does not learn");
  if (teacher.learned()) throw std::invalid_argument("imitation: the teacher must be a fixed policy, got the learned " + teacher.name());
  NamedParameters params;
  if (o.parts.reader)
    for (const auto& [n, p] : reader.named_parameters()) params.emplace_back("reader." + n, p);
  if (o.parts.policy)
    for (const auto& [n, p] : learner.named_parameters()) params.emplace_back("policy." + n, p);
  optimizer_ = std::make_unique<Adam>(params, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay, .decoupled_weight_decay = true});
  update_ = std::make_unique<SafeUpdate>(*optimizer_, o.max_grad_norm, o.nonfinite_limit);
}

Module ImitationTrainer::trainable() const {
  Module m;
  m.register_module("reader", reader_);
  m.register_module("policy", learner_);
  return m;
}

TrainerState ImitationTrainer::state() const {
  TrainerState s;
  update_->save(s);
  return s;
}

void ImitationTrainer::restore(const TrainerState& s) { update_->restore(s); }

TrainStats ImitationTrainer::train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  update_->begin();
  TeacherRecorder recorder(teacher_, learner_);
  const Episode ep = run_episode(env_, reader_, recorder, examples, seed, rng, /*greedy=*/false, {.dropout = opt_.parts.reader});

  TrainStats s;
  const Var reader_loss = cross_entropy(ep.reader_logits, ep.labels);
  s.reader_loss = reader_loss.item();
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  for (std::size_t b = 0; b < B; ++b) {
    s.accuracy += correct[b] / static_cast<float>(B);
    s.mean_regions += static_cast<float>(ep.regions_read[b]) / static_cast<float>(B);
  }
  Var loss = opt_.parts.reader ? reader_loss : Var();

  if (opt_.parts.policy) {
    // The learner's log-probability of each teacher choice, at the context the episode had then.
    Var log_likelihood;
    for (std::size_t t = 0; t < recorder.steps.size(); ++t) {
      const TeacherRecorder::Step& step = recorder.steps[t];
      const PolicyContext ctx{env_.spec(), step.obs, step.summary, t};
      const Policy::Scored scored = learner_.log_prob(ctx, learner_.decision_from(ctx, recorder.taken));
      if (!scored.log_prob.defined()) continue;  // the learner decides nothing at this step (a one-shot plan's later steps)
      Array mask = Array::from_shape({B});
      for (std::size_t b = 0; b < B; ++b) mask(b) = step.going[b] && scored.log_prob.value()(b) > kImpossible ? 1.0f : 0.0f;
      const Var term = sum(scored.log_prob * Var(mask));
      log_likelihood = log_likelihood.defined() ? log_likelihood + term : term;
    }
    if (log_likelihood.defined()) {
      const Var policy_loss = log_likelihood * (-1.0f / static_cast<float>(B));
      s.policy_loss = policy_loss.item();
      loss = loss.defined() ? loss + policy_loss : policy_loss;
    }
  }
  if (!loss.defined()) {  // nothing to learn from in this batch
    s.loss = s.reader_loss;
    return s;
  }
  update_->apply(loss, s);
  return s;
}

}  // namespace saccade
