// One-shot region selection trained by backpropagation through the reader (differentiable patch
// selection, Cordonnier et al. 2021), with a Gumbel top-k and a straight-through estimator:
//
//   logits = scorer(previews)                      [B, R] (agents/region_scorer.hpp, top-k's scorer)
//   keys   = logits + Gumbel noise (sampling), logits (greedy)
//   forward   the hard top k of the keys: k distinct regions, planned at step 0 before any is read;
//             only those k are read and encoded (a region not chosen is never encoded)
//   backward  through khot = relaxed_top_k(keys, tau) (agents/relaxed_top_k.hpp: Xie & Ermon's
//             successive softmax over the same keys)
//   weight of the region read at step t = straight_through(hard k-hot, khot) at that region:
//             exactly 1 in value, d khot backward (Decision::weight)
//
// The reader multiplies each chosen region's embedding by its weight (EpisodeRecording::weights), so
// the cross-entropy's gradient reaches the scores: d loss / d logits = sum over the chosen regions c
// of (d loss / d w_c) d khot_c / d logits. Regions not chosen get gradient only through the
// relaxation's normalisation, never by being read. The learner is agents/backprop.hpp.
//
// The forward draw is exactly top-k's (Gumbel top-k is a Plackett-Luce draw, agents/plackett_luce.hpp),
// so act() also returns its log-probability and log_prob() re-scores it: the policy gradient learners
// (reinforce, a2c, ppo) and imitation can train it too. Regions flagged read at the start (ones an
// example does not have) are never drawn; an example with fewer than k regions draws them all.
#pragma once

#include <vector>

#include "agents/policy.hpp"
#include "agents/region_scorer.hpp"

namespace saccade {

struct DifferentiableTopKOptions {
  RegionScorerOptions scorer;
  std::size_t k = 1;
  float tau = 2.0f;  // the relaxation's temperature: lower is closer to the hard top k, with noisier gradients
};

class DifferentiableTopKPolicy : public Policy {
 public:
  DifferentiableTopKPolicy(const DifferentiableTopKOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  bool supplies_weights() const override { return true; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // Step t reads the plan's t-th region with its weight; the whole set is the decision of step 0.
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Scored log_prob(const PolicyContext& ctx, const Decision& d) const override;
  Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const override;
  double flops_per_episode(std::size_t) const override { return scorer_.flops(); }

 private:
  std::size_t k() const { return std::min(opt_.k, opt_.scorer.regions); }
  DifferentiableTopKOptions opt_;
  RegionScorer scorer_;
  std::vector<int> plan_;       // [B * k] each example's regions in draw order, -1 past its plan
  std::vector<Var> weights_;    // [k] of [B]: the straight-through weight of each step's region
  Var log_prob_, entropy_;      // the plan's Plackett-Luce log-probability and first pick's entropy
};

}  // namespace saccade
