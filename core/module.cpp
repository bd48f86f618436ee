#include "core/module.hpp"

#include <stdexcept>

namespace saccade {

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  out.reserve(params_.size());
  for (const auto& [name, v] : params_) out.push_back(v);
  return out;
}

std::size_t Module::num_parameters() const {
  std::size_t n = 0;
  for (const auto& [name, v] : params_) n += v.size();
  return n;
}

void Module::zero_grad() {
  for (auto& [name, v] : params_) v.zero_grad();
}

Var Module::register_parameter(const std::string& name, Array init) {
  Var v(std::move(init), /*requires_grad=*/true);
  add(name, v);
  return v;
}

void Module::register_module(const std::string& prefix, const Module& child) {
  if (prefix.empty()) throw std::invalid_argument("Module::register_module: empty prefix");
  for (const auto& [name, v] : child.named_parameters()) add(prefix + "." + name, v);
}

void Module::add(std::string name, Var v) {
  if (name.empty()) throw std::invalid_argument("Module: empty parameter name");
  // Linear search: modules have tens of parameters, and registration happens once.
  for (const auto& [existing, p] : params_) {
    if (existing == name) throw std::invalid_argument("Module: parameter '" + name + "' registered twice");
  }
  params_.emplace_back(std::move(name), std::move(v));
}

}  // namespace saccade
