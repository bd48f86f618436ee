#include "envs/image/patches.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace saccade {

PatchGrid PatchGrid::for_canvas(std::size_t side, std::size_t n) {
  if (n == 0 || side % n != 0) {
    throw std::invalid_argument("patch grid: " + std::to_string(n) + " patches per side do not divide a " +
                                std::to_string(side) + "-pixel canvas (n * p must equal W)");
  }
  return {n, side / n};
}

void read_patch(const float* canvas, const PatchGrid& grid, std::size_t region, float* out) {
  if (region >= grid.regions()) {
    throw std::out_of_range("read_patch: region " + std::to_string(region) + " of " + std::to_string(grid.regions()));
  }
  const std::size_t side = grid.n * grid.p;
  const float* src = canvas + (region / grid.n) * grid.p * side + (region % grid.n) * grid.p;
  for (std::size_t r = 0; r < grid.p; ++r) std::memcpy(out + r * grid.p, src + r * side, grid.p * sizeof(float));
}

Tensor2 read_patch(const Tensor2& canvas, const PatchGrid& grid, std::size_t region) {
  if (canvas.shape()[0] != grid.n * grid.p || canvas.shape()[1] != grid.n * grid.p) {
    throw std::invalid_argument("read_patch: canvas is not " + std::to_string(grid.n * grid.p) + " x " +
                                std::to_string(grid.n * grid.p));
  }
  Tensor2 out = Tensor2::from_shape({grid.p, grid.p});
  read_patch(canvas.data(), grid, region, out.data());
  return out;
}

std::pair<float, float> patch_centre(const PatchGrid& grid, std::size_t region) {
  // Pixel coordinate c maps to l = 2c / W - 1 (the inverse of the retina's centre = (l + 1) / 2 * W).
  const auto to_l = [&](std::size_t index) {
    return static_cast<float>((2.0 * (static_cast<double>(index) + 0.5)) / static_cast<double>(grid.n) - 1.0);
  };
  return {to_l(region / grid.n), to_l(region % grid.n)};
}

void check_thumbnail_factor(std::size_t side, std::size_t factor) {
  if (factor == 0 || side % factor != 0) {
    throw std::invalid_argument("thumbnail: factor " + std::to_string(factor) + " does not divide the canvas side " +
                                std::to_string(side));
  }
}

void thumbnail(const float* canvas, std::size_t side, std::size_t factor, float* out) {
  check_thumbnail_factor(side, factor);
  const std::size_t t = side / factor;
  std::memset(out, 0, t * t * sizeof(float));
  for (std::size_t r = 0; r < side; ++r) {
    float* orow = out + (r / factor) * t;
    const float* crow = canvas + r * side;
    for (std::size_t j = 0; j < t; ++j, crow += factor) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < factor; ++k) sum += crow[k];
      orow[j] += sum;
    }
  }
  const float inv = 1.0f / static_cast<float>(factor * factor);
  for (std::size_t i = 0; i < t * t; ++i) out[i] *= inv;
}

Tensor2 thumbnail(const Tensor2& canvas, std::size_t factor) {
  const std::size_t side = canvas.shape()[0];
  check_thumbnail_factor(side, factor);
  Tensor2 out = Tensor2::from_shape({side / factor, side / factor});
  thumbnail(canvas.data(), side, factor, out.data());
  return out;
}

}  // namespace saccade
