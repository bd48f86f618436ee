// Row-wise normalisations over the last axis, written as loops over contiguous rows:
// softmax, log-softmax (both max-shifted so large logits never overflow) and layer norm.
#include <cmath>

#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

namespace {
std::size_t last_dim(const Var& a, const char* op) {
  if (a.dim() == 0) detail::shape_error(op, "needs rank >= 1");
  return a.value().shape().back();
}
}  // namespace

Var softmax(const Var& a) {
  const std::size_t d = last_dim(a, "softmax"), rows = a.size() / (d ? d : 1);
  Array y = Array::from_shape(a.value().shape());
  for (std::size_t r = 0; r < rows; ++r) {
    const float* x = a.data() + r * d;
    float* p = y.data() + r * d;
    float m = x[0];
    for (std::size_t j = 1; j < d; ++j) m = std::max(m, x[j]);
    float z = 0.0f;
    for (std::size_t j = 0; j < d; ++j) z += (p[j] = std::exp(x[j] - m));
    for (std::size_t j = 0; j < d; ++j) p[j] /= z;
  }
  // dx = p * (g - <g, p>) per row
  return make_op_result(std::move(y), "softmax", {a}, [a, d, rows](Node& out) {
    float* gx = a.node()->grad_or_zeros().data();
    for (std::size_t r = 0; r < rows; ++r) {
      const float* p = out.value.data() + r * d;
      const float* g = out.grad.data() + r * d;
      float dot = 0.0f;
      for (std::size_t j = 0; j < d; ++j) dot += g[j] * p[j];
      for (std::size_t j = 0; j < d; ++j) gx[r * d + j] += p[j] * (g[j] - dot);
    }
  });
}

Var log_softmax(const Var& a) {
  const std::size_t d = last_dim(a, "log_softmax"), rows = a.size() / (d ? d : 1);
  Array y = Array::from_shape(a.value().shape());
  for (std::size_t r = 0; r < rows; ++r) {
    const float* x = a.data() + r * d;
    float m = x[0];
    for (std::size_t j = 1; j < d; ++j) m = std::max(m, x[j]);
    float z = 0.0f;
    for (std::size_t j = 0; j < d; ++j) z += std::exp(x[j] - m);
    const float lse = m + std::log(z);
    for (std::size_t j = 0; j < d; ++j) y.data()[r * d + j] = x[j] - lse;
  }
  // dx = g - softmax * sum(g) per row
  return make_op_result(std::move(y), "log_softmax", {a}, [a, d, rows](Node& out) {
    float* gx = a.node()->grad_or_zeros().data();
    for (std::size_t r = 0; r < rows; ++r) {
      const float* ly = out.value.data() + r * d;
      const float* g = out.grad.data() + r * d;
      float gsum = 0.0f;
      for (std::size_t j = 0; j < d; ++j) gsum += g[j];
      for (std::size_t j = 0; j < d; ++j) gx[r * d + j] += g[j] - std::exp(ly[j]) * gsum;
    }
  });
}

Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps) {
  const std::size_t d = last_dim(x, "layer_norm"), rows = x.size() / (d ? d : 1);
  if (gamma.size() != d || beta.size() != d) {
    detail::shape_error("layer_norm", "gamma and beta need " + std::to_string(d) + " elements");
  }
  Array y = Array::from_shape(x.value().shape());
  Array xhat = Array::from_shape(x.value().shape());  // kept for the backward
  Array inv_std = Array::from_shape({rows});
  kernels::layer_norm_rows(x.data(), gamma.data(), beta.data(), rows, d, eps, y.data(), xhat.data(), inv_std.data());
  // With g_hat = g * gamma: dx = inv_std * (g_hat - mean(g_hat) - xhat * mean(g_hat * xhat)).
  return make_op_result(std::move(y), "layer_norm", {x, gamma, beta},
                        [x, gamma, beta, xhat, inv_std, d, rows](Node& out) {
    float* gx = x.requires_grad() ? x.node()->grad_or_zeros().data() : nullptr;
    float* gg = gamma.requires_grad() ? gamma.node()->grad_or_zeros().data() : nullptr;
    float* gb = beta.requires_grad() ? beta.node()->grad_or_zeros().data() : nullptr;
    kernels::layer_norm_rows_backward(out.grad.data(), xhat.data(), inv_std.data(), gamma.data(), rows, d, gx, gg, gb);
  });
}

}  // namespace saccade
