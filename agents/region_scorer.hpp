// One score per region from the cheap previews, shared by the one-shot region policies (top-k,
// agents/top_k_regions.hpp; soft top-k, agents/differentiable_top_k.hpp):
//
//   logits = MLP(previews)   [B, R]: one MLP over the whole preview (an image thumbnail), or with
//                            `features` > 0 the same small MLP on each region's preview row (text
//                            chunks: a chunk's relevance does not depend on where it is), the first
//                            layer on sparse bag rows with `bag_slots` > 0
//
// It is the MLP itself (a policy registers it as "scorer", so its parameters are "scorer.layers.*"),
// plus how it reads an observation's previews.
#pragma once

#include "core/layers.hpp"
#include "envs/env.hpp"

namespace saccade {

struct RegionScorerOptions {
  std::size_t preview_size = 0;  // elements of one example's previews (flattened)
  std::size_t regions = 0;
  std::size_t hidden = 128;
  std::size_t features = 0;      // > 0: previews are [R, features] rows, each scored by one shared MLP
  std::size_t bag_slots = 0;     // > 0 (with features): each row is a bag of this many (feature, weight)
                                 // pairs over `features` features, [R, 2 * bag_slots] (BagRows)
};

class RegionScorer : public MLP {
 public:
  RegionScorer() = default;
  RegionScorer(const RegionScorerOptions& options, Rng& rng);
  Var logits(const Observation& obs) const;  // [B, R]
  double flops() const;                      // one example's scoring (multiply-adds x 2)

 private:
  RegionScorerOptions opt_;
};

// [B, R] 1 where obs.read flags a region at the start of an episode: regions an example does not have
// (a short dialogue's empty turn slots), which one-shot policies never draw.
Array flagged_read(const Observation& obs, std::size_t regions);

}  // namespace saccade
