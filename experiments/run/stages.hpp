// Staged training (train.stages; docs/concepts.md, "Stages"): the learned policy's run trains in
// stages, each naming which policy acts (the learned one, or a fixed policy reading in its place),
// what trains (reader, policy or both), its learner and its epochs. Epochs are numbered through the
// whole schedule (stage 2 of 5 + 5 epochs runs epochs 6 to 10), so the data order of an epoch, the
// checkpoint's epoch and metrics.jsonl's are those of the run, not of the stage.
//
// Fairness: every other policy's run (fixed policies, references) is one stage of its own under
// train.algorithm for as many epochs as the learned run's stages train the reader in total, from the
// same seed and data: every reader gets the same number of epochs of training.
//
// Each stage has a trainer of its own (its optimizer, its baseline, its Lagrange cost start afresh);
// the reader and the learned policy carry over. A stage's epoch checkpoint holds the reader and the
// learned policy whatever trains, and the stage's index, so --resume rebuilds that stage's trainer,
// restores it and goes on (to the next stage if the checkpoint closed this one).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/policy.hpp"
#include "agents/trainer.hpp"

namespace saccade {

// The name the learned policy is scored under, and acts under in a stage.
inline constexpr const char* kAdaptive = "adaptive";

struct TrainStage {
  std::string acts = kAdaptive;     // "adaptive", or a fixed policy's name (experiments/tables/fixed_policies.cpp)
  TrainParts parts{};
  std::size_t epochs = 0;
  std::string algorithm;             // train.algorithm's row, for the logs
  TrainerFactory make_trainer;
  // policy.lr: the rate of the controller's parameters (the policy's, a baseline's or a critic's: all
  // but the reader's) when it differs from the learner's; none when the stage sets its own lr (which
  // then is both's) or policy.lr is unset.
  std::optional<double> policy_lr;
};

// A fixed policy by name, reading up to `budget` regions of an env with `spec` (a stage's actor).
using MakeFixedPolicy = std::function<std::unique_ptr<Policy>(const std::string& name, const EnvSpec& spec, std::size_t budget)>;

// The epochs of the stages that train the reader: every other policy's reader trains this long.
std::size_t reader_epochs(const std::vector<TrainStage>& stages);
std::size_t total_epochs(const std::vector<TrainStage>& stages);
// The stage epoch `epoch` (1-based, through the schedule) belongs to; the first for 0, the last past the end.
std::size_t stage_of_epoch(const std::vector<TrainStage>& stages, std::size_t epoch);
// The last epoch of stage k, through the schedule.
std::size_t stage_end(const std::vector<TrainStage>& stages, std::size_t k);
// "reader", "policy" or "reader+policy".
std::string parts_text(const TrainParts& parts);

// A stage's trainer as the run sees it: the stage learner's, plus what any stage's checkpoint must
// hold. trainable() adds the run's own learned policy when the learner does not update it (a stage
// that trains the reader under a fixed policy), so every checkpoint, keep-best snapshot and the final
// checkpoint hold the reader and the learned policy; with `stage` (a schedule of several stages),
// state() carries "stage" and restore() refuses a checkpoint of another stage.
class StageTrainer;
struct PolicySetup;
struct RunOptions;

// The stages of one policy's run: the learned policy's are options.stages (one stage of
// options.epochs under options.make_trainer, adaptive acting and both training, when there are
// none); any other policy's is one stage of reader_epochs(options.stages) under options.make_trainer.
std::vector<TrainStage> schedule_of(const RunOptions& options, const std::string& policy);

// Stage k's trainer over setup's reader and policy (a fixed actor built by options.make_fixed when
// the stage names one); its own parameters seeded from (seed, "baseline-init"), stage k > 0 from
// (seed, "baseline-init-stage-<k+1>"); the controller's parameters at the stage's policy_lr.
std::unique_ptr<StageTrainer> make_stage_trainer(PolicySetup& setup, const RunOptions& options,
                                                 const std::vector<TrainStage>& stages, std::size_t k);

class StageTrainer : public Trainer {
 public:
  StageTrainer(std::unique_ptr<Policy> actor, std::unique_ptr<Trainer> inner, const Policy& own, std::optional<std::size_t> stage)
      : actor_(std::move(actor)), inner_(std::move(inner)), own_(own), stage_(stage) {}
  TrainStats train_batch(const std::vector<std::size_t>& examples, std::uint64_t seed, Rng& rng) override {
    return inner_->train_batch(examples, seed, rng);
  }
  Module trainable() const override;
  Optimizer& optimizer() override { return inner_->optimizer(); }
  TrainerState state() const override;
  void restore(const TrainerState& state) override;
  float cost() const override { return inner_->cost(); }

 private:
  std::unique_ptr<Policy> actor_;  // a fixed policy acting in this stage (the inner trainer reads it); may be null
  std::unique_ptr<Trainer> inner_;
  const Policy& own_;
  std::optional<std::size_t> stage_;
};

}  // namespace saccade
