// The patch grid and the thumbnail: the discrete view of a canvas (PatchDrop-style).
//   grid       a W x W canvas cut into n x n patches of p x p (n * p == W); region r = row * n + col,
//              row-major from the top-left. E.g. 5 x 5 patches of 12 x 12 on a 60 x 60 canvas.
//   thumbnail  the canvas average-pooled by an integer factor f (W % f == 0): W/f x W/f, the cheap
//              low-resolution preview a one-shot or saliency policy chooses regions from.
#pragma once

#include <utility>

#include "core/tensor.hpp"

namespace saccade {

struct PatchGrid {
  std::size_t n = 5;   // patches per side
  std::size_t p = 12;  // patch side in pixels
  std::size_t regions() const { return n * n; }
  // The grid of n x n patches on a W x W canvas; throws std::invalid_argument unless n divides W.
  static PatchGrid for_canvas(std::size_t side, std::size_t n);
};

// Copies region r of a row-major W x W canvas (W = grid.n * grid.p) into `out` [p, p].
void read_patch(const float* canvas, const PatchGrid& grid, std::size_t region, float* out);
Tensor2 read_patch(const Tensor2& canvas, const PatchGrid& grid, std::size_t region);

// The centre of region r as a location (row, col) in [-1, 1]^2, in the retina's convention.
std::pair<float, float> patch_centre(const PatchGrid& grid, std::size_t region);

// Average pooling of a row-major W x W canvas by `factor` into `out` [W/factor, W/factor].
void thumbnail(const float* canvas, std::size_t side, std::size_t factor, float* out);
Tensor2 thumbnail(const Tensor2& canvas, std::size_t factor);
// Throws std::invalid_argument unless factor >= 1 divides side.
void check_thumbnail_factor(std::size_t side, std::size_t factor);

}  // namespace saccade
