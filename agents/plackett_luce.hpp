// The distribution of a one-shot policy's k regions: Plackett-Luce over the region scores, k draws
// without replacement, each a categorical over the regions not drawn before it:
//
//   log p(a_1 .. a_k) = sum_j log softmax(logits masked to the regions not yet drawn)[a_j]
//
// Drawn by the Gumbel-top-k trick (the top k of logits + Gumbel noise is an exact Plackett-Luce
// draw, in order); greedy takes the k highest logits. Shared by the top-k policy (REINFORCE's
// log-probability, agents/top_k_regions.hpp) and the soft top-k policy (whose straight-through
// relaxation is built on the same perturbed keys, agents/differentiable_top_k.hpp).
#pragma once

#include <vector>

#include "core/random.hpp"
#include "envs/env.hpp"
#include "core/autograd.hpp"
#include "core/tensor.hpp"

namespace saccade {

struct TopKDraw {
  std::vector<int> plan;  // [B * k] each example's regions in draw order, -1 past its plan
  Array keys;             // [B, R] what was ranked: logits + Gumbel noise, or the logits when greedy
};

// Regions `missing` flags [B, R] are never drawn; an example with fewer than k others draws them all.
// Draws one uniform per (example, region), examples then regions, whether missing or not.
TopKDraw gumbel_top_k(const Array& logits, const Array& missing, std::size_t k, Rng& rng, bool greedy);

// The log-probabilities of picks [first, last) of the plans [B * k] (each [B], zero where an example's
// plan is shorter: `has` 0); `drawn` [B, R] starts as the regions out of reach. `entropy`: the first
// pick's, if first == 0.
struct PlackettLucePicks {
  std::vector<Var> log_prob;
  std::vector<Array> has;
  Var entropy;
};
PlackettLucePicks plackett_luce_picks(const Var& logits, Array drawn, const std::vector<int>& plan, std::size_t k,
                                      std::size_t first, std::size_t last);

// A teacher's choices as a plan [B * k] (imitation, Policy::decision_from): each example's regions in
// the order it read them, -1 once it stopped (or past k).
std::vector<int> plan_from(const std::vector<Action>& taken, std::size_t batch, std::size_t k);

}  // namespace saccade
