#include "agents/actor_critic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <xtensor/xbuilder.hpp>

#include "agents/minibatch.hpp"
#include "agents/returns.hpp"
#include "core/autograd.hpp"
#include "core/ops.hpp"

namespace saccade {

Array surrogate_weights(const Array& ratio, const Array& advantage, float clip) {
  Array w = advantage;
  if (clip <= 0.0f) return w;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const float a = advantage.flat(i), r = ratio.flat(i);
    if ((a > 0.0f && r > 1.0f + clip) || (a < 0.0f && r < 1.0f - clip)) w.flat(i) = 0.0f;
  }
  return w;
}

ActorCriticTrainer::ActorCriticTrainer(Env& env, Reader& reader, Policy& policy, const ActorCriticOptions& o, Rng& init_rng)
    : env_(env), reader_(reader), policy_(policy), opt_(o), reward_([&] {
        RewardOptions r = o.reward;
        r.regions = env.spec().num_regions;
        return r;
      }()) {
  const AdamOptions adam{.lr = o.lr, .weight_decay = o.weight_decay, .decoupled_weight_decay = true};
  NamedParameters reader_params;
  for (const auto& [n, p] : reader.named_parameters()) reader_params.emplace_back("reader." + n, p);
  reader_optimizer_ = std::make_unique<Adam>(reader_params, adam);
  std::vector<std::pair<std::string, Optimizer*>> members{{"reader", reader_optimizer_.get()}};
  if (trains_policy()) {
    critic_ = Linear(policy.needs_summary() ? reader.summary_size() : 1, 1, init_rng);
    NamedParameters policy_params;
    for (const auto& [n, p] : policy.named_parameters()) policy_params.emplace_back("policy." + n, p);
    for (const auto& [n, p] : critic_.named_parameters()) policy_params.emplace_back("critic." + n, p);
    policy_optimizer_ = std::make_unique<Adam>(policy_params, adam);
    members.emplace_back("policy", policy_optimizer_.get());
    policy_update_ = std::make_unique<SafeUpdate>(*policy_optimizer_, o.max_grad_norm, o.nonfinite_limit);
  }
  both_ = std::make_unique<OptimizerSet>(members);
  reader_update_ = std::make_unique<SafeUpdate>(*reader_optimizer_, o.max_grad_norm, o.nonfinite_limit);
}

Module ActorCriticTrainer::trainable() const {
  Module m;
  m.register_module("reader", reader_);
  if (policy_.learned()) {
    m.register_module("policy", policy_);
    if (opt_.train_policy) m.register_module("critic", critic_);
  }
  return m;
}

TrainerState ActorCriticTrainer::state() const {
  TrainerState s{{"cost", reward_.cost()}};
  reader_update_->save(s);
  if (policy_update_) policy_update_->save(s, "policy_");
  return s;
}

void ActorCriticTrainer::restore(const TrainerState& s) {
  reader_update_->restore(s);
  if (policy_update_) policy_update_->restore(s, "policy_");
  reward_.set_cost(static_cast<float>(state_value(s, "cost")));
}

Var ActorCriticTrainer::value(const Var& summary, std::size_t batch) const {
  const Var input = summary.defined() ? summary : Var(xt::ones<float>({batch, std::size_t{1}}));
  return reshape(critic_(input), {batch});
}

TrainStats ActorCriticTrainer::train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  reader_update_->begin();
  Episode ep;
  try {
    ep = run_episode(env_, reader_, policy_, examples, seed, rng, /*greedy=*/false,
                     {.decisions = trains_policy(), .step_probabilities = trains_policy() && reward_.dense(), .dropout = opt_.train_reader});
  } catch (const NonFiniteAction& e) {
    TrainStats nan = reader_update_->skip_rollout(e);
    nan.cost = reward_.cost();
    return nan;
  }
  TrainStats s;
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  const std::vector<float> reward = reward_.reward(ep);
  double regions = 0.0;
  for (std::size_t b = 0; b < B; ++b) {
    regions += ep.regions_read[b];
    s.accuracy += correct[b] / static_cast<float>(B);
    s.reward += reward[b] / static_cast<float>(B);
  }
  s.mean_regions = static_cast<float>(regions / static_cast<double>(B));

  // The reader first, on the rollout it was just read by; then the policy, whose passes re-score the
  // stored decisions and never touch the reader.
  const Var reader_loss = cross_entropy(ep.reader_logits, ep.labels);
  s.reader_loss = reader_loss.item();
  bool updated = true;
  if (opt_.train_reader) {
    updated = reader_update_->apply(reader_loss, s);
  } else {
    Tape::current().clear();  // nothing to learn from the rollout's graph
    s.loss = s.reader_loss;
  }
  if (updated && trains_policy() && !ep.decisions.empty()) update_policy(ep, rng, s);
  if (updated) reward_.update_cost(s.mean_regions);
  s.cost = reward_.cost();
  return s;
}

