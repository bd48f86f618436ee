// A Gaussian location policy whose mean points at a place on the thumbnail preview:
//
//   s_p    = v^T relu(W f_p + b) + (h U)_p     f_p: the 3x3 thumbnail neighbourhood of cell p,
//                                              h: the reader's summary (detached)
//            [+ w visit_p]                     with policy.inhibition: inhibition of return
//                                              (agents/return_inhibition.hpp)
//   mean   = sum_p softmax(s)_p c_p            c_p: cell p's centre in [-1,1]^2 (row, col)
//   l ~ N(mean, std^2)                         as in GaussianLocationPolicy (fixed std, STOP head)
//
// A spatial soft-argmax: the mean is an expectation over cell centres, so it never saturates at the
// border the way tanh(h W) does, and "look at what the thumbnail shows, given what has been read"
// is a few local weights to learn rather than a regression from pixels to coordinates.
#pragma once

#include "agents/gaussian_location.hpp"
#include "agents/return_inhibition.hpp"

namespace saccade {

struct SpatialLocationOptions {
  GaussianLocationOptions gaussian;  // input, std, stop, min_steps (preview_size unused)
  std::size_t height = 15, width = 15;  // the thumbnail preview's shape
  std::size_t hidden = 16;
  float inhibition = 0.0f;  // the inhibition of return's starting weight; 0: none
};

class SpatialLocationPolicy : public GaussianLocationPolicy {
 public:
  SpatialLocationPolicy(const SpatialLocationOptions& options, Rng& rng);
  double flops_per_episode(std::size_t decisions) const override;

 protected:
  // The thumbnail's local scores [B, P]: fixed for the episode, so begin() computes them once.
  Var preview_code(const PolicyContext& ctx) const override;
  Var mean(const PolicyContext& ctx, const Var& h, const Var& local_scores) const override;

 private:
  SpatialLocationOptions sopt_;
  Linear local_, local_score_, state_score_;
  ReturnInhibition inhibition_;
  Var centres_;  // [P, 2] constant
};

}  // namespace saccade
