#include "core/optim.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include "core/kernels.hpp"

namespace saccade {
namespace {

Array zeros_like(const Var& p) { return xt::zeros<float>(p.value().shape()); }


}  // namespace

// ---- Optimizer ----

Optimizer::Optimizer(NamedParameters params, double lr) : params_(std::move(params)), lr_(lr), ratio_(params_.size(), 1.0) {
  std::unordered_set<const Node*> seen;
  for (const auto& [name, p] : params_) {
    if (!p.defined() || !p.requires_grad()) {
      throw std::invalid_argument("Optimizer: parameter '" + name + "' is not a Var that requires a gradient");
    }
    // The same node listed twice would be stepped twice per step.
    if (!seen.insert(p.node()).second) {
      throw std::invalid_argument("Optimizer: parameter '" + name + "' is listed twice (same Var)");
    }
  }
}

void Optimizer::set_group_lr(const std::function<bool(const std::string&)>& in_group, double lr) {
  if (!(lr > 0.0) || !(lr_ > 0.0)) throw std::invalid_argument("Optimizer: a group's rate and the base rate must be > 0");
  for (std::size_t i = 0; i < params_.size(); ++i)
    if (in_group(params_[i].first)) ratio_[i] = lr / lr_;
}

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) p.zero_grad();
}

bool Optimizer::has_grad(const Var& p) { return p.has_grad(); }

std::vector<StateEntry> Optimizer::named_state() {
  std::vector<StateEntry> out;
  add_state(out);
  out.push_back({"step", nullptr, &step_});
  return out;
}

std::vector<ConstStateEntry> Optimizer::named_state() const {
  // Same list, read-only: add_state only takes addresses, it changes nothing.
  std::vector<ConstStateEntry> out;
  for (auto& e : const_cast<Optimizer*>(this)->named_state()) out.push_back({e.name, e.buffer, e.counter});
  return out;
}

// ---- SGD ----

SGD::SGD(NamedParameters params, SGDOptions options) : Optimizer(std::move(params), options.lr), opt_(options) {
  if (opt_.nesterov && opt_.momentum <= 0.0) throw std::invalid_argument("SGD: nesterov needs momentum > 0");
  if (opt_.momentum < 0.0 || opt_.weight_decay < 0.0) {
    throw std::invalid_argument("SGD: momentum and weight_decay must be >= 0");
  }
  if (opt_.momentum != 0.0) {
    for (const auto& [name, p] : params_) momentum_.push_back(zeros_like(p));
  }
}

void SGD::add_state(std::vector<StateEntry>& out) {
  for (std::size_t i = 0; i < momentum_.size(); ++i) {
    out.push_back({params_[i].first + ".momentum_buffer", &momentum_[i], nullptr});
  }
}

void SGD::step() {
  ++step_;
  const float mu = static_cast<float>(opt_.momentum);
  const float wd = static_cast<float>(opt_.weight_decay);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i].second;
    if (!has_grad(p)) continue;
    const float lr = static_cast<float>(rate(i));
    float* w = p.value().data();
    const float* grad = p.grad().data();
    float* buf = mu != 0.0f ? momentum_[i].data() : nullptr;
    for (std::size_t j = 0, n = p.size(); j < n; ++j) {
      float g = grad[j] + wd * w[j];
      if (buf) {
        buf[j] = mu * buf[j] + g;
        g = opt_.nesterov ? g + mu * buf[j] : buf[j];
      }
      w[j] -= lr * g;
    }
  }
}

// ---- Adam ----

Adam::Adam(NamedParameters params, AdamOptions options) : Optimizer(std::move(params), options.lr), opt_(options) {
  if (!(opt_.beta1 >= 0.0 && opt_.beta1 < 1.0 && opt_.beta2 >= 0.0 && opt_.beta2 < 1.0)) {
    throw std::invalid_argument("Adam: betas must be in [0, 1)");
  }
  if (opt_.eps < 0.0 || opt_.weight_decay < 0.0) throw std::invalid_argument("Adam: eps and weight_decay must be >= 0");
  for (const auto& [name, p] : params_) {
    exp_avg_.push_back(zeros_like(p));
    exp_avg_sq_.push_back(zeros_like(p));
  }
}

