// What every task shares: one policy's setup (envs, reader, policy) built from the tables by name.
// A task says only what is its own: its kind of env, its envs for a layout and a budget, and what of
// the models' shapes only it knows (a vocabulary, the answer slots). The rest is here once:
//   `adaptive`     the learned policy policy.type names, over the task's regions at policy.budget
//   a fixed name   its rule (experiments/tables/fixed_policies.cpp) at policy.budget
//   a reference    its layout, every region of it, its reader and its fixed policy
//                  (experiments/tables/references.cpp); Layout::preview is the task's own envs
//                  wrapped here, for every task alike, so their previews are the one region
//                  (envs/preview_env.hpp)
// and every reader is reader.type's (a reference may name its own), from the same seed.
#pragma once

#include <memory>
#include <string>

#include "experiments/run/runner.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

class TaskModels {
 public:
  virtual ~TaskModels() = default;
  virtual EnvKind kind() const = 0;
  // Regions an example has at most in that layout (what a reference reads).
  virtual std::size_t regions(Layout layout) const = 0;
  // Sets s.train_env, val_env, test_env (and oov_test_env where the task has one).
  virtual void make_envs(PolicySetup& s, Layout layout, std::size_t budget) const = 0;
  // The spec and vocab_size, region_tokens, slot_values: what the readers need beyond the spec.
  virtual ModelInputs model_inputs(const EnvSpec& spec) const = 0;
};

// The train, validation and test envs of one type over the three splits, each E(split, args...).
template <class E, class Split, class... Args>
void set_split_envs(PolicySetup& s, const Split& train, const Split& val, const Split& test, const Args&... args) {
  s.train_env = std::make_unique<E>(train, args...);
  s.val_env = std::make_unique<E>(val, args...);
  s.test_env = std::make_unique<E>(test, args...);
}

// The setup of the policy `name` (`adaptive`, a fixed policy or a reference), for a checked config.
PolicySetup build_setup(const TaskModels& task, const Config& cfg, const std::string& name);

}  // namespace saccade
