// The experiment runner, the same for every task: for each policy (the learned `adaptive` and every
// fixed one), train a fresh reader under that policy for the same epochs, seed and data, pick nothing
// by test accuracy, then score it on the test split. A task (image, text, dialogue) only says how to
// build the envs, the reader and the policy: see experiments/tasks/. Training is one loop
// (experiments/run/train_loop.hpp) with hooks around it (progress, metrics, checkpoints, keep-best);
// scoring is experiments/run/scoring.hpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/evaluate.hpp"
#include "agents/trainer.hpp"
#include "core/lr_schedule.hpp"
#include "experiments/run/stages.hpp"

namespace saccade {

// Everything one policy's run needs, built by the task.
struct PolicySetup {
  std::string name;                  // "adaptive", "center", ...
  std::unique_ptr<Env> train_env;    // training split
  std::unique_ptr<Env> val_env;      // validation split
  std::unique_ptr<Env> test_env;     // test split
  std::unique_ptr<Env> oov_test_env; // optional: a test split of values no training example has
  std::unique_ptr<Reader> reader;    // freshly initialised
  bool own_reader = false;           // a reference's own reader (`fc`, `cnn`, `preview`): reader.init,
                                     // which starts the run's reader, does not apply to it
  std::unique_ptr<Policy> policy;
  std::size_t budget = 0;            // the run's budget (policy.budget), reported in results.csv even
                                     // for policies that read more (`all`, `fc`: see mean_regions)
};

struct RunOptions {
  std::string run_name, env_name, out_dir;
  std::uint64_t seed = 0;
  std::size_t epochs = 10, batch_size = 64;
  std::size_t train_examples = 0, eval_examples = 0, eval_batch_size = 250;  // 0: the whole split
  double minutes = 0.0;              // per-policy wall-clock limit on training (0: none)
  std::size_t eval_repeats = 1;      // draws of each validation and test example's randomness scored
  bool keep_best = false;            // test the epoch with the best validation accuracy, not the last
  LrShape schedule = LrShape::constant;  // train.schedule (core/lr_schedule.hpp), each stage over its own epochs
  std::size_t warmup_epochs = 0;     // train.warmup_epochs
  std::size_t patience = 0;          // train.patience: stop after this many epochs without a better validation accuracy (0: never)
  std::optional<double> policy_lr;   // policy.lr: the controller's rate (none: train.lr), for a run without stages
  bool eval_test = true;             // false (a probe): no test episode at all, choices see validation only
  std::string reader_init;           // a checkpoint whose reader.* parameters start every policy's reader
  bool resume = false;               // continue the interrupted run in out_dir (experiments/run/resume.hpp)
  TrainerFactory make_trainer;       // train.algorithm's, from experiments/tables/trainers.cpp
  // train.stages: the learned policy's schedule (experiments/run/stages.hpp); empty: one stage of
  // `epochs` under make_trainer, as every run without stages
  std::vector<TrainStage> stages;
  MakeFixedPolicy make_fixed;        // a stage's fixed actor by name (experiments/tables/choose.hpp)
};

struct PolicyResult {
  std::string name;
  std::size_t budget = 0;
  EvalResult test;                   // meaningless when !tested
  bool tested = true;                // false: eval.test was off, nothing was scored on test
  double oov_accuracy = -1.0;        // on PolicySetup::oov_test_env; < 0: none
  double val_accuracy = 0.0;         // of the epoch kept (train.keep)
  double train_seconds = 0.0;
  std::size_t epochs = 0;            // trained (fewer than train.epochs when train.minutes ran out)
  std::size_t best_epoch = 0;        // the epoch kept: train.keep=best's best, else the last
};

class MetricsLog;
class ProgressReporter;

// Where one policy's training sits in the whole run, for progress lines and the ETA.
struct RunProgress {
  ProgressReporter* reporter = nullptr;  // none: the per-epoch lines go straight to stderr
  std::size_t policy_index = 0, policies = 1;
  std::chrono::steady_clock::time_point run_start = std::chrono::steady_clock::now();
};

// Trains setup.reader (and setup.policy if it learns) and scores it; one line per epoch goes to `log`,
// progress (every batch, every epoch) to `progress.reporter`. Every epoch ends with a checkpoint
// (experiments/run/epoch_checkpoint.hpp); with options.resume, training continues from the one there is.
PolicyResult train_and_evaluate(PolicySetup& setup, const RunOptions& options, MetricsLog& log,
                                const RunProgress& progress = {});

// Trains and scores each policy in order (`setup` builds one by name), prints the table, writes
// OUT/results.csv and OUT/metrics.jsonl, and last OUT/status.json (see experiments/run/results_files.hpp).
// With options.resume, the policies an interrupted run finished are kept and the rest continue.
// Returns the process exit status.
int run_policies(const std::vector<std::string>& policies, const std::function<PolicySetup(const std::string&)>& setup,
                 const RunOptions& options);

}  // namespace saccade
