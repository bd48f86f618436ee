// Losses and log-probabilities. Most are compositions of the primitive ops (so their gradients come
// from ops already checked); the Bernoulli ones are primitives because log-sigmoid composed from
// log(sigmoid(x)) loses all precision for large |x|.
#include <cmath>

#include <xtensor/xmath.hpp>

#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

Var cross_entropy(const Var& logits, const std::vector<int>& labels) {
  return neg(mean(categorical_log_prob(logits, labels)));
}

Var mse(const Var& a, const Var& b) {
  Var d = a - b;
  return mean(d * d);
}

Var gaussian_log_prob(const Var& x, const Var& mean, const Var& std) {
  static const float half_log_2pi = 0.5f * std::log(2.0f * static_cast<float>(M_PI));
  Var z = (x - mean) / std;
  return (z * z) * -0.5f - log(std) - half_log_2pi;
}

Var categorical_log_prob(const Var& logits, const std::vector<int>& actions) {
  if (logits.dim() != 2) {
    detail::shape_error("categorical_log_prob", "logits must be [N, C], got " + detail::shape_str(logits.value()));
  }
  return take_last(log_softmax(logits), actions);
}

Var categorical_entropy(const Var& logits) {
  Var lp = log_softmax(logits);
  return neg(sum(exp(lp) * lp, -1));
}

namespace {
// softplus(x) = log(1 + e^x), computed without overflow.
float softplus(float x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
float sigmoid1(float x) { return x >= 0 ? 1.0f / (1.0f + std::exp(-x)) : std::exp(x) / (1.0f + std::exp(x)); }
}  // namespace

Var bernoulli_log_prob(const Var& logits, const Array& actions) {
  if (actions.shape() != logits.value().shape()) {
    detail::shape_error("bernoulli_log_prob", "actions " + detail::shape_str(actions) + " vs logits " +
                                                  detail::shape_str(logits.value()));
  }
  // log p(a) = a * x - softplus(x);  d/dx = a - sigmoid(x)
  Array out = Array::from_shape(logits.value().shape());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float x = logits.data()[i];
    out.data()[i] = actions.data()[i] * x - softplus(x);
  }
  return make_op_result(std::move(out), "bernoulli_log_prob", {logits}, [logits, actions](Node& out) {
    float* g = logits.node()->grad_or_zeros().data();
    for (std::size_t i = 0; i < out.grad.size(); ++i) {
      g[i] += out.grad.data()[i] * (actions.data()[i] - sigmoid1(logits.data()[i]));
    }
  });
}

Var bernoulli_entropy(const Var& logits) {
  // H = softplus(x) - x * sigmoid(x);  dH/dx = -x * sigmoid(x) * (1 - sigmoid(x))
  Array out = Array::from_shape(logits.value().shape());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float x = logits.data()[i];
    out.data()[i] = softplus(x) - x * sigmoid1(x);
  }
  return make_op_result(std::move(out), "bernoulli_entropy", {logits}, [logits](Node& out) {
    float* g = logits.node()->grad_or_zeros().data();
    for (std::size_t i = 0; i < out.grad.size(); ++i) {
      const float x = logits.data()[i], s = sigmoid1(x);
      g[i] += out.grad.data()[i] * (-x * s * (1.0f - s));
    }
  });
}

}  // namespace saccade
