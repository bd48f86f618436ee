// The fixed rules over continuous glimpse locations in [-1,1]^2 (row, col), for
// agents/fixed_policy.hpp, with the same retina and budget as the learned policy:
//   center    every glimpse at (0, 0)
//   random    each glimpse uniformly in [-1,1]^2
//   grid      a fixed scan: the budget's glimpses on a near-square grid of cell centres over the canvas
//   saliency  peaks of the thumbnail preview's energy (3x3 box-smoothed), strongest first, each peak
//             suppressing its neighbourhood so the glimpses spread over distinct blobs
#pragma once

#include "agents/fixed_policy.hpp"

namespace saccade {

GlimpsePlan center_glimpses(const GlimpsePlanInput& in);
GlimpsePlan random_glimpses(const GlimpsePlanInput& in);
GlimpsePlan grid_glimpses(const GlimpsePlanInput& in);
GlimpsePlan saliency_glimpses(const GlimpsePlanInput& in);

// The example's [h, w] thumbnail: its pixels, h and w (std::invalid_argument naming `rule` if the env
// has none). For rules that read it.
struct Thumbnail {
  const float* pixels;
  std::size_t h, w;
};
Thumbnail thumbnail(const GlimpsePlanInput& in, const char* rule);

// How far, in cells, each saliency peak suppresses its neighbourhood on an h-row thumbnail: a sixth
// of its side, at least one cell (agents/return_inhibition.hpp uses the same radius).
inline std::size_t saliency_radius(std::size_t h) { return h / 6 > 0 ? h / 6 : 1; }

}  // namespace saccade
