// Optimizers with PyTorch's update rules, and global gradient-norm clipping.
//
// An optimizer holds the (name, Var) pairs it updates; Vars are shared handles, so stepping them
// updates the module that listed them. All state (momentum buffers, Adam moments, the step counter) is
// allocated up front and exposed through `named_state()`, so a checkpoint can save it and restore it in
// place into a freshly built optimizer.
//
// A parameter that has never received a gradient (grad not allocated) is skipped by `step`, as PyTorch
// skips `p.grad is None`. After `zero_grad` the gradient is allocated and zero, so it is stepped
// (momentum and weight decay still move it), again as in PyTorch with set_to_none=False.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/module.hpp"

namespace saccade {

// One named piece of optimizer state: either a float buffer shaped like its parameter, or an integer
// counter. Exactly one pointer is set; it points into the optimizer, which must outlive the entry.
template <class A, class C>
struct BasicStateEntry {
  std::string name;
  A* buffer = nullptr;
  C* counter = nullptr;
};
using StateEntry = BasicStateEntry<Array, std::int64_t>;
using ConstStateEntry = BasicStateEntry<const Array, const std::int64_t>;

class Optimizer {
 public:
  Optimizer(NamedParameters params, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;  // the state entries point into the optimizer
  Optimizer& operator=(const Optimizer&) = delete;

  // One update from the current gradients; increments the step counter.
  virtual void step() = 0;
  void zero_grad();

  // The base rate: what a NaN halves and a checkpoint keeps (agents/safe_update.hpp).
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  // The learning-rate schedule's factor on every rate for the next steps (core/lr_schedule.hpp), 1
  // unless set. Not state: the training loop sets it before every batch from the step's number.
  virtual void set_lr_scale(double scale) { scale_ = scale; }
  double lr_scale() const { return scale_; }
  // The parameters whose names `in_group` accepts step at `lr` rather than at lr() (PyTorch's parameter
  // groups; policy.lr, experiments/run/stages.cpp). Kept as the ratio lr / lr(), so that what moves the
  // base rate (a NaN's halving, a restored checkpoint, the schedule) moves the group's alike.
  virtual void set_group_lr(const std::function<bool(const std::string&)>& in_group, double lr);
  // The rate parameter i steps at now: lr() x the schedule's factor x its group's ratio (exactly lr()
  // when neither is set).
  double rate(std::size_t i) const { return lr_ * scale_ * ratio_[i]; }
  std::int64_t steps() const { return step_; }
  const NamedParameters& named_parameters() const { return params_; }

  // Every state buffer and the step counter ("step"), by stable names.
  std::vector<StateEntry> named_state();
  std::vector<ConstStateEntry> named_state() const;

 protected:
  // Subclasses list their per-parameter buffers; the base adds "step".
  virtual void add_state(std::vector<StateEntry>& out) = 0;
  // Whether `p` has a gradient to apply (see the note at the top).
  static bool has_grad(const Var& p);

  NamedParameters params_;
  double lr_;
  double scale_ = 1.0;
  std::vector<double> ratio_;  // per parameter, its group's rate over lr_ (1: the base rate)
  std::int64_t step_ = 0;
};

// Stochastic gradient descent, PyTorch's torch.optim.SGD without dampening:
//   g = grad + weight_decay * p
//   buf = momentum * buf + g                (buf starts at zero, so the first step gives buf = g)
//   g = nesterov ? g + momentum * buf : buf (when momentum != 0)
//   p -= lr * g
// Hyperparameters are doubles, as in PyTorch: coefficients such as 1 - beta2 are formed in double and
// rounded to float once (1 - 0.999f would be off by 1e-5 relative).
struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;  // needs momentum > 0
};

class SGD : public Optimizer {
 public:
  explicit SGD(NamedParameters params, SGDOptions options = {});
  void step() override;
  const SGDOptions& options() const { return opt_; }  // as constructed; lr() is the current rate

 private:
  void add_state(std::vector<StateEntry>& out) override;
  SGDOptions opt_;
  std::vector<Array> momentum_;  // "<param>.momentum_buffer"; empty when momentum == 0
};

// Adam (Kingma & Ba) with PyTorch's bias correction, torch.optim.Adam / AdamW:
//   t += 1
//   decoupled (AdamW): p *= 1 - lr * weight_decay;   otherwise (Adam): g = grad + weight_decay * p
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // true: AdamW
};

class Adam : public Optimizer {
 public:
  explicit Adam(NamedParameters params, AdamOptions options = {});
  void step() override;
  const AdamOptions& options() const { return opt_; }  // as constructed; lr() is the current rate

 private:
  void add_state(std::vector<StateEntry>& out) override;
  AdamOptions opt_;
  std::vector<Array> exp_avg_;     // "<param>.exp_avg"
  std::vector<Array> exp_avg_sq_;  // "<param>.exp_avg_sq"
};

// Several optimizers saved and restored as one: a learner that steps its parts at different times (the
// reader once per batch, the policy several times, agents/actor_critic.hpp) keeps an optimizer per part,
// so that one part's step never moves the other's parameters through its Adam moments. Each member's
// state is named "<member>/<its name>". step() steps every member; the members are stepped directly
// in training, and this set is what a checkpoint saves. The members must outlive the set. The
// schedule's factor and a group's rate reach every member (by the members' own parameter names).
class OptimizerSet : public Optimizer {
 public:
  explicit OptimizerSet(std::vector<std::pair<std::string, Optimizer*>> members);
  void step() override;
  void set_lr_scale(double scale) override;
  void set_group_lr(const std::function<bool(const std::string&)>& in_group, double lr) override;

 private:
  void add_state(std::vector<StateEntry>& out) override;
  std::vector<std::pair<std::string, Optimizer*>> members_;
};

// Scales all gradients by max_norm / (norm + 1e-6) when their global L2 norm exceeds max_norm.
// Returns the norm before clipping. A non-finite norm is returned and nothing is scaled, so the caller
// can stop and report it. Parameters without a gradient are ignored.
float clip_grad_norm(const std::vector<Var>& params, float max_norm);
float clip_grad_norm(const NamedParameters& params, float max_norm);

}  // namespace saccade
