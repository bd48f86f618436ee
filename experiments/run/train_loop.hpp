// Training, top to bottom: for each epoch, for each batch, the learning rate's schedule and one
// update by the trainer; then validation, the best epoch so far and early stopping. Everything else a run does around it (progress lines, metrics.jsonl, the epoch
// checkpoint, keep-best) is a hook called after every batch and every epoch
// (experiments/run/hooks.hpp), in the order given.
#pragma once

#include <algorithm>
#include <vector>

#include "agents/evaluate.hpp"
#include "agents/trainer.hpp"
#include "experiments/run/epoch_checkpoint.hpp"
#include "experiments/run/runner.hpp"

namespace saccade {

// One finished epoch.
struct EpochReport {
  std::size_t epoch = 0;
  TrainStats sum;             // summed over the batches that updated
  std::size_t batches = 0;    // that updated (NaN-skipped ones are not counted)
  // A summed figure per batch (in double: metrics.jsonl keeps every bit of it).
  double mean(float total) const { return total / static_cast<double>(std::max<std::size_t>(batches, 1)); }
  EvalResult val{};
  double elapsed = 0.0;       // wall seconds of training so far, the interrupted run's included
  double epoch_seconds = 0.0;
};

class TrainingHook {
 public:
  virtual ~TrainingHook() = default;
  // After each update that was made; `sum` sums the stats of the epoch's `batches` updates so far.
  virtual void batch_done(std::size_t epoch, std::size_t batches, const TrainStats& sum) {}
  // After validation. `state` has this epoch's number, time, accuracy and policy stream.
  virtual void epoch_done(const EpochReport& report, EpochState& state) {}
  // Training stops with an error (too many NaN updates).
  virtual void aborted() {}
};

// The epochs of the stage being trained, numbered through the schedule (experiments/run/stages.hpp):
// the stage's learning-rate schedule (train.schedule) runs over them.
struct StageEpochs {
  std::size_t first = 1, last = 0;
};

// Trains from the epoch after state.epoch to stage.last or until train.minutes runs out or
// train.patience does (patience_ran_out), updating `state`; validation scores setup.policy, whoever
// acts in training. Throws std::runtime_error naming the policy and the epoch when the trainer gives up
// on NaN or Inf.
void train_epochs(PolicySetup& setup, const RunOptions& options, Trainer& trainer, EpochState& state, Rng& policy_rng,
                  const std::vector<TrainingHook*>& hooks, const StageEpochs& stage);

// Early stopping (train.patience): validation accuracy has not risen above its best for `patience`
// epochs (the best at epoch 3 and patience 2: training stops after epoch 5). Never with patience 0.
// A pure function of the state that every epoch checkpoint holds, so a resumed run stops where the
// uninterrupted one did, and one that had stopped trains no more.
bool patience_ran_out(const EpochState& state, std::size_t patience);

// After validating `epoch`: a strictly higher accuracy than any before is the new best (the first of
// equal accuracies stays the best).
void note_validation(EpochState& state, std::size_t epoch, double val_accuracy);

// Validation and test examples are rendered from fixed seeds, the same for every run seed and every
// policy, so all of them are scored on identical inputs.
inline constexpr std::uint64_t kValidationSeed = 0x5EEDA11;
inline constexpr std::uint64_t kTestSeed = 0x7E57;

// eval.repeats > 1: each example is scored under that many draws of its randomness (clutter, canvas),
// the same draws for every policy; the figures are the means over all of them (evidence_read over
// all their reads, so a draw that read more weighs more), `scores` each example's mean over its draws.
// The confusion and the anytime counts add up every draw's answers (examples = n * draws), and
// macro_f1 is that of the summed confusion. anytime: as evaluate's.
EvalResult evaluate_draws(Env& env, const Reader& reader, Policy& policy, std::size_t n, const RunOptions& options,
                          std::uint64_t seed, Rng& rng, bool anytime = false);

// `wanted` examples of `available` (0: all of them).
inline std::size_t limit(std::size_t available, std::size_t wanted) { return wanted ? std::min(available, wanted) : available; }

}  // namespace saccade
