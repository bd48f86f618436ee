// What the thumbnail policies (agents/spatial_location.hpp, agents/cell_glimpse.hpp) read from the
// env's thumbnail preview [B, H, W]: each cell's 3x3 neighbourhood, and where each cell is in the
// glimpse env's location coordinates ((row, col) in [-1, 1]^2, envs/image/retina.hpp).
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace saccade {

// Each cell's 3x3 neighbourhood, zero-padded, row-major within the window: [B * H * W, 9]. Throws
// std::invalid_argument naming `who` unless `thumbnails` holds B * H * W values.
Array cell_neighbourhoods(const Array& thumbnails, std::size_t B, std::size_t H, std::size_t W, const std::string& who);

// Cell p = y * W + x has its centre at ((y + 0.5) / H * 2 - 1, (x + 0.5) / W * 2 - 1): [H * W, 2].
Array cell_centres(std::size_t H, std::size_t W);

}  // namespace saccade