void ActorCriticTrainer::update_policy(const Episode& ep, Rng& rng, TrainStats& s) {
  const std::size_t B = ep.regions_read.size(), T = ep.decisions.size();
  // What the rollout's parameters said: old log-probabilities, values, and so the advantages.
  std::vector<Array> old_log_prob(T), old_value(T);
  {
    NoGrad no_grad;
    for (std::size_t t = 0; t < T; ++t) {
      old_log_prob[t] = ep.log_probs[t].value();
      old_value[t] = value(ep.summaries[t], B).value();
    }
  }
  const std::vector<Array> rewards = reward_.decision_rewards(ep);
  std::vector<Array> adv = gae_advantages(rewards, old_value, ep.deciding, opt_.gamma, opt_.gae_lambda);
  std::vector<Array> target(T);
  for (std::size_t t = 0; t < T; ++t) target[t] = (adv[t] + old_value[t]) * ep.deciding[t];
  if (opt_.normalize_advantage) normalize_advantages(adv, ep.deciding);

  const std::size_t parts = std::clamp<std::size_t>(opt_.minibatches, 1, B);
  double policy_loss = 0.0, value_loss = 0.0, grad_norm = 0.0;
  std::size_t updates = 0;
  for (std::size_t epoch = 0; epoch < opt_.epochs; ++epoch) {
    std::vector<std::size_t> order(B);
    std::iota(order.begin(), order.end(), 0);
    if (parts > 1) order = rng.permutation(B);
    for (std::size_t part = 0; part < parts; ++part) {
      // This part's examples, and only theirs, re-scored (agents/minibatch.hpp).
      const std::vector<int> rows(order.begin() + part * B / parts, order.begin() + (part + 1) * B / parts);
      const float n = static_cast<float>(rows.size());
      policy_update_->begin();
      // The part's view of every decision, re-scored together (Policy::log_prob_episode).
      std::vector<Observation> obs(T);
      std::vector<Var> summary(T);
      std::vector<Decision> taken(T);
      std::vector<PolicyContext> steps;
      for (std::size_t t = 0; t < T; ++t) {
        obs[t] = select_examples(ep.observations[t], rows, B);
        if (ep.summaries[t].defined()) summary[t] = Var(select_examples(ep.summaries[t].value(), rows));
        taken[t] = select_examples(ep.decisions[t], rows, B);
        steps.push_back({env_.spec(), obs[t], summary[t], ep.decision_steps[t]});
      }
      const std::vector<Policy::Scored> now = policy_.log_prob_episode(steps, taken);
      Var surrogate, squared_error, entropy;
      for (std::size_t t = 0; t < T; ++t) {
        const Array w = select_examples(ep.deciding[t], rows);
        const Var ratio = exp(now[t].log_prob - Var(select_examples(old_log_prob[t], rows)));
        const Array weight = surrogate_weights(ratio.value(), select_examples(adv[t], rows), opt_.clip) * w;
        const Var term = sum(ratio * Var(weight));
        const Var err = (value(summary[t], rows.size()) - Var(select_examples(target[t], rows))) * Var(w);
        const Var sq = sum(err * err), ent = sum(now[t].entropy * Var(w));
        surrogate = surrogate.defined() ? surrogate + term : term;
        squared_error = squared_error.defined() ? squared_error + sq : sq;
        entropy = entropy.defined() ? entropy + ent : ent;
      }
      const Var pl = surrogate * (-1.0f / n), vl = squared_error * (opt_.value_coef / n);
      Var loss = pl + vl;
      if (opt_.entropy_bonus != 0.0f) loss = loss - entropy * (opt_.entropy_bonus / n);
      policy_loss += pl.item();
      value_loss += vl.item();
      TrainStats part_stats;
      if (policy_update_->apply(loss, part_stats)) grad_norm = std::max<double>(grad_norm, part_stats.grad_norm);
      ++updates;
    }
  }
  s.policy_loss = static_cast<float>(policy_loss / static_cast<double>(updates));
  s.baseline_loss = static_cast<float>(value_loss / static_cast<double>(updates));
  s.loss += s.policy_loss + s.baseline_loss;
  s.grad_norm = std::max<float>(s.grad_norm, static_cast<float>(grad_norm));
}

}  // namespace saccade