void Adam::add_state(std::vector<StateEntry>& out) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.push_back({params_[i].first + ".exp_avg", &exp_avg_[i], nullptr});
    out.push_back({params_[i].first + ".exp_avg_sq", &exp_avg_sq_[i], nullptr});
  }
}

void Adam::step() {
  ++step_;
  const double b1 = opt_.beta1, b2 = opt_.beta2, wd = opt_.weight_decay;
  // Per-step scalars in double (beta^t, 1 - beta^t keep their precision), rounded to float once.
  const double t = static_cast<double>(step_);
  const double bc1 = 1.0 - std::pow(b1, t);
  const float bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(b2, t)));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i].second;
    if (!has_grad(p)) continue;
    const double lr = rate(i);  // the base rate, unless a group or the schedule says otherwise
    const kernels::AdamStep s{.step_size = static_cast<float>(lr / bc1),
                              .bc2_sqrt = bc2_sqrt,
                              .beta1 = static_cast<float>(b1),
                              .beta2 = static_cast<float>(b2),
                              .one_minus_beta1 = static_cast<float>(1.0 - b1),
                              .one_minus_beta2 = static_cast<float>(1.0 - b2),
                              .eps = static_cast<float>(opt_.eps),
                              .decay = opt_.decoupled_weight_decay ? static_cast<float>(1.0 - lr * wd) : 1.0f,
                              .l2 = opt_.decoupled_weight_decay ? 0.0f : static_cast<float>(wd)};
    kernels::adam_update(p.value().data(), p.grad().data(), exp_avg_[i].data(), exp_avg_sq_[i].data(), p.size(), s);
  }
}

// ---- a set of optimizers ----

namespace {
NamedParameters all_parameters(const std::vector<std::pair<std::string, Optimizer*>>& members) {
  NamedParameters all;
  for (const auto& [name, o] : members)
    for (const auto& [n, p] : o->named_parameters()) all.emplace_back(name + "/" + n, p);
  return all;
}
}  // namespace

OptimizerSet::OptimizerSet(std::vector<std::pair<std::string, Optimizer*>> members)
    : Optimizer(all_parameters(members), members.empty() ? 0.0 : members.front().second->lr()), members_(std::move(members)) {}

void OptimizerSet::step() {
  ++step_;
  for (auto& [name, o] : members_) o->step();
}

void OptimizerSet::set_lr_scale(double scale) {
  Optimizer::set_lr_scale(scale);
  for (auto& [name, o] : members_) o->set_lr_scale(scale);
}

void OptimizerSet::set_group_lr(const std::function<bool(const std::string&)>& in_group, double lr) {
  for (auto& [name, o] : members_) o->set_group_lr(in_group, lr);
}

void OptimizerSet::add_state(std::vector<StateEntry>& out) {
  for (auto& [name, o] : members_)
    for (auto& e : o->named_state()) out.push_back({name + "/" + e.name, e.buffer, e.counter});
}

// ---- clipping ----

float clip_grad_norm(const std::vector<Var>& params, float max_norm) {
  double sq = 0.0;  // accumulated in double: millions of squares in float lose the small ones
  for (const auto& p : params) {
    if (!p.defined() || !p.has_grad()) continue;
    sq += kernels::sum_squares(p.node()->grad.data(), p.size());
  }
  const double norm = std::sqrt(sq);
  if (norm > max_norm) {  // false for NaN: a non-finite norm is reported, not spread into the weights
    const float scale = static_cast<float>(max_norm / (norm + 1e-6));
    for (const auto& p : params) {
      if (!p.defined() || !p.has_grad()) continue;
      kernels::scale(p.node()->grad.data(), p.size(), scale);
    }
  }
  return static_cast<float>(norm);
}

float clip_grad_norm(const NamedParameters& params, float max_norm) {
  std::vector<Var> vars;
  vars.reserve(params.size());
  for (const auto& [name, p] : params) vars.push_back(p);
  return clip_grad_norm(vars, max_norm);
}

}  // namespace saccade
