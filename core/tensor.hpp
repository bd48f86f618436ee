// Tensor aliases used across saccade. Values live in row-major float32 xtensor containers:
// fixed rank (`Tensor<N>`) where the rank is known at compile time, dynamic rank (`Array`) inside the
// autograd, whose ops accept any rank.
#pragma once

#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

namespace saccade {

using Array = xt::xarray<float>;
template <std::size_t N>
using Tensor = xt::xtensor<float, N>;
using Tensor1 = Tensor<1>;
using Tensor2 = Tensor<2>;
using Tensor3 = Tensor<3>;
using Tensor4 = Tensor<4>;

using Shape = std::vector<std::size_t>;

// Number of elements of a shape (1 for a scalar, shape {}).
inline std::size_t shape_size(const Shape& s) {
  std::size_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

}  // namespace saccade
