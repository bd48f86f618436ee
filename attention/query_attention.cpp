#include "attention/query_attention.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention/head_kernels.hpp"
#include "core/ops.hpp"

namespace saccade {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("multi_head_attend: " + what); }

void check_shapes(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask) {
  if (keys.dim() != 3 || values.dim() != 3 || keys.shape() != values.shape()) {
    fail("keys and values must be [B, T, d] alike");
  }
  const std::size_t b = keys.shape(0), t = keys.shape(1), d = keys.shape(2);
  if (q.dim() != 3 || q.shape(2) != d || (q.shape(0) != 1 && q.shape(0) != b)) {
    fail("the queries must be [1, Tq, d] or [B, Tq, d] with d = " + std::to_string(d));
  }
  if (heads == 0 || d % heads != 0) fail("d = " + std::to_string(d) + " is not a multiple of heads");
  if (mask && (mask->dimension() != 2 || mask->shape()[0] != b || mask->shape()[1] != t)) fail("mask must be [B, T]");
}

}  // namespace

Var multi_head_attend(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                      Array* weights) {
  check_shapes(q, keys, values, heads, mask);
  const std::size_t B = keys.shape(0), T = keys.shape(1), d = keys.shape(2), Tq = q.shape(1);
  const std::size_t q_stride = q.shape(0) == 1 ? 0 : Tq * d;  // queries shared by every example, or their own
  const kernels::HeadShape shape{Tq, T, d / heads, d, 1.0f / std::sqrt(static_cast<float>(d / heads))};
  // Where example b's head h starts in each array.
  struct HeadAt {
    std::size_t q, kv, w, out;
  };
  const auto head = [=](std::size_t b, std::size_t h) {
    return HeadAt{b * q_stride + h * shape.dh, b * T * d + h * shape.dh, (b * heads + h) * Tq * T,
                  b * Tq * d + h * shape.dh};
  };
  const auto keep = [mask, T](std::size_t b) { return mask ? mask->data() + b * T : nullptr; };

  Array w = Array::from_shape({B, heads, Tq, T});
  Array out = Array::from_shape({B, Tq, d});
  std::vector<float> scratch(kernels::head_scratch(shape));
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t h = 0; h < heads; ++h) {
      const HeadAt at = head(b, h);
      kernels::attend_head(shape, q.data() + at.q, keys.data() + at.kv, values.data() + at.kv, keep(b),
                           scratch.data(), w.data() + at.w, out.data() + at.out);
    }
  }
  if (weights) *weights = w;

  return make_op_result(std::move(out), "multi_head_attend", {q, keys, values},
                        [q, keys, values, w = std::move(w), heads, shape, head](Node& self) {
    float* gq = q.requires_grad() ? q.node()->grad_or_zeros().data() : nullptr;
    float* gk = keys.requires_grad() ? keys.node()->grad_or_zeros().data() : nullptr;
    float* gv = values.requires_grad() ? values.node()->grad_or_zeros().data() : nullptr;
    std::vector<float> scratch(kernels::head_scratch(shape));
    for (std::size_t b = 0; b < keys.shape(0); ++b) {
      for (std::size_t h = 0; h < heads; ++h) {
        const HeadAt at = head(b, h);
        kernels::attend_head_backward(shape, q.data() + at.q, keys.data() + at.kv, values.data() + at.kv,
                                      w.data() + at.w, self.grad.data() + at.out, scratch.data(),
                                      gq ? gq + at.q : nullptr, gk ? gk + at.kv : nullptr, gv ? gv + at.kv : nullptr);
      }
    }
  });
}

Var query_attention(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                    Array* weights) {
  if (q.dim() != 2 || keys.dim() != 3) fail("q must be [1, d] or [B, d], keys [B, T, d]");
  const std::size_t B = keys.shape(0), d = keys.shape(2);
  const Var out = multi_head_attend(reshape(q, {q.shape(0), 1, q.shape(1)}), keys, values, heads, mask, weights);
  if (weights) weights->reshape({B, heads, keys.shape(1)});
  return reshape(out, {B, d});
}

}  // namespace saccade
