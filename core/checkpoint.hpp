// Checkpoints: a model's parameters, optionally an optimizer's state and a few named scalars, in one
// .npz file that numpy can open (np.load(path)["param/<name>"]).
//
// Keys: "param/<parameter name>" (float32), "optim/<state name>" (float32 buffers, int64 counters such
// as "optim/step"), "extra/<name>" (float64 scalars: epoch, best accuracy, ...), "state/<name>" (any
// array a caller needs to continue a run: a random stream's words, a kept snapshot). Saving is atomic (see
// core/npz.hpp). Loading checks every key and shape before changing anything, so a failed load leaves
// the model and optimizer as they were.
#pragma once

#include <map>
#include <string>

#include "core/npz.hpp"

#include "core/module.hpp"
#include "core/optim.hpp"

namespace saccade {

void save_checkpoint(const std::string& path, const Module& model, const Optimizer* optimizer = nullptr,
                     const std::map<std::string, double>& extra = {}, const NpzEntries& state = {});

// Restores the parameters (and the optimizer's state when `optimizer` is given; the file must then hold
// it) in place and returns the extra scalars; the "state/" arrays go to `state` when given. Throws std::runtime_error naming the file and the key on a
// missing, unexpected or mis-shaped entry.
std::map<std::string, double> load_checkpoint(const std::string& path, Module& model, Optimizer* optimizer = nullptr,
                                              std::map<std::string, NpyArray>* state = nullptr);

// Initialises `model` from part of a checkpoint: every parameter `name` of the model is read from the
// key "param/<prefix><name>" (e.g. prefix "reader." takes a run's reader out of its checkpoint, whose
// model also held a policy and a baseline). Other keys are ignored; a missing or mis-shaped one throws
// std::runtime_error naming the file and key, and then nothing has changed.
void load_parameters(const std::string& path, Module& model, const std::string& prefix = "");

// The extra scalars of a checkpoint ("extra/<name>"), without loading anything else.
std::map<std::string, double> checkpoint_extras(const std::string& path);

}  // namespace saccade
