// Sums and means, as loops over [outer, len, inner] blocks. Backward spreads the gradient back over
// the reduced axis.
#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

using detail::AxisSplit;

Var sum(const Var& a) {
  double total = 0.0;  // double accumulator: sums of many float32s drift otherwise
  for (std::size_t i = 0; i < a.size(); ++i) total += a.data()[i];
  return make_op_result(Array(static_cast<float>(total)), "sum", {a}, [a](Node& out) {
    const float g = out.grad.data()[0];
    float* ga = a.node()->grad_or_zeros().data();
    for (std::size_t i = 0; i < a.size(); ++i) ga[i] += g;
  });
}

Var mean(const Var& a) { return sum(a) * (1.0f / static_cast<float>(a.size())); }

Var sum(const Var& a, int axis, bool keepdims) {
  const std::size_t ax = detail::normalize_axis(axis, a.dim(), "sum");
  const AxisSplit s = detail::split_at(a.value(), ax);
  Shape shape = a.shape();
  if (keepdims) {
    shape[ax] = 1;
  } else {
    shape.erase(shape.begin() + static_cast<long>(ax));
  }
  Array out = xt::zeros<float>(shape);
  for (std::size_t o = 0; o < s.outer; ++o) {
    for (std::size_t l = 0; l < s.len; ++l) {
      const float* src = a.data() + (o * s.len + l) * s.inner;
      float* dst = out.data() + o * s.inner;
      for (std::size_t i = 0; i < s.inner; ++i) dst[i] += src[i];
    }
  }
  return make_op_result(std::move(out), "sum_axis", {a}, [a, s](Node& out) {
    float* ga = a.node()->grad_or_zeros().data();
    for (std::size_t o = 0; o < s.outer; ++o) {
      for (std::size_t l = 0; l < s.len; ++l) {
        const float* g = out.grad.data() + o * s.inner;
        float* dst = ga + (o * s.len + l) * s.inner;
        for (std::size_t i = 0; i < s.inner; ++i) dst[i] += g[i];
      }
    }
  });
}

Var mean(const Var& a, int axis, bool keepdims) {
  const std::size_t ax = detail::normalize_axis(axis, a.dim(), "mean");
  return sum(a, axis, keepdims) * (1.0f / static_cast<float>(a.shape(ax)));
}

}  // namespace saccade
