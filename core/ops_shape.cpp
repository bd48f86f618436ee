// Ops that move values without arithmetic: reshape, concat, slice, gathers, masking, transposes.
// Their backward moves the gradient back to where each value came from.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xview.hpp>

#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

Var reshape(const Var& a, const Shape& shape) {
  if (shape_size(shape) != a.size()) {
    detail::shape_error("reshape", "cannot reshape " + detail::shape_str(a.value()) + " to " +
                                       std::to_string(shape_size(shape)) + " elements");
  }
  Array v = a.value();
  v.reshape(shape);
  return make_op_result(std::move(v), "reshape", {a}, [a](Node& out) {
    Array g = out.grad;
    g.reshape(a.value().shape());
    a.node()->accumulate(std::move(g));
  });
}

using detail::AxisSplit;
using detail::split_at;

Var concat(const std::vector<Var>& parts, int axis) {
  if (parts.empty()) detail::shape_error("concat", "no inputs");
  const std::size_t ax = detail::normalize_axis(axis, parts[0].dim(), "concat");
  auto shape = parts[0].value().shape();
  std::size_t total = 0;
  for (const auto& p : parts) {
    bool ok = p.dim() == shape.size();
    for (std::size_t i = 0; ok && i < shape.size(); ++i) ok = i == ax || p.shape(i) == shape[i];
    if (!ok) {
      detail::shape_error("concat", "shape " + detail::shape_str(p.value()) + " does not match " +
                                        detail::shape_str(parts[0].value()) + " off axis " + std::to_string(ax));
    }
    total += p.shape(ax);
  }
  shape[ax] = total;
  Array out = Array::from_shape(shape);
  const AxisSplit o = split_at(out, ax);
  std::vector<std::size_t> offsets;  // where each part starts along the axis
  std::size_t off = 0;
  for (const auto& p : parts) {
    const AxisSplit s = split_at(p.value(), ax);
    for (std::size_t i = 0; i < s.outer; ++i) {
      std::memcpy(out.data() + (i * o.len + off) * o.inner, p.data() + i * s.len * s.inner,
                  s.len * s.inner * sizeof(float));
    }
    offsets.push_back(off);
    off += s.len;
  }
  Var result = make_op_result(std::move(out), "concat", {}, nullptr);
  bool needs = false;
  for (const auto& p : parts) needs = needs || p.requires_grad();
  if (!needs || !grad_enabled()) return result;
  // Inputs are a runtime list, so the node is recorded here rather than through the initializer list.
  Node* n = result.node();
  n->requires_grad = true;
  n->backward = [parts, offsets, ax](Node& self) {
    const AxisSplit o = split_at(self.grad, ax);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (!parts[k].requires_grad()) continue;
      Array& g = parts[k].node()->grad_or_zeros();
      const AxisSplit s = split_at(g, ax);
      for (std::size_t i = 0; i < s.outer; ++i) {
        const float* src = self.grad.data() + (i * o.len + offsets[k]) * o.inner;
        float* dst = g.data() + i * s.len * s.inner;
        for (std::size_t j = 0; j < s.len * s.inner; ++j) dst[j] += src[j];
      }
    }
  };
  Tape::current().record(result.ptr());
  return result;
}

Var slice(const Var& a, int axis, std::size_t begin, std::size_t end) {
  const std::size_t ax = detail::normalize_axis(axis, a.dim(), "slice");
  if (begin > end || end > a.shape(ax)) {
    detail::shape_error("slice", "range [" + std::to_string(begin) + ", " + std::to_string(end) +
                                     ") out of bounds for axis of size " + std::to_string(a.shape(ax)));
  }
  auto shape = a.value().shape();
  shape[ax] = end - begin;
  Array out = Array::from_shape(shape);
  const AxisSplit s = split_at(a.value(), ax);
  const std::size_t block = (end - begin) * s.inner;
  for (std::size_t i = 0; i < s.outer; ++i) {
    std::memcpy(out.data() + i * block, a.data() + (i * s.len + begin) * s.inner, block * sizeof(float));
  }
  return make_op_result(std::move(out), "slice", {a}, [a, s, begin, block](Node& out) {
    float* g = a.node()->grad_or_zeros().data();
    for (std::size_t i = 0; i < s.outer; ++i) {
      const float* src = out.grad.data() + i * block;
      float* dst = g + (i * s.len + begin) * s.inner;
      for (std::size_t j = 0; j < block; ++j) dst[j] += src[j];
    }
  });
}

