#include "agents/thumbnail_cells.hpp"

#include <stdexcept>

namespace saccade {

Array cell_neighbourhoods(const Array& t, std::size_t B, std::size_t H, std::size_t W, const std::string& who) {
  const std::size_t P = H * W;
  if (t.size() != B * P)
    throw std::invalid_argument(who + ": needs a [B, " + std::to_string(H) + ", " + std::to_string(W) + "] thumbnail preview");
  Array f = Array::from_shape({B * P, std::size_t{9}});
  for (std::size_t b = 0; b < B; ++b) {
    const float* img = t.data() + b * P;
    for (std::size_t y = 0; y < H; ++y) {
      for (std::size_t x = 0; x < W; ++x) {
        float* row = f.data() + ((b * P) + y * W + x) * 9;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const long yy = static_cast<long>(y) + dy, xx = static_cast<long>(x) + dx;
            const bool in = yy >= 0 && xx >= 0 && yy < static_cast<long>(H) && xx < static_cast<long>(W);
            *row++ = in ? img[yy * static_cast<long>(W) + xx] : 0.0f;
          }
        }
      }
    }
  }
  return f;
}

Array cell_centres(std::size_t H, std::size_t W) {
  Array c = Array::from_shape({H * W, std::size_t{2}});
  for (std::size_t y = 0; y < H; ++y) {
    for (std::size_t x = 0; x < W; ++x) {
      c(y * W + x, 0) = static_cast<float>((y + 0.5) / H * 2.0 - 1.0);
      c(y * W + x, 1) = static_cast<float>((x + 0.5) / W * 2.0 - 1.0);
    }
  }
  return c;
}

}  // namespace saccade
