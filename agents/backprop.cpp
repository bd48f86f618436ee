#include "agents/backprop.hpp"

#include <stdexcept>

#include "agents/episode.hpp"
#include "core/ops.hpp"

namespace saccade {

BackpropTrainer::BackpropTrainer(Env& env, Reader& reader, Policy& policy, const BackpropOptions& o)
    : env_(env), reader_(reader), policy_(policy), opt_(o) {
  if (trains_policy() && !policy.supplies_weights())
    throw std::invalid_argument("backprop: the learned policy " + policy.name() +
                                " supplies no straight-through weights, so the reader's loss cannot reach it (use soft_topk, or a policy-gradient learner)");
  NamedParameters params;
  if (o.parts.reader)
    for (const auto& [n, p] : reader.named_parameters()) params.emplace_back("reader." + n, p);
  if (trains_policy())
    for (const auto& [n, p] : policy.named_parameters()) params.emplace_back("policy." + n, p);
  optimizer_ = std::make_unique<Adam>(params, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay, .decoupled_weight_decay = true});
  update_ = std::make_unique<SafeUpdate>(*optimizer_, o.max_grad_norm, o.nonfinite_limit);
}

bool BackpropTrainer::trains_policy() const { return opt_.parts.policy && policy_.learned(); }

Module BackpropTrainer::trainable() const {
  Module m;
  m.register_module("reader", reader_);
  if (policy_.learned()) m.register_module("policy", policy_);
  return m;
}

TrainerState BackpropTrainer::state() const {
  TrainerState s;
  update_->save(s);
  return s;
}

void BackpropTrainer::restore(const TrainerState& s) { update_->restore(s); }

TrainStats BackpropTrainer::train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  update_->begin();
  const Episode ep = run_episode(env_, reader_, policy_, examples, seed, rng, /*greedy=*/false, {.weights = trains_policy(), .dropout = opt_.parts.reader});
  TrainStats s;
  const Var loss = cross_entropy(ep.reader_logits, ep.labels);
  s.reader_loss = loss.item();
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  for (std::size_t b = 0; b < B; ++b) {
    s.accuracy += correct[b] / static_cast<float>(B);
    s.mean_regions += static_cast<float>(ep.regions_read[b]) / static_cast<float>(B);
  }
  if (!opt_.parts.reader && !trains_policy()) {  // nothing trains (a frozen reader under a fixed policy)
    s.loss = s.reader_loss;
    return s;
  }
  update_->apply(loss, s);
  // A frozen reader is outside the optimizer, which zeroes only its own: drop what reached it.
  if (!opt_.parts.reader) reader_.zero_grad();
  return s;
}

}  // namespace saccade
