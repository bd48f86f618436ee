// The policy interface: given what has been read so far, which region next (or STOP)?
//
// Sequential policies decide step by step from the reader's memory summary. One-shot policies plan
// a whole set of regions from the previews at step 0 and then return it one region per step. Fixed
// policies implement the same interface, return no log-probability and are never trained, so every
// comparison runs through the same loop.
#pragma once

#include <cstddef>
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
};

struct Decision {
  Action action;
  Var log_prob;  // [B] log-probability of the action taken; undefined for fixed policies, and a
                 // learned policy may leave it undefined under NoGrad (nothing to differentiate)
  Var entropy;   // [B]; undefined for fixed policies
};

class Policy : public Module {
 public:
  virtual std::string name() const = 0;
  virtual bool learned() const { return false; }
  // Whether act() reads ctx.summary. Policies that do not (fixed, one-shot) get an undefined Var, and
  // the reader never computes it: pooling over the memory at every step is real compute.
  virtual bool needs_summary() const { return false; }
  // Called once per episode before the first act (one-shot policies plan here).
  virtual void begin(const PolicyContext& ctx, Rng& rng, bool greedy) {}
  // greedy: the deterministic choice (mean location, most likely regions) used for evaluation;
  // otherwise a sample, used for training.
  virtual Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) = 0;
  // The controller's own compute for one example's episode of `decisions` steps (multiply-adds x 2).
  virtual double flops_per_episode(std::size_t decisions) const { return 0.0; }
};

// For policies chosen by name: throws std::invalid_argument naming `name` and listing `choices`
// unless it is one of them. `kind` says which family, e.g. "fixed glimpse policy".
void require_known_policy(const std::string& kind, const std::string& name, const std::vector<std::string>& choices);

}  // namespace saccade
