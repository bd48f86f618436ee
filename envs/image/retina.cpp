#include "envs/image/retina.hpp"

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace saccade {
namespace {

// Top-left pixel of a window of `w` pixels centred at l on an axis of `n` pixels (see the header).
long window_start(float l, std::size_t n, std::size_t w) {
  double centre = (static_cast<double>(l) + 1.0) * 0.5 * static_cast<double>(n);
  // Far outside the canvas every window reads zeros; clamping keeps the cast to long defined.
  centre = std::clamp(centre, -2.0 * static_cast<double>(w), static_cast<double>(n + 2 * w));
  return static_cast<long>(std::floor(centre - 0.5 * static_cast<double>(w) + 0.5));
}

// sum[j] += row[j]. Written with xsimd because g++ -O2 (the project's default) does not vectorise a
// loop whose trip count is unknown, and this loop is most of a glimpse's work.
void add_row(float* sum, const float* row, std::size_t len) {
  using Batch = xsimd::batch<float>;
  constexpr std::size_t lanes = Batch::size;
  std::size_t j = 0;
  for (; j + lanes <= len; j += lanes) {
    (Batch::load_unaligned(sum + j) + Batch::load_unaligned(row + j)).store_unaligned(sum + j);
  }
  for (; j < len; ++j) sum[j] += row[j];
}

void check(const RetinaSpec& spec) {
  if (spec.glimpse == 0 || spec.scales == 0 || spec.scales > 16) {
    throw std::invalid_argument("retina: glimpse size and scales must be >= 1 (scales <= 16), got g=" +
                                std::to_string(spec.glimpse) + " k=" + std::to_string(spec.scales));
  }
}

}  // namespace

void retina_read(const float* canvas, std::size_t height, std::size_t width, float row, float col,
                 const RetinaSpec& spec, float* out) {
  if (!std::isfinite(row) || !std::isfinite(col)) throw std::invalid_argument("retina: location is not finite");
  const std::size_t g = spec.glimpse;
  std::memset(out, 0, spec.scales * g * g * sizeof(float));
  for (std::size_t s = 0; s < spec.scales; ++s) {
    const std::size_t block = std::size_t{1} << s;
    const std::size_t w = g * block;
    const long top = window_start(row, height, w), left = window_start(col, width, w);
    // Only the part of the window that lies on the canvas adds anything.
    const long r0 = std::max(top, 0L), r1 = std::min(top + static_cast<long>(w), static_cast<long>(height));
    const long c0 = std::max(left, 0L), c1 = std::min(left + static_cast<long>(w), static_cast<long>(width));
    float* o = out + s * g * g;
    if (r0 >= r1 || c0 >= c1) continue;  // the window misses the canvas: all zeros
    // Per output row: sum its `block` canvas rows column-wise over the window (zero off the canvas;
    // contiguous, vectorised), then add each run of `block` columns into its output column. Every
    // loop is straight and branch-free: this is the env's hot path.
    thread_local std::vector<float> colsum;
    if (colsum.size() < w) colsum.resize(w);
    float* sum = colsum.data();
    const std::size_t skip = static_cast<std::size_t>(c0 - left);  // window columns left of the canvas
    const std::size_t len = static_cast<std::size_t>(c1 - c0);
    const float inv = 1.0f / static_cast<float>(block * block);
    for (std::size_t a = 0; a < g; ++a) {
      const long ra0 = std::max(top + static_cast<long>(a * block), r0);
      const long ra1 = std::min(top + static_cast<long>((a + 1) * block), r1);
      if (ra0 >= ra1) continue;  // this output row lies off the canvas: zeros
      std::memset(sum, 0, w * sizeof(float));
      for (long r = ra0; r < ra1; ++r) add_row(sum + skip, canvas + static_cast<std::size_t>(r) * width + c0, len);
      float* orow = o + a * g;
      for (std::size_t b = 0; b < g; ++b) orow[b] = sum[b * block];
      for (std::size_t u = 1; u < block; ++u) {
        for (std::size_t b = 0; b < g; ++b) orow[b] += sum[b * block + u];
      }
      for (std::size_t b = 0; b < g; ++b) orow[b] *= inv;
    }
  }
}

Tensor3 retina(const Tensor2& canvas, float row, float col, const RetinaSpec& spec) {
  check(spec);
  Tensor3 out = Tensor3::from_shape({spec.scales, spec.glimpse, spec.glimpse});
  retina_read(canvas.data(), canvas.shape()[0], canvas.shape()[1], row, col, spec, out.data());
  return out;
}

void retina_batch(const Array& canvases, const Array& locations, const RetinaSpec& spec, Array& out,
                  const std::uint8_t* active) {
  check(spec);
  if (canvases.dimension() != 3) throw std::invalid_argument("retina_batch: canvases must be [B, H, W]");
  const std::size_t b = canvases.shape()[0], h = canvases.shape()[1], w = canvases.shape()[2];
  if (locations.dimension() != 2 || locations.shape()[0] != b || locations.shape()[1] != 2) {
    throw std::invalid_argument("retina_batch: locations must be [B, 2] with B = " + std::to_string(b));
  }
  const std::size_t g = spec.glimpse, per = spec.scales * g * g;
  if (out.dimension() != 4 || out.shape()[0] != b || out.shape()[1] != spec.scales || out.shape()[2] != g ||
      out.shape()[3] != g) {
    out = Array::from_shape({b, spec.scales, g, g});
  }
  for (std::size_t i = 0; i < b; ++i) {
    if (active && !active[i]) {
      std::memset(out.data() + i * per, 0, per * sizeof(float));
      continue;
    }
    retina_read(canvases.data() + i * h * w, h, w, locations.data()[2 * i], locations.data()[2 * i + 1], spec,
                out.data() + i * per);
  }
}

}  // namespace saccade
