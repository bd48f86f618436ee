// A learner: what trains the reader (and the controller, if it learns) one batch at a time. REINFORCE
// (agents/reinforce.hpp) is one implementation; the table of learners is experiments/tables/
// trainers.cpp, and adding one is docs/extending.md, "A learner". What every learner shares lives
// once: the reward and the budget's Lagrange cost (agents/reward.hpp), the guarded update that skips
// NaN and Inf (agents/safe_update.hpp) and the episode rollout (agents/episode.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/module.hpp"
#include "core/optim.hpp"
#include "core/random.hpp"
#include "envs/env.hpp"

namespace saccade {

struct TrainStats {
  float loss = 0, reader_loss = 0, policy_loss = 0, baseline_loss = 0;
  float accuracy = 0, reward = 0, mean_regions = 0, cost = 0, grad_norm = 0;
  bool skipped = false;  // a NaN or Inf: no update was made (the loss may be non-finite)
};

// What a trainer carries from one update to the next besides its parameters and its optimizer's
// buffers, by name (e.g. "lr", "cost", "steps"): saved with every epoch's checkpoint so a resumed run
// trains on exactly as the original would. Names must not collide with the epoch's own ("epoch",
// "train_seconds", "val_accuracy", "best_val", "best_epoch", "seed") nor the stage's ("stage").
using TrainerState = std::map<std::string, double>;

// Training met a NaN or Inf in too many updates in a row (train.nonfinite_limit).
struct NonFiniteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Trainer {
 public:
  virtual ~Trainer() = default;
  // One update on these examples of the env's split; `seed` fixes their randomness (canvases), `rng`
  // drives the policy's sampling.
  virtual TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) = 0;
  // Everything this trainer updates, by name ("reader.*", "policy.*", ...): saved in checkpoints.
  virtual Module trainable() const = 0;
  virtual Optimizer& optimizer() = 0;
  virtual TrainerState state() const = 0;
  // Throws std::runtime_error naming a missing key.
  virtual void restore(const TrainerState& state) = 0;
  // The current cost per region read (the Lagrange multiplier with a target budget), for the logs.
  virtual float cost() const = 0;
};

class Reader;
class Policy;

// What one stage of training updates (train.stages, docs/concepts.md "Stages"). A part that does not
// train keeps its parameters exactly: a learner leaves it out of its optimizer and its loss.
struct TrainParts {
  bool reader = true;  // the reader's cross-entropy
  bool policy = true;  // the learned policy's own loss (a fixed policy never trains)
};

// What a trainer is built over, for one stage of one policy's run.
struct TrainerInputs {
  Env& env;                   // the training split
  Reader& reader;
  Policy& policy;             // the policy that acts: the run's own, or a fixed one in a stage
  Policy* learner = nullptr;  // when a fixed policy acts in the run's learned policy's place, the learned
                              // one (an imitation learner trains it on `policy`'s choices); else null
  TrainParts parts{};
  Rng& init;                  // seeds the trainer's own parameters (a baseline, a value head)
};

// Builds a trainer for one stage of a policy's run (its options already read from the config).
using TrainerFactory = std::function<std::unique_ptr<Trainer>(const TrainerInputs& in)>;

}  // namespace saccade
