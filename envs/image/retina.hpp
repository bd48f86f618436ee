// The multi-scale retina (RAM's glimpse sensor). It lives in envs/ because reading a glimpse is the
// env producing a region's content: nothing outside the glimpse is ever handed to the reader.
//
// Coordinates. A location is l = (row, col) in [-1, 1]^2, ROW FIRST (not x, y):
//   (-1, -1) is the canvas' top-left corner, (1, 1) its bottom-right corner, (0, 0) its centre.
// Pixel (i, j) covers [i, i+1) x [j, j+1), so on a W x W canvas the glimpse centre is
//   centre = (l + 1) / 2 * W                       (per axis; l = -1 -> 0, l = 1 -> W)
// and scale s (s = 0..k-1) reads the square of width w_s = g * 2^s whose top-left pixel is
//   top = round(centre - w_s / 2),   round(x) = floor(x + 0.5)   (halves round up)
// averaged in 2^s x 2^s blocks down to g x g. Pixels outside the canvas count as 0 (the average
// still divides by the full 4^s). For even g all scales share one centre.
// Example: W = 8, g = 2, l = (0, 0): centre 4, scale 0 reads rows/cols 3..4, scale 1 rows/cols 2..5.
#pragma once

#include <cstdint>

#include "core/tensor.hpp"

namespace saccade {

struct RetinaSpec {
  std::size_t glimpse = 12;  // g: output side of every scale
  std::size_t scales = 3;    // k: widths g, 2g, ..., 2^(k-1) g
};

// One glimpse into `out` [k, g, g] from a row-major H x W canvas (H = W for saccade's canvases).
void retina_read(const float* canvas, std::size_t height, std::size_t width, float row, float col,
                 const RetinaSpec& spec, float* out);

// A glimpse of a [W, W] canvas at l = (row, col): [k, g, g].
Tensor3 retina(const Tensor2& canvas, float row, float col, const RetinaSpec& spec = {});

// Batched: canvases [B, H, W], locations [B, 2] as (row, col), out [B, k, g, g] (resized if its
// shape differs). Rows where `active` is given and 0 are set to zero and not read.
void retina_batch(const Array& canvases, const Array& locations, const RetinaSpec& spec, Array& out,
                  const std::uint8_t* active = nullptr);

}  // namespace saccade
