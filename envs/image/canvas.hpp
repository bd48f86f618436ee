// Canvases: where an item of an image split is drawn before the agent looks at it.
//   plain       the item as it is (e.g. 28x28); items must be square.
//   translated  the item at a uniformly random place fully inside a W x W canvas (RAM: W = 60).
//   cluttered   translated, plus P pieces of S x S cut from random places of other random items of
//               the same split, dropped at random places on the canvas and combined with max, so
//               neither they nor the item erase each other (RAM: 60x60 with 4 pieces of 8x8; also
//               100x100 with 8).
// Rendering draws from the Rng it is given, in a fixed order (item row, item col, then per piece:
// source item, source row, source col, row, col), so the same stream gives the same canvas.
// Envs use canvas_rng(seed, example), which makes a canvas depend only on (seed, example).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "envs/image/dataset.hpp"

namespace saccade {

enum class CanvasKind { plain, translated, cluttered };

struct CanvasSpec {
  CanvasKind kind = CanvasKind::plain;
  std::size_t size = 60;           // W for translated / cluttered; 0 = the item's own side
  std::size_t clutter_pieces = 4;  // P (cluttered)
  std::size_t clutter_size = 8;    // S (cluttered)

  static CanvasSpec plain() { return {CanvasKind::plain, 0, 0, 0}; }
  static CanvasSpec translated(std::size_t size = 60) { return {CanvasKind::translated, size, 0, 0}; }
  static CanvasSpec cluttered(std::size_t size = 60, std::size_t pieces = 4, std::size_t piece_size = 8) {
    return {CanvasKind::cluttered, size, pieces, piece_size};
  }
  // From the config keys env.canvas (0 when unset), env.clutter.pieces, env.clutter.size:
  // no canvas and no clutter -> plain; no clutter -> translated; else cluttered.
  static CanvasSpec from_config(std::size_t canvas, std::size_t pieces, std::size_t piece_size);
};

// The canvas side W for this dataset. Throws std::invalid_argument when the spec does not fit the
// items (non-square items, a canvas smaller than an item, clutter bigger than an item, a split of
// one item that has no other items to cut clutter from).
std::size_t canvas_side(const CanvasSpec& spec, const ImageDataset& data);

struct ClutterPiece {
  std::size_t item;                // index in the split of the item it was cut from (never the drawn item)
  std::size_t src_row, src_col;    // top-left of the cut inside that item
  std::size_t row, col;            // top-left on the canvas
};

struct CanvasPlacement {
  std::size_t row = 0, col = 0;      // the item's top-left on the canvas
  std::vector<ClutterPiece> clutter;
};

// Renders item `index` into `out` (W*W floats, row-major, overwritten): no allocation but the
// placement's clutter list. Throws like canvas_side.
CanvasPlacement render_canvas_into(const ImageDataset& data, std::size_t index, const CanvasSpec& spec, Rng& rng,
                                   float* out);

struct Canvas {
  Tensor2 image;  // [W, W]
  CanvasPlacement placement;
};
Canvas render_canvas(const ImageDataset& data, std::size_t index, const CanvasSpec& spec, Rng& rng);

// The stream an example's canvas is drawn from: Rng::stream(seed, "canvas").fork(to_string(example)).
Rng canvas_rng(std::uint64_t seed, std::size_t example);

}  // namespace saccade
