// What a run does around the training loop (experiments/run/train_loop.hpp), one hook each:
//   KeepBest     train.keep=best: the parameters of the epoch with the best validation accuracy (the
//                loop keeps which one it is, for train.patience too) ride in the epoch state (chosen on validation, never on test) and are restored at the end
//   MetricsHook  one metrics.jsonl line per epoch
//   ProgressHook the live progress line (every batch) and one printed line per epoch
//   CheckpointHook  OUT/checkpoints/POLICY.last.npz after every epoch (experiments/run/epoch_checkpoint.hpp)
// Their order in the runner is this one: the metrics line is written before the checkpoint, so a kill
// between the two repeats the epoch on resuming and the line is cut back (experiments/run/resume.hpp).
#pragma once

#include <string>

#include "experiments/run/progress.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/run/train_loop.hpp"

namespace saccade {

class KeepBest : public TrainingHook {
 public:
  explicit KeepBest(const Module& trainable) : trainable_(trainable) {}
  void epoch_done(const EpochReport& r, EpochState& st) override;
  // Puts the best epoch's parameters back (if any were kept); returns its validation accuracy, or
  // `last` when there is none.
  double restore(const EpochState& st, double last, const std::string& policy) const;

 private:
  const Module& trainable_;
};

class MetricsHook : public TrainingHook {
 public:
  MetricsHook(MetricsLog& log, const std::string& policy, const Trainer& trainer) : log_(log), policy_(policy), trainer_(trainer) {}
  // A schedule of several stages (experiments/run/stages.hpp): each line also names its stage
  // (1-based), who acted and what trained. A single-stage run's lines are as they always were.
  void set_stage(std::size_t stage, const std::string& acts, const std::string& trains) {
    stage_ = {{"stage", stage}, {"acts", acts}, {"trains", trains}};
  }
  void epoch_done(const EpochReport& r, EpochState& st) override;

 private:
  MetricsLog& log_;
  std::string policy_;
  const Trainer& trainer_;
  nlohmann::json stage_ = nlohmann::json::object();
};

class ProgressHook : public TrainingHook {
 public:
  ProgressHook(const RunOptions& o, const PolicySetup& s, const Trainer& trainer, const RunProgress& progress);
  void batch_done(std::size_t epoch, std::size_t batches, const TrainStats& sum) override;
  void epoch_done(const EpochReport& r, EpochState& st) override;
  void aborted() override;

 private:
  void send(ProgressUpdate& u) const;
  const Trainer& trainer_;
  RunProgress progress_;
  ProgressUpdate u_;
};

class CheckpointHook : public TrainingHook {
 public:
  CheckpointHook(std::string path, Trainer& trainer, std::uint64_t seed) : path_(std::move(path)), trainer_(trainer), seed_(seed) {}
  void epoch_done(const EpochReport& r, EpochState& st) override { save_epoch_checkpoint(path_, trainer_, st, seed_); }

 private:
  std::string path_;
  Trainer& trainer_;
  std::uint64_t seed_;
};

}  // namespace saccade
