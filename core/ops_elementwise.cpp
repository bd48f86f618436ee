// Elementwise ops. Binary ops broadcast like numpy; their backward sums the gradient back down to
// each input's shape (detail::unbroadcast).
#include <xtensor/xmath.hpp>

#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

using detail::unbroadcast;

Var add(const Var& a, const Var& b) {
  return make_op_result(a.value() + b.value(), "add", {a, b}, [a, b](Node& out) {
    if (a.requires_grad()) a.node()->accumulate(unbroadcast(out.grad, a.value()));
    if (b.requires_grad()) b.node()->accumulate(unbroadcast(out.grad, b.value()));
  });
}

Var sub(const Var& a, const Var& b) {
  return make_op_result(a.value() - b.value(), "sub", {a, b}, [a, b](Node& out) {
    if (a.requires_grad()) a.node()->accumulate(unbroadcast(out.grad, a.value()));
    if (b.requires_grad()) b.node()->accumulate(unbroadcast(-out.grad, b.value()));
  });
}

Var mul(const Var& a, const Var& b) {
  return make_op_result(a.value() * b.value(), "mul", {a, b}, [a, b](Node& out) {
    if (a.requires_grad()) a.node()->accumulate(unbroadcast(out.grad * b.value(), a.value()));
    if (b.requires_grad()) b.node()->accumulate(unbroadcast(out.grad * a.value(), b.value()));
  });
}

Var div(const Var& a, const Var& b) {
  return make_op_result(a.value() / b.value(), "div", {a, b}, [a, b](Node& out) {
    if (a.requires_grad()) a.node()->accumulate(unbroadcast(out.grad / b.value(), a.value()));
    if (b.requires_grad()) {
      // d(a/b)/db = -a / b^2
      Array gb = -out.grad * a.value() / (b.value() * b.value());
      b.node()->accumulate(unbroadcast(gb, b.value()));
    }
  });
}

Var add(const Var& a, float s) {
  return make_op_result(a.value() + s, "add_scalar", {a}, [a](Node& out) { a.node()->accumulate(out.grad); });
}

Var mul(const Var& a, float s) {
  return make_op_result(a.value() * s, "mul_scalar", {a},
                        [a, s](Node& out) { a.node()->accumulate(out.grad * s); });
}

Var neg(const Var& a) {
  return make_op_result(-a.value(), "neg", {a}, [a](Node& out) { a.node()->accumulate(-out.grad); });
}

Var relu(const Var& a) {
  return make_op_result(xt::maximum(a.value(), 0.0f), "relu", {a}, [a](Node& out) {
    a.node()->accumulate(xt::where(a.value() > 0.0f, out.grad, 0.0f));
  });
}

// The backward of tanh, sigmoid and exp reads the op's own output: d tanh = 1 - tanh^2, etc.
Var tanh(const Var& a) {
  return make_op_result(xt::tanh(a.value()), "tanh", {a}, [a](Node& out) {
    a.node()->accumulate(out.grad * (1.0f - out.value * out.value));
  });
}

Var sigmoid(const Var& a) {
  // 1 / (1 + e^-x) overflows e^-x for very negative x only to +inf, which gives the right limit 0.
  return make_op_result(1.0f / (1.0f + xt::exp(-a.value())), "sigmoid", {a}, [a](Node& out) {
    a.node()->accumulate(out.grad * out.value * (1.0f - out.value));
  });
}

Var exp(const Var& a) {
  return make_op_result(xt::exp(a.value()), "exp", {a},
                        [a](Node& out) { a.node()->accumulate(out.grad * out.value); });
}

Var log(const Var& a) {
  return make_op_result(xt::log(a.value()), "log", {a},
                        [a](Node& out) { a.node()->accumulate(out.grad / a.value()); });
}

}  // namespace saccade
