#include "agents/reinforce.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {
namespace {

std::string non_finite_name(float v) { return std::isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf"; }

// " (the first NaN or Inf came from op X)", or "" when the tape recorded none; the tape is cleared,
// since no backward will run over it.
std::string drop_tape_naming_first_non_finite() {
  const char* op = Tape::current().first_non_finite();
  const std::string where = op ? std::string(" (the first NaN or Inf came from op ") + op + ")" : "";
  Tape::current().clear();
  return where;
}

}  // namespace

Var policy_gradient_loss(const std::vector<Var>& log_probs, const std::vector<Array>& advantages, std::size_t batch) {
  Var pg;
  for (std::size_t t = 0; t < log_probs.size(); ++t) {
    Var term = sum(log_probs[t] * Var(advantages[t]));
    pg = pg.defined() ? pg + term : term;
  }
  return pg * (-1.0f / static_cast<float>(batch));
}

ReinforceTrainer::ReinforceTrainer(Env& env, Reader& reader, Policy& policy, const ReinforceOptions& o, Rng& init_rng)
    : env_(env), reader_(reader), policy_(policy), opt_(o), cost_(o.region_cost) {
  NamedParameters params;
  for (const auto& [n, p] : reader.named_parameters()) params.emplace_back("reader." + n, p);
  if (policy.learned() && o.train_policy) {
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
}

void ReinforceTrainer::restore(const TrainerState& s) {
  optimizer_->set_lr(s.lr);
  cost_ = s.cost;
  steps_ = s.steps;
  nonfinite_run_ = s.nonfinite_run;
}

TrainStats ReinforceTrainer::skip_update(TrainStats s, const std::string& what) {
  s.skipped = true;
  ++nonfinite_run_;
  const double lr = optimizer_->lr();
  if (nonfinite_run_ >= opt_.nonfinite_limit) {
    throw NonFiniteError("step " + std::to_string(steps_) + ": " + what + "; " + std::to_string(nonfinite_run_) +
                         " updates in a row were skipped (train.nonfinite_limit), the learning rate halved each time to " +
                         std::to_string(lr));
  }
  std::fprintf(stderr, "step %zu: %s: update skipped, learning rate halved to %g\n", steps_, what.c_str(), lr * 0.5);
  optimizer_->set_lr(lr * 0.5);
  s.cost = cost_;
  return s;
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

// What each example's answer earns the policy (before the region cost): ReinforceOptions::reward.
// With several slots, the probability reward is the mean over the slots of the right value's.
std::vector<float> ReinforceTrainer::answer_reward(const Episode& ep) const {
  if (opt_.reward != "probability") return correct_per_example(ep.logits, ep.labels, ep.slots);
  const Array p = softmax(ep.logits.detach()).value();
  std::vector<float> r(ep.labels.size() / ep.slots, 0.0f);
  for (std::size_t i = 0; i < ep.labels.size(); ++i)
    r[i / ep.slots] += p(i, static_cast<std::size_t>(ep.labels[i])) / static_cast<float>(ep.slots);
  return r;
}

TrainStats ReinforceTrainer::train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) {
  const std::size_t B = examples.size();
  optimizer_->zero_grad();
  ++steps_;
  Episode ep;
  try {
    ep = run_episode(env_, reader_, policy_, examples, seed, rng, /*greedy=*/false);
  } catch (const NonFiniteAction& e) {  // no loss to take: the update is skipped like a NaN loss's
    TrainStats nan;
    nan.loss = std::numeric_limits<float>::quiet_NaN();
    return skip_update(nan, e.what() + drop_tape_naming_first_non_finite());
  }
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  const std::vector<float> earned = answer_reward(ep);

  TrainStats s;
  Var reader_loss = cross_entropy(ep.logits, ep.labels);
  Var loss = reader_loss;
  s.reader_loss = reader_loss.item();

  std::vector<float> reward(B);
  double regions = 0.0;
  for (std::size_t b = 0; b < B; ++b) {
    reward[b] = earned[b] - cost_ * static_cast<float>(ep.regions_read[b]);
    regions += ep.regions_read[b];
    s.accuracy += correct[b] / static_cast<float>(B);
    s.reward += reward[b] / static_cast<float>(B);
  }
  s.mean_regions = static_cast<float>(regions / static_cast<double>(B));

  if (policy_.learned() && opt_.train_policy && !ep.log_probs.empty()) {
    // Baseline per decision step: b_t [B].
    std::vector<Array> base(ep.log_probs.size(), xt::zeros<float>({B}));
    if (opt_.baseline == "learned") {
      Var bl_loss;
      const Var R(Array(xt::adapt(reward, {B})));
      for (std::size_t t = 0; t < ep.summaries.size(); ++t) {
        const Var input = ep.summaries[t].defined() ? ep.summaries[t] : Var(xt::ones<float>({B, std::size_t{1}}));
        const Var b_t = reshape(baseline_(input), {B});
        base[t] = b_t.value();
        Var diff = (b_t - R) * Var(ep.deciding[t]);
        Var term = sum(diff * diff) * (1.0f / static_cast<float>(B));
        bl_loss = bl_loss.defined() ? bl_loss + term : term;
      }
      s.baseline_loss = bl_loss.item();
      loss = loss + bl_loss;
    } else if (opt_.baseline == "self_critical") {
      NoGrad no_grad;
      Rng greedy_rng = rng.fork("self-critical");
      Episode g = run_episode(env_, reader_, policy_, examples, seed, greedy_rng, /*greedy=*/true);
      const std::vector<float> gc = answer_reward(g);
      Array gb = Array::from_shape({B});
      for (std::size_t b = 0; b < B; ++b) gb(b) = gc[b] - cost_ * static_cast<float>(g.regions_read[b]);
      for (auto& b_t : base) b_t = gb;
    }
    // Advantages A_t = R - b_t, optionally normalised over the decisions actually taken.
    std::vector<Array> adv(base.size());
    double sum_a = 0.0, sum_a2 = 0.0, n = 0.0;
    for (std::size_t t = 0; t < base.size(); ++t) {
      adv[t] = Array::from_shape({B});
      for (std::size_t b = 0; b < B; ++b) {
        adv[t](b) = (reward[b] - base[t](b)) * ep.deciding[t](b);
        sum_a += adv[t](b);
        sum_a2 += adv[t](b) * adv[t](b);
        n += ep.deciding[t](b);
      }
    }
    if (opt_.normalize_advantage && n > 1) {
      const double mean = sum_a / n, sd = std::sqrt(std::max(1e-12, sum_a2 / n - mean * mean));
      for (std::size_t t = 0; t < adv.size(); ++t) {
        for (std::size_t b = 0; b < B; ++b) {
          adv[t](b) = ep.deciding[t](b) ? static_cast<float>((adv[t](b) - mean) / (sd + 1e-8)) : 0.0f;
        }
      }
    }
    Var policy_loss = policy_gradient_loss(ep.log_probs, adv, B);
    s.policy_loss = policy_loss.item();
    loss = loss + policy_loss;
    if (opt_.entropy_bonus != 0.0f) {
      Var ent;
      for (const Var& e_t : ep.entropies) ent = ent.defined() ? ent + sum(e_t) : sum(e_t);
      loss = loss - ent * (opt_.entropy_bonus / static_cast<float>(B));
    }
  }

  s.loss = loss.item();
  if (!std::isfinite(s.loss)) return skip_update(s, "the loss is " + non_finite_name(s.loss) + drop_tape_naming_first_non_finite());
  backward(loss);
  s.grad_norm = clip_grad_norm(optimizer_->named_parameters(), opt_.max_grad_norm);
  if (!std::isfinite(s.grad_norm)) {
    std::string where;
    for (const auto& [name, p] : optimizer_->named_parameters()) {
      if (!p.has_grad()) continue;
      for (float g : p.node()->grad) {
        if (!std::isfinite(g)) {
          where = " (first in " + name + ")";
          break;
        }
      }
      if (!where.empty()) break;
    }
    return skip_update(s, "the gradient norm is " + non_finite_name(s.grad_norm) + where);
  }
  optimizer_->step();
  nonfinite_run_ = 0;

  if (opt_.target_regions > 0.0f) {
    // An equality target: the multiplier may go negative (a bonus per region) while the policy reads
    // less than the target, else a policy that learned to stop early would never be pushed back up.
    cost_ += opt_.lagrange_lr * (s.mean_regions - opt_.target_regions);
  }
  s.cost = cost_;
  return s;
}

}  // namespace saccade