Array gather_rows(const Array& table, const std::vector<int>& index) {
  const std::size_t rows = table.shape()[0];
  const std::size_t width = table.size() / (rows ? rows : 1);
  for (int i : index) {
    if (i < 0 || static_cast<std::size_t>(i) >= rows) {
      detail::shape_error("gather_rows", "index " + std::to_string(i) + " out of range [0, " +
                                             std::to_string(rows) + ")");
    }
  }
  auto shape = table.shape();
  shape[0] = index.size();
  Array out = Array::from_shape(shape);
  for (std::size_t r = 0; r < index.size(); ++r) {
    std::memcpy(out.data() + r * width, table.data() + index[r] * width, width * sizeof(float));
  }
  return out;
}

Var gather_rows(const Var& table, const std::vector<int>& index) {
  const std::size_t width = table.size() / std::max<std::size_t>(table.shape(0), 1);
  Array out = gather_rows(table.value(), index);
  return make_op_result(std::move(out), "gather_rows", {table}, [table, index, width](Node& out) {
    float* g = table.node()->grad_or_zeros().data();
    for (std::size_t r = 0; r < index.size(); ++r) {
      const float* src = out.grad.data() + r * width;
      float* dst = g + index[r] * width;
      for (std::size_t j = 0; j < width; ++j) dst[j] += src[j];
    }
  });
}

Var gather_sum(const std::vector<Var>& tables, const std::vector<std::vector<int>>& index, const Shape& shape) {
  const std::size_t w = tables.empty() || tables[0].dim() != 2 ? 0 : tables[0].shape(1);
  const std::size_t n = index.empty() ? 0 : index[0].size();
  if (w == 0 || tables.size() != index.size() || shape_size(shape) != n * w) {
    detail::shape_error("gather_sum", "needs one index per table, tables [V, w] of one width and a shape of n * w");
  }
  for (std::size_t t = 0; t < tables.size(); ++t) {
    if (tables[t].dim() != 2 || tables[t].shape(1) != w || index[t].size() != n) {
      detail::shape_error("gather_sum", "table " + std::to_string(t) + " " + detail::shape_str(tables[t].value()) +
                                            " or its index does not fit [V, " + std::to_string(w) + "], n = " + std::to_string(n));
    }
    for (int i : index[t]) {
      if (i < 0 || static_cast<std::size_t>(i) >= tables[t].shape(0)) {
        detail::shape_error("gather_sum", "id " + std::to_string(i) + " out of range for table " + std::to_string(t));
      }
    }
  }
  Array out = xt::zeros<float>(shape);
  for (std::size_t t = 0; t < tables.size(); ++t) {  // added table by table: the order of a chain of adds
    for (std::size_t r = 0; r < n; ++r) kernels::add_rows(out.data() + r * w, tables[t].data() + index[t][r] * w, 1, w);
  }
  return make_op_result(std::move(out), "gather_sum", tables, [tables, index, n, w](Node& out) {
    for (std::size_t t = 0; t < tables.size(); ++t) {
      if (!tables[t].requires_grad()) continue;
      float* g = tables[t].node()->grad_or_zeros().data();
      for (std::size_t r = 0; r < n; ++r) kernels::add_rows(g + index[t][r] * w, out.grad.data() + r * w, 1, w);
    }
  });
}

Var bag_sum(const Var& table, const std::vector<int>& index, const Array& weight) {
  const std::size_t v = table.dim() == 2 ? table.shape(0) : 0, d = v ? table.shape(1) : 0;
  const std::size_t n = weight.dimension() == 2 ? weight.shape()[0] : 0, k = n ? weight.shape()[1] : 0;
  if (v == 0 || n == 0 || index.size() != n * k) {
    detail::shape_error("bag_sum", "table " + detail::shape_str(table.value()) + ", weight " + detail::shape_str(weight) +
                                       " and " + std::to_string(index.size()) + " ids do not fit [V, d], [N, K], N*K");
  }
  for (int i : index) {
    if (i < 0 || static_cast<std::size_t>(i) >= v) detail::shape_error("bag_sum", "id " + std::to_string(i) + " out of range");
  }
  Array out = xt::zeros<float>({n, d});
  kernels::bag_rows(table.data(), index.data(), weight.data(), n, k, d, out.data());
  // d table[id] += w * d out[r], for every (r, j) with that id.
  return make_op_result(std::move(out), "bag_sum", {table}, [table, index, weight, n, k, d](Node& out) {
    kernels::bag_rows_backward(out.grad.data(), index.data(), weight.data(), n, k, d,
                               table.node()->grad_or_zeros().data());
  });
}

