// scikit-learn's handwritten digits: 1,797 8x8 images, 16 grey levels, labels 0-9. Shipped by Debian's
// python3-sklearn as a gzip CSV (64 pixel columns 0..16, then the label), so quick tests need no download.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace saccade {

struct Digits {
  Array images;             // [N, 64], row-major 8x8 pixels scaled to [0, 1]
  std::vector<int> labels;  // [N], 0..9
};

// Where python3-sklearn installs the file.
const std::string& default_digits_path();

// Throws std::runtime_error naming the file (and the package when it is missing) or the bad line.
Digits load_digits(const std::string& path = default_digits_path());

}  // namespace saccade
