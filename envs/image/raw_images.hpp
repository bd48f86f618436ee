// One file's (or one array's) images before they become an ImageDataset (dataset.hpp): the form every
// image source is read into, so splitting and scaling to [0, 1] are written once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace saccade {

struct RawImages {
  std::size_t n = 0, h = 0, w = 0;
  std::vector<std::uint8_t> pixels;  // [n, h, w] bytes, pixel = byte / levels; or, when `values` is set,
  std::vector<float> values;         // [n, h, w] already in [0, 1] (float32 arrays), used as they are
  std::vector<int> labels;           // [n], >= 0
  float levels = 255.0f;             // 1 is exactly 1.0f
};

}  // namespace saccade
