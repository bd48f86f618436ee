// One-shot region selection from the cheap previews (PatchDrop-style, with a fixed budget k):
//
//   logits = MLP(previews)                      [B, R], one score per region: one MLP over the whole
//                                               preview (an image thumbnail), or with `features` > 0
//                                               the same small MLP on each region's preview row (text
//                                               chunks: a chunk's relevance does not depend on where it is)
//   a set of k regions ~ Plackett-Luce(logits)   k draws without replacement
//   log p(set in that order) = sum_j log softmax(logits masked to the regions not yet drawn)[a_j]
//
// Sampling uses the Gumbel-top-k trick (top k of logits + Gumbel noise is an exact Plackett-Luce
// draw); greedy takes the k highest logits (agents/plackett_luce.hpp; the scorer is
// agents/region_scorer.hpp, shared with the soft top-k policy). The whole plan is made in `begin`, so the regions are
// chosen before any is read, and returned one per step. Regions flagged in obs.read at the start are
// ones the example does not have (a short dialogue's empty turn slots): they are never drawn, and an
// example with fewer than k regions draws them all.
//
// With `stop`, k is a cap and the plan is a reading order: before each region from step `min_steps`
// on, a STOP head on the reader's summary h (detached) decides whether to read on,
//
//   p(stop) = sigmoid(h w_s + b_s)
//   log p(step t) = log p(stop)                               if it stops
//                 = log(1 - p(stop)) + log p(the t-th pick)   if it reads the plan's t-th region
//
// so only the picks actually read carry gradient (the unread tail of the order earned nothing).
// Greedy (evaluation) reads in logit order; STOP stays one sample of its probability unless
// `greedy_stop`, as for the other STOP policies.
#pragma once

#include <vector>

#include "agents/policy.hpp"
#include "agents/plackett_luce.hpp"
#include "agents/region_scorer.hpp"
#include "core/layers.hpp"

namespace saccade {

struct TopKRegionOptions {
  std::size_t preview_size = 0;  // elements of one example's previews (flattened)
  std::size_t regions = 0;
  std::size_t k = 1;
  std::size_t hidden = 128;
  std::size_t features = 0;      // > 0: previews are [R, features] rows, each scored by one shared MLP
  std::size_t bag_slots = 0;     // > 0 (with features): each row is a bag of this many (feature, weight)
                                 // pairs over `features` features, [R, 2 * bag_slots] (BagRows)
  bool stop = false;             // read the plan in order and STOP when the summary says so
  std::size_t input = 0;         // with stop: the reader's summary size
  std::size_t min_steps = 1;     // with stop: regions read before STOP is allowed
  bool greedy_stop = false;      // with stop: evaluation stops at p > 1/2 instead of sampling
};

class TopKRegionPolicy : public Policy {
 public:
  TopKRegionPolicy(const TopKRegionOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  bool needs_summary() const override { return opt_.stop; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // Every decision carries the episode's whole plan (d.plan), which log_prob() re-scores.
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // Without stop, the set drawn at step 0; with stop, step t's read-on-or-stop. Undefined at the
  // steps act() decided nothing.
  Scored log_prob(const PolicyContext& ctx, const Decision& d) const override;
  Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const override;
  double flops_per_episode(std::size_t) const override;

 private:
  // Adds the STOP head's Bernoulli to step `s` (the pick's log-probability counts only where the
  // example read on); zero for examples without a pick at this step.
  Scored with_stop(Scored s, const Var& logit, const Array& stopped, const Array& has) const;

  TopKRegionOptions opt_;
  RegionScorer scorer_;
  Linear stop_;
  std::vector<int> plan_;               // [B * k] each example's regions in draw order, -1 past its plan
  std::vector<Var> pick_log_prob_;      // [k] of [B]: log p of the j-th pick given the earlier ones
  std::vector<Array> has_pick_;         // [k] of [B]: 1 where the example's plan has a j-th pick
  Var plan_entropy_;
};

}  // namespace saccade
