// Inhibition of return for the thumbnail policies (agents/spatial_location.hpp, agents/cell_glimpse.hpp):
//
//   visit_p  = sum_j exp(-|c_p - l_j|^2 / (2 r^2))   l_j: the places read so far (Observation::visited),
//                                                     c_p: cell p's centre (agents/thumbnail_cells.hpp)
//   s_p     += w * visit_p                            w: one learned weight, starting at policy.inhibition
//
// r is the fixed `saliency` rule's suppression radius (agents/glimpse_rules.hpp): a sixth of the
// thumbnail's side, at least one cell. w < 0 steers the next glimpse away from what was read.
//
// Why: the learned thumbnail policies of docs/results/learners.md spent most of their glimpses within a
// cell or two of one place, where the `saliency` rule, which suppresses the neighbourhood of each
// peak it took, spreads its glimpses over distinct blobs. The reader's state is the only memory those
// policies had of where they had been. With w learned, a policy can still come back where that pays.
#pragma once

#include <cstddef>

#include "core/module.hpp"
#include "envs/env.hpp"

namespace saccade {

// Each cell's visit_p [B, P] from `visited` ([B, S, 3], Observation::visited: (row, col, 1) per read,
// 0 rows after the last); all zero when `visited` is empty or a default Array. `centres` [P, 2].
// Throws std::invalid_argument if `visited` has another shape.
Array visit_map(const Array& visited, const Array& centres, std::size_t B, float radius);

class ReturnInhibition : public Module {
 public:
  ReturnInhibition() = default;  // off
  // `init` 0: off (no parameter, no term); else the weight's starting value, over an H x W thumbnail.
  ReturnInhibition(float init, std::size_t H, std::size_t W);
  bool on() const { return weight_.defined(); }
  float radius() const { return radius_; }
  // The term's FLOPs over an episode of `decisions` decisions (0 when off).
  double flops_per_episode(std::size_t decisions) const;
  // The term w * visit [B, P] to add to each cell's score; undefined when off.
  Var operator()(const Observation& obs, std::size_t B) const;

 private:
  Var weight_;     // [1]
  Array centres_;  // [P, 2]
  float radius_ = 0.0f;
};

}  // namespace saccade
