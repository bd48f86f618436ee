#include "core/autograd.hpp"

#include <stdexcept>

namespace saccade {

void Node::accumulate(const Array& g) {
  if (grad.size() == 0 && value.size() != 0) {
    grad = g;
  } else {
    grad += g;
  }
}

Array& Node::grad_or_zeros() {
  if (grad.dimension() != value.dimension() || grad.size() != value.size()) {
    grad = xt::zeros<float>(value.shape());
  }
  return grad;
}

Var::Var(Array value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

Var Var::scalar(float v) { return Var(Array(v)); }

Shape Var::shape() const {
  const auto& s = node_->value.shape();
  return Shape(s.begin(), s.end());
}

float Var::item() const {
  if (node_->value.size() != 1) {
    throw std::invalid_argument("Var::item: value has " + std::to_string(node_->value.size()) +
                                " elements, expected 1");
  }
  return node_->value.data()[0];
}

Var Var::detach() const { return Var(node_->value, false); }

void Var::zero_grad() {
  if (node_->grad.size() == node_->value.size() && node_->grad.size() != 0) {
    node_->grad.fill(0.0f);
  } else {
    node_->grad = Array();
  }
}

Tape& Tape::current() {
  thread_local Tape tape;
  return tape;
}

void Tape::backward(const Var& loss) {
  if (!loss.defined() || loss.size() != 1) {
    throw std::invalid_argument("backward: the loss must have exactly one element");
  }
  if (!loss.requires_grad()) {
    clear();
    throw std::invalid_argument("backward: the loss does not depend on anything that requires a gradient");
  }
  loss.node()->accumulate(xt::ones<float>(loss.value().shape()));
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    Node& n = **it;
    if (n.grad.size() != 0 && n.backward) n.backward(n);
  }
  clear();
}

void backward(const Var& loss) { Tape::current().backward(loss); }

namespace {
thread_local bool g_grad_enabled = true;
}

NoGrad::NoGrad() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGrad::~NoGrad() { g_grad_enabled = previous_; }
bool grad_enabled() { return g_grad_enabled; }

Var make_op_result(Array value, const char* op, std::initializer_list<Var> inputs,
                   std::function<void(Node& self)> backward) {
  Var out(std::move(value), false);
  out.node_->op = op;
  if (!g_grad_enabled) return out;
  bool needs = false;
  for (const auto& in : inputs) needs = needs || in.requires_grad();
  if (!needs) return out;
  out.node_->requires_grad = true;
  out.node_->backward = std::move(backward);
  Tape::current().record(out.node_);
  return out;
}

}  // namespace saccade
