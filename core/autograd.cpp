#include "core/autograd.hpp"

#include <cmath>

#include <stdexcept>

namespace saccade {

// A default xarray is 0-d with one element, so "no gradient yet" is the has_grad flag, not an
// empty array.
void Node::accumulate(const Array& g) {
  if (!has_grad) {
    grad = g;
    has_grad = true;
  } else {
    grad += g;
  }
}

void Node::accumulate(Array&& g) {
  if (!has_grad) {
    grad = std::move(g);
    has_grad = true;
  } else {
    grad += g;
  }
}

Array& Node::grad_or_zeros() {
  if (!has_grad) {
    if (grad.shape() == value.shape()) {
      grad.fill(0.0f);  // reuse the buffer zero_grad left behind
    } else {
      grad = xt::zeros<float>(value.shape());
    }
    has_grad = true;
  }
  return grad;
}

Var::Var(Array value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

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
  // The buffer stays for reuse; optimizers skip a parameter no gradient reached since (as PyTorch
  // does with set_to_none), so an unused head is not moved by momentum alone.
  node_->has_grad = false;
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
    if (n.has_grad && n.backward) n.backward(n);
  }
  clear();
}

const char* Tape::first_non_finite() const {
  for (const auto& n : nodes_) {
    for (float v : n->value) {
      if (!std::isfinite(v)) return n->op;
    }
  }
  return nullptr;
}

void backward(const Var& loss) { Tape::current().backward(loss); }

namespace {
thread_local bool g_grad_enabled = true;
}

NoGrad::NoGrad() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGrad::~NoGrad() { g_grad_enabled = previous_; }
bool grad_enabled() { return g_grad_enabled; }

namespace {

// The output of `op` on inputs [first, last): recorded with its backward when grad mode is on and an
// input requires a gradient, else a constant.
// (Inline, with the closure by reference: a call and a move more cost the small ops 25 ns each.)
inline Var op_result(Array&& value, const char* op, const Var* first, const Var* last,
                     std::function<void(Node& self)>& backward) {
  Var out(std::move(value), false);
  out.node()->op = op;
  if (!g_grad_enabled) return out;
  bool needs = false;
  for (const Var* in = first; in != last; ++in) needs = needs || in->requires_grad();
  if (!needs) return out;
  out.node()->requires_grad = true;
  out.node()->backward = std::move(backward);
  Tape::current().record(out.ptr());
  return out;
}

}  // namespace

Var make_op_result(Array value, const char* op, std::initializer_list<Var> inputs,
                   std::function<void(Node& self)> backward) {
  return op_result(std::move(value), op, inputs.begin(), inputs.end(), backward);
}

Var make_op_result(Array value, const char* op, const std::vector<Var>& inputs, std::function<void(Node& self)> backward) {
  return op_result(std::move(value), op, inputs.data(), inputs.data() + inputs.size(), backward);
}

}  // namespace saccade
