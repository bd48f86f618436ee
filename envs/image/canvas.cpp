#include "envs/image/canvas.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace saccade {

CanvasSpec CanvasSpec::from_config(std::size_t canvas, std::size_t pieces, std::size_t piece_size) {
  if (pieces > 0) return cluttered(canvas, pieces, piece_size);
  return canvas == 0 ? plain() : translated(canvas);
}

std::size_t canvas_side(const CanvasSpec& spec, const ImageDataset& data) {
  const std::size_t h = data.height(), w = data.width();
  const auto bad = [&](const std::string& what) {
    throw std::invalid_argument("canvas for " + data.name + " (" + std::to_string(h) + "x" + std::to_string(w) +
                                " items): " + what);
  };
  if (h != w) bad("items must be square");
  const std::size_t side = (spec.kind == CanvasKind::plain || spec.size == 0) ? h : spec.size;
  if (side < h) bad("canvas side " + std::to_string(side) + " is smaller than an item");
  if (spec.kind == CanvasKind::cluttered && spec.clutter_pieces > 0) {
    if (spec.clutter_size == 0 || spec.clutter_size > h) {
      bad("clutter size " + std::to_string(spec.clutter_size) + " must be in 1.." + std::to_string(h));
    }
    if (data.size() < 2) bad("clutter needs at least two items in the split");
  }
  return side;
}

CanvasPlacement render_canvas_into(const ImageDataset& data, std::size_t index, const CanvasSpec& spec, Rng& rng,
                                   float* out) {
  const std::size_t side = canvas_side(spec, data);
  const std::size_t n = data.height();  // items are n x n
  if (index >= data.size()) {
    throw std::out_of_range("render_canvas: item " + std::to_string(index) + " of " + data.name + " (size " +
                            std::to_string(data.size()) + ")");
  }
  std::memset(out, 0, side * side * sizeof(float));
  CanvasPlacement p;
  if (spec.kind != CanvasKind::plain) {
    p.row = rng.randint(side - n + 1);
    p.col = rng.randint(side - n + 1);
  }
  const float* item = data.item(index);
  for (std::size_t r = 0; r < n; ++r) std::memcpy(out + (p.row + r) * side + p.col, item + r * n, n * sizeof(float));

  if (spec.kind != CanvasKind::cluttered) return p;
  const std::size_t s = spec.clutter_size;
  p.clutter.reserve(spec.clutter_pieces);
  for (std::size_t k = 0; k < spec.clutter_pieces; ++k) {
    ClutterPiece c;
    c.item = rng.randint(data.size() - 1);  // uniform over the other items: skip over `index`
    if (c.item >= index) ++c.item;
    c.src_row = rng.randint(n - s + 1);
    c.src_col = rng.randint(n - s + 1);
    c.row = rng.randint(side - s + 1);
    c.col = rng.randint(side - s + 1);
    const float* src = data.item(c.item) + c.src_row * n + c.src_col;
    for (std::size_t r = 0; r < s; ++r) {
      float* dst = out + (c.row + r) * side + c.col;
      for (std::size_t j = 0; j < s; ++j) dst[j] = std::max(dst[j], src[r * n + j]);
    }
    p.clutter.push_back(c);
  }
  return p;
}

Canvas render_canvas(const ImageDataset& data, std::size_t index, const CanvasSpec& spec, Rng& rng) {
  const std::size_t side = canvas_side(spec, data);
  Canvas c{Tensor2::from_shape({side, side}), {}};
  c.placement = render_canvas_into(data, index, spec, rng, c.image.data());
  return c;
}

Rng canvas_rng(std::uint64_t seed, std::size_t example) {
  return Rng::stream(seed, "canvas").fork(std::to_string(example));
}

}  // namespace saccade
