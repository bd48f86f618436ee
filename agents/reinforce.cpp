#include "agents/reinforce.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "agents/returns.hpp"
#include "core/ops.hpp"

namespace saccade {

Var policy_gradient_loss(const std::vector<Var>& log_probs, const std::vector<Array>& advantages, std::size_t batch) {
  Var pg;
  for (std::size_t t = 0; t < log_probs.size(); ++t) {
    Var term = sum(log_probs[t] * Var(advantages[t]));
    pg = pg.defined() ? pg + term : term;
  }
  return pg * (-1.0f / static_cast<float>(batch));
}

ReinforceTrainer::ReinforceTrainer(Env& env, Reader& reader, Policy& policy, const ReinforceOptions& o, Rng& init_rng)
    : env_(env), reader_(reader), policy_(policy), opt_(o),
      reward_({.answer = o.reward,
               .step = o.step_reward,
               .region_cost = o.region_cost,
               .cost_per_length = o.cost_per_length,
               .regions = env.spec().num_regions,
               .target_regions = o.target_regions,
               .lagrange_lr = o.lagrange_lr}) {
  NamedParameters params;
  if (o.train_reader)
    for (const auto& [n, p] : reader.named_parameters()) params.emplace_back("reader." + n, p);
  if (trains_policy()) {
    for (const auto& [n, p] : policy.named_parameters()) params.emplace_back("policy." + n, p);
    if (o.baseline == "learned") {
      // From the reader's summary when the policy decides from it; else a learned constant (a
      // linear map of the input 1), i.e. a running estimate of the mean reward.
      baseline_ = Linear(policy.needs_summary() ? reader.summary_size() : 1, 1, init_rng);
      for (const auto& [n, p] : baseline_.named_parameters()) params.emplace_back("baseline." + n, p);
    } else if (o.baseline != "self_critical" && o.baseline != "none") {
      throw std::invalid_argument("baseline must be learned, self_critical or none, got \"" + o.baseline + "\"");
    }
  }
  optimizer_ = std::make_unique<Adam>(params, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay, .decoupled_weight_decay = true});
  update_ = std::make_unique<SafeUpdate>(*optimizer_, o.max_grad_norm, o.nonfinite_limit);
}

Module ReinforceTrainer::trainable() const {
  Module m;
  m.register_module("reader", reader_);
  if (policy_.learned()) {
    m.register_module("policy", policy_);
    if (opt_.train_policy && opt_.baseline == "learned") m.register_module("baseline", baseline_);
  }
  return m;
}

TrainerState ReinforceTrainer::state() const {
  TrainerState s{{"cost", reward_.cost()}};
  update_->save(s);
  return s;
}

void ReinforceTrainer::restore(const TrainerState& s) {
  update_->restore(s);
  reward_.set_cost(static_cast<float>(state_value(s, "cost")));
}

TrainStats ReinforceTrainer::train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  update_->begin();
  Episode ep;
  try {
    ep = run_episode(env_, reader_, policy_, examples, seed, rng, /*greedy=*/false,
                     {.step_probabilities = trains_policy() && reward_.dense(), .dropout = opt_.train_reader});
  } catch (const NonFiniteAction& e) {
    TrainStats nan = update_->skip_rollout(e);
    nan.cost = reward_.cost();
    return nan;
  }
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  const std::vector<float> reward = reward_.reward(ep);

  TrainStats s;
  Var reader_loss = cross_entropy(ep.reader_logits, ep.labels);
  Var loss = opt_.train_reader ? reader_loss : Var();  // a frozen reader takes no gradient
  s.reader_loss = reader_loss.item();
  double regions = 0.0;
  for (std::size_t b = 0; b < B; ++b) {
    regions += ep.regions_read[b];
    s.accuracy += correct[b] / static_cast<float>(B);
    s.reward += reward[b] / static_cast<float>(B);
  }
  s.mean_regions = static_cast<float>(regions / static_cast<double>(B));

  if (trains_policy() && !ep.log_probs.empty()) {
    const std::vector<Array> G = returns(ep, reward);
    const Baselines base = baselines(ep, G, examples, seed, rng);
    if (base.loss.defined()) {
      s.baseline_loss = base.loss.item();
      loss = loss.defined() ? loss + base.loss : base.loss;
    }
    Var policy_loss = policy_gradient_loss(ep.log_probs, advantages(ep, G, base.b), B);
    s.policy_loss = policy_loss.item();
    loss = loss.defined() ? loss + policy_loss : policy_loss;
    if (opt_.entropy_bonus != 0.0f) {
      Var ent;
      for (const Var& e_t : ep.entropies) ent = ent.defined() ? ent + sum(e_t) : sum(e_t);
      loss = loss - ent * (opt_.entropy_bonus / static_cast<float>(B));
    }
  }
  if (!loss.defined()) {  // nothing trains on this batch (a frozen reader, no decision taken)
    s.loss = s.reader_loss;
    s.cost = reward_.cost();
    return s;
  }
  if (update_->apply(loss, s)) reward_.update_cost(s.mean_regions);
  s.cost = reward_.cost();
  return s;
}

std::vector<Array> ReinforceTrainer::returns(const Episode& ep, const std::vector<float>& reward) const {
  if (reward_.dense() || opt_.gamma != 1.0f) return discounted_returns(reward_.decision_rewards(ep), ep.deciding, opt_.gamma);
  const Array R = xt::adapt(reward, {reward.size()});
  return std::vector<Array>(ep.log_probs.size(), R);
}

ReinforceTrainer::Baselines ReinforceTrainer::baselines(const Episode& ep, const std::vector<Array>& G,
                                                        const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  Baselines out{std::vector<Array>(ep.log_probs.size(), xt::zeros<float>({B})), Var()};
  std::vector<Array>& base = out.b;
  if (opt_.baseline == "learned") {
    Var& bl_loss = out.loss;
    for (std::size_t t = 0; t < ep.summaries.size(); ++t) {
      const Var input = ep.summaries[t].defined() ? ep.summaries[t] : Var(xt::ones<float>({B, std::size_t{1}}));
      const Var b_t = reshape(baseline_(input), {B});
      base[t] = b_t.value();
      Var diff = (b_t - Var(G[t])) * Var(ep.deciding[t]);
      Var term = sum(diff * diff) * (1.0f / static_cast<float>(B));
      bl_loss = bl_loss.defined() ? bl_loss + term : term;
    }
  } else if (opt_.baseline == "self_critical") {
    NoGrad no_grad;
    Rng greedy_rng = rng.fork("self-critical");
    const Episode g = run_episode(env_, reader_, policy_, examples, seed, greedy_rng, /*greedy=*/true);
    const std::vector<float> gr = reward_.reward(g);
    Array gb = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) gb(b) = gr[b];
    for (auto& b_t : base) b_t = gb;
  }
  return out;
}

std::vector<Array> ReinforceTrainer::advantages(const Episode& ep, const std::vector<Array>& G,
                                                const std::vector<Array>& base) const {
  std::vector<Array> adv(base.size());
  for (std::size_t t = 0; t < base.size(); ++t) {
    adv[t] = Array::from_shape({G[t].size()});
    for (std::size_t b = 0; b < G[t].size(); ++b) adv[t](b) = (G[t](b) - base[t](b)) * ep.deciding[t](b);
  }
  if (opt_.normalize_advantage) normalize_advantages(adv, ep.deciding);
  return adv;
}

}  // namespace saccade
