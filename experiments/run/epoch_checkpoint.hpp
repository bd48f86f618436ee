// One policy's training, saved after every epoch so that `saccade run --resume DIR` continues it as if
// it had never stopped: CHECKPOINT_DIR/POLICY.last.npz holds the parameters, Adam's buffers and step,
// whatever state the trainer declares (Trainer::state(): REINFORCE's learning rate, Lagrange cost
// and counters), where the policy's random stream stands, the best validation accuracy and its epoch
// (train.patience: a run that had stopped early stops again at once on resuming), and
// (train.keep=best) the best epoch's parameters, by name. With train.stages the trainer is the
// stage's (experiments/run/stages.hpp): its state names the stage, and its parameters always include
// the reader and the learned policy, whatever the stage trains. Every other random stream of a run is derived
// afresh from (seed, name) each epoch, so this is the whole state. The file is replaced atomically
// (core/npz.hpp): a kill leaves the previous epoch's whole file or this one's.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "agents/trainer.hpp"
#include "core/random.hpp"

namespace saccade {

struct EpochState {
  std::size_t epoch = 0;         // epochs finished
  double train_seconds = 0.0;    // wall seconds spent training so far
  double val_accuracy = 0.0;     // the last finished epoch's
  double best_val = -1.0;        // the best validation accuracy so far (train.patience counts from it),
  std::size_t best_epoch = 0;    //   its epoch (0: none yet),
  std::vector<std::pair<std::string, Array>> best;  // and, train.keep=best only, its parameters by name
  Rng::State policy_rng{};
};

// OUT/checkpoints/POLICY.last.npz
std::string epoch_checkpoint_path(const std::string& out_dir, const std::string& policy);

// The trainer's part (parameters, optimizer, Trainer::state()) is taken from `trainer` itself.
void save_epoch_checkpoint(const std::string& path, Trainer& trainer, const EpochState& state,
                           std::uint64_t seed);

// Restores the trainer (parameters, optimizer, TrainerState) from `path` and returns the rest. Throws
// std::runtime_error naming the file when it is not this run's (another seed, checked before anything
// is loaded) or lacks a key.
EpochState load_epoch_checkpoint(const std::string& path, Trainer& trainer, std::uint64_t seed);

// The epochs finished according to the checkpoint at `path` (0 when there is none).
std::size_t epochs_in_checkpoint(const std::string& path);

}  // namespace saccade
