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
// draw); greedy takes the k highest logits. The whole plan is made in `begin`, so the regions are
// chosen before any is read, and returned one per step.
#pragma once

#include <vector>

#include "agents/policy.hpp"
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
};

class TopKRegionPolicy : public Policy {
 public:
  TopKRegionPolicy(const TopKRegionOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  double flops_per_episode(std::size_t) const override;

 private:
  TopKRegionOptions opt_;
  MLP scorer_;
  std::vector<std::vector<int>> plan_;  // [B][k]
  Var plan_log_prob_, plan_entropy_;
};

}  // namespace saccade
