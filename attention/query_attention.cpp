#include "attention/query_attention.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

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

float dot(const float* a, const float* b, std::size_t n) {
  float lanes[8] = {};
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (std::size_t l = 0; l < 8; ++l) lanes[l] += a[j + l] * b[j + l];
  }
  float s = 0.0f;
  for (; j < n; ++j) s += a[j] * b[j];
  for (float lane : lanes) s += lane;
  return s;
}

// out += s * x
void axpy(float s, const float* x, float* out, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) out[j] += s * x[j];
}

}  // namespace

Var multi_head_attend(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                      Array* weights) {
  check_shapes(q, keys, values, heads, mask);
  const std::size_t B = keys.shape(0), T = keys.shape(1), d = keys.shape(2), dh = d / heads, Tq = q.shape(1);
  const std::size_t q_stride = q.shape(0) == 1 ? 0 : Tq * d;  // queries shared by every example, or their own
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const auto kept = [mask, T](std::size_t b, std::size_t t) { return !mask || mask->data()[b * T + t] != 0.0f; };

  // Forward: per example, head and query, the scores over the kept keys, their softmax, the weighted sum.
  Array w = Array::from_shape({B, heads, Tq, T});
  Array out = Array::from_shape({B, Tq, d});
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t h = 0; h < heads; ++h) {
      for (std::size_t i = 0; i < Tq; ++i) {
        const float* qh = q.data() + b * q_stride + i * d + h * dh;
        float* wt = w.data() + ((b * heads + h) * Tq + i) * T;
        float top = -INFINITY;
        for (std::size_t t = 0; t < T; ++t) {
          wt[t] = kept(b, t) ? scale * dot(qh, keys.data() + (b * T + t) * d + h * dh, dh) : -INFINITY;
          top = std::max(top, wt[t]);
        }
        float total = 0.0f;
        for (std::size_t t = 0; t < T; ++t) total += wt[t] = kept(b, t) ? std::exp(wt[t] - top) : 0.0f;
        float* o = out.data() + (b * Tq + i) * d + h * dh;
        std::fill(o, o + dh, 0.0f);
        for (std::size_t t = 0; t < T; ++t) {
          wt[t] = total > 0.0f ? wt[t] / total : 0.0f;  // no kept key: all weights 0
          if (wt[t] != 0.0f) axpy(wt[t], values.data() + (b * T + t) * d + h * dh, o, dh);
        }
      }
    }
  }
  if (weights) *weights = w;

  return make_op_result(std::move(out), "multi_head_attend", {q, keys, values},
                        [q, keys, values, w = std::move(w), heads, q_stride, scale](Node& self) {
    const std::size_t B = keys.shape(0), T = keys.shape(1), d = keys.shape(2), dh = d / heads, Tq = q.shape(1);
    float* gq = q.requires_grad() ? q.node()->grad_or_zeros().data() : nullptr;
    float* gk = keys.requires_grad() ? keys.node()->grad_or_zeros().data() : nullptr;
    float* gv = values.requires_grad() ? values.node()->grad_or_zeros().data() : nullptr;
    std::vector<float> ds(T);
    for (std::size_t b = 0; b < B; ++b) {
      for (std::size_t h = 0; h < heads; ++h) {
        for (std::size_t i = 0; i < Tq; ++i) {
          const std::size_t qi = b * q_stride + i * d + h * dh;
          const float* go = self.grad.data() + (b * Tq + i) * d + h * dh;
          const float* wt = w.data() + ((b * heads + h) * Tq + i) * T;
          // d out / d w_t = go . v_t; through the softmax, ds_t = w_t (dw_t - sum_u w_u dw_u).
          float mean_dw = 0.0f;
          for (std::size_t t = 0; t < T; ++t) {
            ds[t] = wt[t] != 0.0f ? dot(go, values.data() + (b * T + t) * d + h * dh, dh) : 0.0f;
            mean_dw += wt[t] * ds[t];
          }
          for (std::size_t t = 0; t < T; ++t) {
            if (wt[t] == 0.0f) continue;  // masked (or underflowed): no gradient, as softmax's would be ~0
            const std::size_t row = (b * T + t) * d + h * dh;
            if (gv) axpy(wt[t], go, gv + row, dh);
            const float s = wt[t] * (ds[t] - mean_dw) * scale;
            if (gk) axpy(s, q.data() + qi, gk + row, dh);
            if (gq) axpy(s, keys.data() + row, gq + qi, dh);
          }
        }
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
