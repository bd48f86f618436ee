// A categorical glimpse policy: pick one of the thumbnail preview's cells, then a place inside it.
//
//   g_p    = relu(W f_p + b)                  f_p: the 3x3 thumbnail neighbourhood of cell p (zero-padded)
//   s_p    = v^T g_p + (h U)_p                h: the reader's summary (detached)
//            [+ w visit_p]                    with policy.inhibition: inhibition of return
//                                             (agents/return_inhibition.hpp)
//   c      ~ Categorical(softmax(s))          greedy: argmax_p s_p
//   m      = centre_c + half ⊙ tanh(O g_c + o)  half: half a cell per axis; the mean stays in cell c
//   l      ~ N(m, sigma^2)                    sigma = offset_std cells per axis; greedy: l = m
//   location = clip(l, -1, 1)                 (row, col), as the Gaussian location policies
//
//   log pi = log softmax(s)_c + log N(l; m, sigma^2)   [+ the STOP head's Bernoulli]
//   entropy = H(softmax(s)) + log(2 pi e sigma_row sigma_col)  (the draw's: a constant)  [+ STOP's]
//
// Why a categorical: with two bright blobs it picks one of them, where a unimodal Gaussian (and the
// spatial policy's soft-argmax mean) lands between them, on whatever lies halfway.
//
// Why the offset is a Gaussian draw and not a deterministic tanh offset: REINFORCE's gradient is the
// score function of what was sampled; a deterministic offset does not appear in log pi, and the env
// is not differentiable, so it would never learn. With a fixed-std draw the offset's weights are in
// log pi, and the density of what was sampled, the pair (cell, draw), is exact in closed form (the
// density of the location alone would be a mixture over every cell). `Decision::cell` and
// `Decision::sample` keep the pair, so log_prob() re-scores it exactly.
//
// With `stop` on, a Bernoulli STOP head sigmoid(h w_s + b_s) may end the episode from step
// `min_steps` on, with the same greedy rule as GaussianLocationPolicy (agents/gaussian_location.hpp).
#pragma once

#include <vector>

#include "agents/policy.hpp"
#include "agents/return_inhibition.hpp"
#include "core/layers.hpp"

namespace saccade {

struct CellGlimpseOptions {
  std::size_t input = 256;                // the reader's summary size
  std::size_t height = 15, width = 15;    // the thumbnail preview's shape
  std::size_t hidden = 16;
  float offset_std = 0.25f;               // sigma, in cells: a quarter of a cell's side per axis
  bool stop = false;
  std::size_t min_steps = 1;
  bool greedy_stop = false;               // evaluation thresholds STOP at p > 1/2 instead of sampling it
  float inhibition = 0.0f;                // the inhibition of return's starting weight; 0: none
};

class CellGlimpsePolicy : public Policy {
 public:
  CellGlimpsePolicy(const CellGlimpseOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  bool needs_summary() const override { return true; }
  // The thumbnail's hidden features and local scores are computed here once: fixed for the episode.
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // From d.cell, d.sample (the draw before clipping) and d.action.stop; the thumbnail's features are
  // computed again from ctx.obs.preview.
  Scored log_prob(const PolicyContext& ctx, const Decision& d) const override;
  // The thumbnail's features once, from the first step's preview (fixed for the episode).
  std::vector<Scored> log_prob_episode(const std::vector<PolicyContext>& steps,
                                       const std::vector<Decision>& decisions) const override;
  // The teacher's location is the sample; its cell, the thumbnail cell it falls in.
  Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const override;
  double flops_per_episode(std::size_t decisions) const override;

  // The cells' scores s [B, P] from the episode's local scores, the detached summary h and (with
  // inhibition of return) what the decision's context has read.
  Var scores(const PolicyContext& ctx, const Var& h, const Var& local_scores) const;
  // The location's mean [B, 2] in each example's cell `cell` (row * width + col).
  Var mean(const Var& hidden, const std::vector<int>& cell) const;

 private:
  struct Local {
    Var hidden;  // g [B * P, hidden]
    Var scores;  // v^T g [B, P]
  };
  Local local(const PolicyContext& ctx) const;
  Var stop_logit(const PolicyContext& ctx, const Var& h) const;
  Scored score(const Var& scores, const Var& mean, const std::vector<int>& cell, const Array& sample,
               const Var& stop_logit, const std::vector<std::uint8_t>& stop) const;

  CellGlimpseOptions opt_;
  Linear local_, local_score_, state_score_, offset_, stop_;
  ReturnInhibition inhibition_;
  Array centres_;  // [P, 2] each cell's centre in [-1, 1]^2 (row, col)
  Array half_;     // [2] half a cell's side per axis
  Array sigma_;    // [2] the draw's std per axis
  Local episode_;  // local() of the current episode
};

}  // namespace saccade