namespace {

// scatter_rows into `out` seen as rows of `width` (a copy of base's value, or zeros of a given shape
// when base is undefined).
Var scatter_into(Array out, std::size_t width, const Var& base, const std::vector<int>& index, const Var& rows) {
  const std::size_t n = width ? out.size() / width : 0;
  if (rows.dim() == 0 || rows.shape(0) != index.size() || rows.size() != index.size() * width ||
      n * width != out.size()) {
    detail::shape_error("scatter_rows", "rows " + detail::shape_str(rows.value()) + " do not fit " +
                                            detail::shape_str(out) + " at " + std::to_string(index.size()) +
                                            " indices");
  }
  std::vector<std::uint8_t> hit(n, 0);
  for (int i : index) {
    if (i < 0 || static_cast<std::size_t>(i) >= n || hit[i]) {
      detail::shape_error("scatter_rows", "index " + std::to_string(i) + " out of range or repeated");
    }
    hit[i] = 1;
  }
  for (std::size_t r = 0; r < index.size(); ++r) {
    std::memcpy(out.data() + index[r] * width, rows.data() + r * width, width * sizeof(float));
  }
  std::vector<Var> inputs{rows};
  if (base.defined()) inputs.push_back(base);
  return make_op_result(std::move(out), "scatter_rows", inputs, [base, rows, index, width, hit](Node& out) {
    const float* g = out.grad.data();
    if (base.defined() && base.requires_grad()) {  // replaced rows got their value from `rows`, not from `base`
      float* gb = base.node()->grad_or_zeros().data();
      for (std::size_t i = 0; i < hit.size(); ++i) {
        if (hit[i]) continue;
        for (std::size_t j = 0; j < width; ++j) gb[i * width + j] += g[i * width + j];
      }
    }
    if (rows.requires_grad()) {
      float* gr = rows.node()->grad_or_zeros().data();
      for (std::size_t r = 0; r < index.size(); ++r) {
        for (std::size_t j = 0; j < width; ++j) gr[r * width + j] += g[index[r] * width + j];
      }
    }
  });
}

}  // namespace

Var scatter_rows(const Var& base, const std::vector<int>& index, const Var& rows) {
  if (rows.dim() != base.dim()) {
    detail::shape_error("scatter_rows", "rows " + detail::shape_str(rows.value()) + " do not fit base " +
                                            detail::shape_str(base.value()));
  }
  const std::size_t n = base.shape(0);
  return scatter_into(base.value(), n ? base.size() / n : 0, base, index, rows);
}

Var scatter_rows(const Shape& shape, const std::vector<int>& index, const Var& rows) {
  const std::size_t width = rows.dim() && rows.shape(0) ? rows.size() / rows.shape(0) : 0;
  return scatter_into(xt::zeros<float>(shape), width, Var(), index, rows);
}

Var take_last(const Var& a, const std::vector<int>& index) {
  if (a.dim() != 2 || a.shape(0) != index.size()) {
    detail::shape_error("take_last", "expected [N, C] with N = " + std::to_string(index.size()) + ", got " +
                                         detail::shape_str(a.value()));
  }
  const std::size_t n = a.shape(0), c = a.shape(1);
  for (int i : index) {
    if (i < 0 || static_cast<std::size_t>(i) >= c) {
      detail::shape_error("take_last", "index " + std::to_string(i) + " out of range [0, " + std::to_string(c) + ")");
    }
  }
  Array out = Array::from_shape({n});
  for (std::size_t r = 0; r < n; ++r) out(r) = a.data()[r * c + index[r]];
  return make_op_result(std::move(out), "take_last", {a}, [a, index, c](Node& out) {
    float* g = a.node()->grad_or_zeros().data();
    for (std::size_t r = 0; r < index.size(); ++r) g[r * c + index[r]] += out.grad.data()[r];
  });
}

Var masked_fill(const Var& a, const Array& mask, float value) {
  Array keep = xt::where(xt::equal(mask, 0.0f), 1.0f, 0.0f);
  Array out = xt::where(keep > 0.0f, a.value(), value);
  return make_op_result(std::move(out), "masked_fill", {a}, [a, keep](Node& out) {
    a.node()->accumulate(detail::unbroadcast(out.grad * keep, a.value()));
  });
}

Var transpose_last(const Var& a) {
  if (a.dim() < 2) detail::shape_error("transpose_last", "needs rank >= 2, got " + detail::shape_str(a.value()));
  std::vector<std::size_t> perm(a.dim());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  Array out = xt::transpose(a.value(), perm);
  return make_op_result(std::move(out), "transpose_last", {a}, [a, perm](Node& out) {
    a.node()->accumulate(xt::transpose(out.grad, perm));
  });
}

}  // namespace saccade
