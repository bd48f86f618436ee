// Reverse-mode automatic differentiation on a tape.
//
// A `Var` is a handle to a `Node`: a value, its gradient, and (for op outputs) a backward function.
// Every op whose inputs need gradients appends its output node to the thread's `Tape`. `backward(loss)`
// seeds d loss / d loss = 1, walks the tape from newest to oldest calling each node's backward (which
// adds into its inputs' gradients), then clears the tape. Parameters are leaf nodes that live outside
// the tape and keep their accumulated gradient until `zero_grad`.
//
// Ops are declared in core/ops.hpp; each op's forward and backward sit side by side in core/ops_*.cpp.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace saccade {

struct Node {
  Array value;
  Array grad;                  // meaningful only while has_grad
  bool has_grad = false;       // set when a gradient flows in; cleared by zero_grad
  bool requires_grad = false;  // true for parameters and for op outputs that depend on one
  const char* op = "leaf";     // the op that produced the value (named in NaN reports)
  std::function<void(Node& self)> backward;  // reads self.grad, accumulates into the inputs

  // grad += g, allocating a zero gradient of the value's shape on first use.
  void accumulate(const Array& g);
  // The same for a gradient made for this call (a temporary): the first one is moved in, not copied.
  void accumulate(Array&& g);
  // The gradient, allocated as zeros if nothing has flowed in yet.
  Array& grad_or_zeros();
};

class Var {
 public:
  Var() = default;
  explicit Var(Array value, bool requires_grad = false);

  const Array& value() const { return node_->value; }
  Array& value() { return node_->value; }
  // The gradient; zeros of the value's shape if none has been accumulated.
  const Array& grad() const { return node_->grad_or_zeros(); }
  Array& grad() { return node_->grad_or_zeros(); }
  Shape shape() const;
  std::size_t dim() const { return node_->value.dimension(); }
  std::size_t shape(std::size_t axis) const { return node_->value.shape()[axis]; }
  std::size_t size() const { return node_->value.size(); }
  const float* data() const { return node_->value.data(); }
  float item() const;  // the single value of a one-element Var

  bool requires_grad() const { return node_ && node_->requires_grad; }
  // Whether a gradient has flowed in since the last zero_grad.
  bool has_grad() const { return node_ && node_->has_grad; }
  bool defined() const { return static_cast<bool>(node_); }
  Node* node() const { return node_.get(); }
  const std::shared_ptr<Node>& ptr() const { return node_; }
  // The same value cut off from the graph: gradients do not flow through it.
  Var detach() const;
  void zero_grad();

 private:
  std::shared_ptr<Node> node_;
};

// The ordered record of op outputs to differentiate. One per thread.
class Tape {
 public:
  static Tape& current();
  void record(std::shared_ptr<Node> node) { nodes_.push_back(std::move(node)); }
  std::size_t size() const { return nodes_.size(); }
  void clear() { nodes_.clear(); }
  // The op of the first recorded output (in recording order) holding a NaN or Inf, or nullptr: where a
  // non-finite loss came from.
  const char* first_non_finite() const;
  // Seeds the (one-element) loss with gradient 1, runs every recorded backward newest first, clears.
  void backward(const Var& loss);

 private:
  std::vector<std::shared_ptr<Node>> nodes_;
};

// d loss / d x for every x on the current tape; then the tape is cleared.
void backward(const Var& loss);

// While a NoGrad is alive on this thread, ops record nothing (evaluation, policies acting).
class NoGrad {
 public:
  NoGrad();
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool previous_;
};
bool grad_enabled();

// Used by ops: wraps `value` as the output of `op`. If grad mode is on and any input requires a
// gradient, the node gets `backward` and is recorded on the tape; otherwise it is a constant.
Var make_op_result(Array value, const char* op, std::initializer_list<Var> inputs,
                   std::function<void(Node& self)> backward);
// The same for a list of inputs known at run time.
Var make_op_result(Array value, const char* op, const std::vector<Var>& inputs, std::function<void(Node& self)> backward);

}  // namespace saccade
