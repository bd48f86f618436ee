// The base of every trainable component: an ordered list of named parameters.
//
// Parameters are `Var`s, i.e. shared handles to autograd nodes. A parent module does not keep pointers
// to its children: `register_module` copies the child's named Vars into the parent's list under
// "prefix.". Both lists then refer to the same nodes, so an optimizer stepping the parent's parameters
// updates the child's too, and modules stay freely movable (and copyable: a copy shares its weights).
//
// Consequence: register a child only once it holds its final parameters. Assigning a new child to a
// member after registering it leaves the parent listing the old child's Vars.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/autograd.hpp"

namespace saccade {

using NamedParameters = std::vector<std::pair<std::string, Var>>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  // In registration order, which is stable: checkpoints and optimizer state are keyed by these names.
  const NamedParameters& named_parameters() const { return params_; }
  std::vector<Var> parameters() const;
  // Total number of scalars over all parameters.
  std::size_t num_parameters() const;
  void zero_grad();

  // A new leaf parameter (requires_grad = true) holding `init`. Names must be unique in this module.
  Var register_parameter(const std::string& name, Array init);
  // Adds the child's parameters as "prefix.<child name>".
  void register_module(const std::string& prefix, const Module& child);

 private:
  void add(std::string name, Var v);
  NamedParameters params_;
};

}  // namespace saccade
