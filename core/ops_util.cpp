#include "core/ops_util.hpp"

#include <algorithm>

#include <xtensor/xbuilder.hpp>

#include "core/kernels.hpp"

namespace saccade::detail {

Array unbroadcast(const Array& grad, const Array& target) {
  if (grad.shape() == target.shape()) return grad;
  // The common case, a bias added to every row: target's shape (leading 1s aside) is grad's trailing
  // shape, so each block of target.size() grad elements adds into the target in order.
  std::size_t first = 0;
  while (first < target.dimension() && target.shape()[first] == 1) ++first;
  const std::size_t kept = target.dimension() - first;
  if (kept <= grad.dimension() &&
      std::equal(target.shape().begin() + static_cast<std::ptrdiff_t>(first), target.shape().end(),
                 grad.shape().end() - static_cast<std::ptrdiff_t>(kept)) &&
      target.size() > 0) {
    Array out = xt::zeros<float>(target.shape());
    kernels::add_rows(out.data(), grad.data(), grad.size() / target.size(), target.size());
    return out;
  }
  // Walk grad in row-major order; each element adds into the target element it was broadcast from
  // (leading axes dropped, size-1 axes pinned to index 0).
  const std::size_t gd = grad.dimension(), td = target.dimension(), lead = gd - td;
  std::vector<std::size_t> tstride(gd, 0);  // target stride per grad axis, 0 where broadcast
  std::size_t stride = 1;
  for (std::size_t i = td; i-- > 0;) {
    if (target.shape()[i] != 1) tstride[i + lead] = stride;
    stride *= target.shape()[i];
  }
  Array out = xt::zeros<float>(target.shape());
  std::vector<std::size_t> idx(gd, 0);
  std::size_t t = 0;  // flat target index of idx
  const float* g = grad.data();
  float* o = out.data();
  for (std::size_t n = 0; n < grad.size(); ++n) {
    o[t] += g[n];
    for (std::size_t ax = gd; ax-- > 0;) {  // odometer increment
      if (++idx[ax] < grad.shape()[ax]) {
        t += tstride[ax];
        break;
      }
      t -= tstride[ax] * (idx[ax] - 1);
      idx[ax] = 0;
    }
  }
  return out;
}

std::size_t normalize_axis(int axis, std::size_t rank, const char* op) {
  const int r = static_cast<int>(rank);
  if (axis < -r || axis >= r) {
    shape_error(op, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  }
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

AxisSplit split_at(const Array& a, std::size_t axis) {
  AxisSplit s;
  for (std::size_t i = 0; i < axis; ++i) s.outer *= a.shape()[i];
  s.len = a.shape()[axis];
  for (std::size_t i = axis + 1; i < a.dimension(); ++i) s.inner *= a.shape()[i];
  return s;
}

std::string shape_str(const Array& a) {
  std::string s = "[";
  for (std::size_t i = 0; i < a.dimension(); ++i) s += (i ? "," : "") + std::to_string(a.shape()[i]);
  return s + "]";
}

}  // namespace saccade::detail
