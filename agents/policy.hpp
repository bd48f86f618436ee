// The policy interface: given what has been read so far, which region next (or STOP)?
//
// Sequential policies decide step by step from the reader's memory summary. One-shot policies plan
// a whole set of regions from the previews at step 0 and then return it one region per step. Fixed
// policies implement the same interface, return no log-probability and are never trained, so every
// comparison runs through the same loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/module.hpp"
#include "core/random.hpp"
#include "envs/env.hpp"

namespace saccade {

struct PolicyContext {
  const EnvSpec& spec;
  const Observation& obs;  // previews, read mask, budget left (after the previous step)
  const Var& summary;      // the reader's memory summary [B, H] if needs_summary(); policies detach it
  std::size_t step;        // 0 for the first region
  // The reader's logits [B * slots, C] on what each example has read so far, if needs_prediction()
  // (from step 1 on; null before anything is read and for every other policy).
  const Var* prediction = nullptr;
};

struct Decision {
  Action action;
  Var log_prob;  // [B] log-probability of the action taken; undefined for fixed policies, and a
                 // learned policy may leave it undefined under NoGrad (nothing to differentiate)
  Var entropy;   // [B]; undefined for fixed policies
  // What was sampled where `action` alone cannot say, so that Policy::log_prob can re-score the
  // decision later (filled by act(); the env never reads them):
  Array sample;             // Gaussian location policies: the location drawn [B, 2], before clipping
  std::vector<int> plan;    // top-k: each example's regions in draw order [B * k], -1 past its plan
  std::vector<int> from;    // jump reading: the chunk each example had read last [B], -1 for none
  std::vector<int> cell;    // cell glimpses: the thumbnail cell drawn [B] (row * width + col); the
                            // location's draw inside it is `sample`
  // A policy trained through the reader's loss (supplies_weights(), agents/differentiable_top_k.hpp):
  // [B] the straight-through weight of the region each example reads at this step, exactly 1 in value,
  // with the gradient of a soft relaxation of the choice. run_episode multiplies the region's
  // embedding by it when the learner asks (EpisodeRecording::weights, agents/backprop.hpp). Undefined
  // for every other policy, and under NoGrad.
  Var weight;
};

// A STOP head's choice per example from its logits [B]: p = sigmoid(logit), STOP where p > 1/2 when
// `threshold` (greedy evaluation with policy.greedy_stop), else one Bernoulli(p) draw per example, in
// order. Shared by the policies with a STOP head, so they draw alike.
std::vector<std::uint8_t> draw_stops(const Var& logit, bool threshold, Rng& rng);

class Policy : public Module {
 public:
  virtual std::string name() const = 0;
  virtual bool learned() const { return false; }
  // Whether act() reads ctx.summary. Policies that do not (fixed, one-shot) get an undefined Var, and
  // the reader never computes it: pooling over the memory at every step is real compute.
  virtual bool needs_summary() const { return false; }
  // Whether act() reads ctx.prediction (a policy that stops when the reader is sure). The reader then
  // reads step by step and predicts after every step: that compute is counted as the policy's.
  virtual bool needs_prediction() const { return false; }
  // Whether act() fills Decision::weight while gradients are recorded, so that a learner can train it
  // by backpropagation through the reader (train.algorithm: backprop).
  virtual bool supplies_weights() const { return false; }
  // Called once per episode before the first act (one-shot policies plan here).
  virtual void begin(const PolicyContext& ctx, Rng& rng, bool greedy) {}
  // greedy: the deterministic choice (mean location, most likely regions) used for evaluation;
  // otherwise a sample, used for training.
  virtual Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) = 0;
  // The log-probability and entropy (each [B]) of the decision `d` that act() returned at `ctx`,
  // recomputed with the CURRENT parameters: a multi-epoch learner (PPO) stores each step's
  // observation, detached summary, step and decision during the rollout and re-scores them after
  // updating the policy, so its probability ratio is real. At the parameters act() used, the values
  // equal the decision's own, for every example (the learner masks those that had finished). Where
  // act() took no decision (a one-shot plan's later steps), both are undefined. Depends on ctx and d
  // only, never on the state of the episode the policy is in now. Policies that do not learn throw
  // std::logic_error.
  struct Scored {
    Var log_prob;  // [B]
    Var entropy;   // [B]
  };
  virtual Scored log_prob(const PolicyContext& ctx, const Decision& d) const;
  // The same for every decision of one episode at once: steps[i] and decisions[i] as the rollout kept
  // them, in step order, all of the same examples. What is fixed for an episode (a thumbnail's
  // features) is then computed once under the current parameters rather than once per step, so that a
  // learner's re-scoring costs about what acting did. The default scores each step with log_prob().
  virtual std::vector<Scored> log_prob_episode(const std::vector<PolicyContext>& steps,
                                               const std::vector<Decision>& decisions) const;
  // Imitation (agents/imitation.hpp): the Decision act() would have returned at `ctx` had it made a
  // teacher's choices, so that log_prob(ctx, decision_from(ctx, taken)) scores the teacher's choice at
  // ctx.step. `taken` is the teacher's action at every step of the whole episode (a one-shot policy's
  // plan at step 0 is the teacher's regions in order); d.action is taken[ctx.step]. A location policy's
  // sample is the teacher's location, a top-k plan the teacher's regions in order (-1 past them), a
  // jump reader's `from` the region the teacher read last. A choice this policy could not make (a jump
  // backwards) scores about -1e9, and the learner leaves it out. Policies that do not learn throw
  // std::logic_error.
  virtual Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const;
  // The controller's own compute for one example's episode of `decisions` steps (multiply-adds x 2).
  virtual double flops_per_episode(std::size_t decisions) const { return 0.0; }
};

}  // namespace saccade
