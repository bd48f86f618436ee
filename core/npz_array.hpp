// Conversions between xtensor `Array`s and the xtensor-free `NpyArray` of core/npz.hpp.
#pragma once

#include <algorithm>

#include "core/npz.hpp"
#include "core/tensor.hpp"

namespace saccade {

// Saved as float32 ('<f4'), C order.
inline NpyArray to_npy(const Array& a) {
  // An xarray<float> container is always contiguous and row-major (its layout is fixed at compile time).
  return NpyArray::float32(Shape(a.shape().begin(), a.shape().end()), a.data());
}

// Any numeric dtype, converted to float32.
inline Array to_array(const NpyArray& n) {
  const std::vector<float> values = n.to_float32();
  Array a = Array::from_shape(n.shape);
  std::copy(values.begin(), values.end(), a.begin());
  return a;
}

}  // namespace saccade
