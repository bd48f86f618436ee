// Internal helpers shared by the ops' backward passes (not a public header).
#pragma once

#include <stdexcept>
#include <string>

#include "core/autograd.hpp"

namespace saccade::detail {

// Sums a broadcast gradient back down to `target`'s shape (numpy broadcasting, reversed).
Array unbroadcast(const Array& grad, const Array& target);

// Resolves a possibly negative axis against a rank, with an error naming the op.
std::size_t normalize_axis(int axis, std::size_t rank, const char* op);

std::string shape_str(const Array& a);

// A row-major array seen as [outer, len, inner] around one axis: ops along an axis (concat, slice,
// sums) work on contiguous blocks of `len * inner` floats.
struct AxisSplit {
  std::size_t outer = 1, len = 1, inner = 1;
};
AxisSplit split_at(const Array& a, std::size_t axis);

[[noreturn]] inline void shape_error(const char* op, const std::string& what) {
  throw std::invalid_argument(std::string(op) + ": " + what);
}

}  // namespace saccade::detail
