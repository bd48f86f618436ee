#include "experiments/run/runner.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/blas_kernels.hpp"
#include "core/checkpoint.hpp"
#include "experiments/run/calibrate.hpp"
#include "experiments/run/epoch_checkpoint.hpp"
#include "experiments/run/hooks.hpp"
#include "experiments/run/progress.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/run/resume.hpp"
#include "experiments/run/scoring.hpp"
#include "experiments/run/train_loop.hpp"

namespace saccade {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

// Trains the stages of `s`'s schedule from `first` on (experiments/run/stages.hpp), each with its own
// trainer and hooks, through `st`; returns the last stage's trainer (its module is the final checkpoint's).
// train.minutes counts the whole schedule: once it runs out, the later stages are skipped; so does
// train.patience: once validation has not improved for that many epochs, the schedule ends.
// train.keep=best keeps the best epoch of any stage (validation always scores the run's own policy with
// its reader, what the test will score).
std::unique_ptr<StageTrainer> train_stages(PolicySetup& s, const RunOptions& run, const std::vector<TrainStage>& stages, std::size_t first,
                                           std::unique_ptr<StageTrainer> trainer, EpochState& st, Rng& policy_rng, MetricsLog& log,
                                           const RunProgress& progress) {
  const std::string checkpoint = epoch_checkpoint_path(run.out_dir, s.name);
  for (std::size_t k = first; k < stages.size(); ++k) {
    if (run.minutes > 0 && st.train_seconds > run.minutes * 60.0) break;
    if (patience_ran_out(st, run.patience)) break;
    if (k != first) trainer = make_stage_trainer(s, run, stages, k);
    const bool staged = stages.size() > 1;
    if (staged && st.epoch < stage_end(stages, k))
      std::fprintf(stderr, "[%s] stage %zu of %zu: %s acts, %s trains (%s), epochs %zu to %zu\n", s.name.c_str(), k + 1, stages.size(),
                   stages[k].acts.c_str(), parts_text(stages[k].parts).c_str(), stages[k].algorithm.c_str(),
                   stage_end(stages, k) - stages[k].epochs + 1, stage_end(stages, k));
    const Module trainable = trainer->trainable();
    KeepBest keep_best(trainable);
    MetricsHook metrics(log, s.name, *trainer);
    if (staged) metrics.set_stage(k + 1, stages[k].acts, parts_text(stages[k].parts));
    ProgressHook progress_line(run, s, *trainer, progress);
    CheckpointHook save(checkpoint, *trainer, run.seed);
    std::vector<TrainingHook*> hooks = {&metrics, &progress_line, &save};
    if (run.keep_best) hooks.insert(hooks.begin(), &keep_best);
    train_epochs(s, run, *trainer, st, policy_rng, hooks, {.first = stage_end(stages, k) - stages[k].epochs + 1, .last = stage_end(stages, k)});
  }
  return trainer;
}

PolicyResult train_and_evaluate(PolicySetup& s, const RunOptions& o, MetricsLog& log, const RunProgress& progress) {
  PolicyResult result;
  result.name = s.name;
  result.budget = s.budget;
  // The same starting reader for every policy (fair), before the optimizer sees its parameters.
  if (!o.reader_init.empty() && !s.own_reader) load_parameters(o.reader_init, *s.reader, "reader.");  // checked in tasks.cpp
  const std::vector<TrainStage> stages = schedule_of(o, s.name);
  RunOptions run = o;
  run.epochs = total_epochs(stages);  // the progress lines count the whole schedule

  // Resume: the interrupted run's stage, state, trainer and policy stream (experiments/run/resume.hpp).
  const std::string checkpoint = epoch_checkpoint_path(o.out_dir, s.name);
  const bool resuming = o.resume && std::filesystem::exists(checkpoint);
  const std::size_t first = resuming ? stage_of_epoch(stages, epochs_in_checkpoint(checkpoint)) : 0;
  std::unique_ptr<StageTrainer> trainer = make_stage_trainer(s, run, stages, first);
  Rng policy_rng = Rng::stream(o.seed, "policy-" + s.name);
  EpochState st;
  bool stopped_before = false;  // train.patience had run out before the interruption
  if (resuming) {
    st = load_epoch_checkpoint(checkpoint, *trainer, o.seed);
    stopped_before = patience_ran_out(st, o.patience);
    policy_rng = Rng::from_state(st.policy_rng);
    std::fprintf(stderr, "[%s] resuming after epoch %zu of %zu (%s)\n", s.name.c_str(), st.epoch, run.epochs, checkpoint.c_str());
    if (stopped_before)
      std::fprintf(stderr, "[%s] it had stopped early (no better validation accuracy since epoch %zu): no more training\n", s.name.c_str(),
                   st.best_epoch);
  }
  trainer = train_stages(s, run, stages, first, std::move(trainer), st, policy_rng, log, progress);
  if (!stopped_before && st.epoch < run.epochs && patience_ran_out(st, o.patience))
    std::fprintf(stderr, "[%s] stopping early after epoch %zu: no better validation accuracy since epoch %zu (train.patience %zu)\n",
                 s.name.c_str(), st.epoch, st.best_epoch, o.patience);
  const Module trainable = trainer->trainable();
  KeepBest keep_best(trainable);

  result.epochs = st.epoch;
  result.train_seconds = st.train_seconds;
  result.val_accuracy = o.keep_best ? keep_best.restore(st, st.val_accuracy, s.name) : st.val_accuracy;
  result.best_epoch = o.keep_best && st.best_epoch > 0 ? st.best_epoch : result.epochs;
  std::filesystem::create_directories(o.out_dir + "/checkpoints");
  save_checkpoint(o.out_dir + "/checkpoints/" + s.name + ".npz", trainable, &trainer->optimizer(),
                  {{"epochs", static_cast<double>(result.epochs)}, {"cost", trainer->cost()},
                   {"kept_epoch", static_cast<double>(o.keep_best ? st.best_epoch : result.epochs)},
                   {"seed", static_cast<double>(o.seed)}});
  calibrate_stop(s, o, result);  // a confidence stop's threshold, on validation (experiments/run/calibrate.hpp)
  score_policy(s, o, result);
  return result;
}

int run_policies(const std::vector<std::string>& policies, const std::function<PolicySetup(const std::string&)>& setup,
                 const RunOptions& o) {
  const auto run_start = std::chrono::steady_clock::now();
  std::filesystem::create_directories(o.out_dir);
  // status.json marks a finished run: one left by an earlier run in this directory must go first.
  const std::string status_path = o.out_dir + "/status.json";
  std::filesystem::remove(status_path);
  std::vector<PolicyResult> results;
  if (o.resume) {
    const ResumePoint point = prepare_resume(o, policies);
    results = point.finished;
    std::fprintf(stderr, "resuming %s: %zu of %zu policies finished\n", o.out_dir.c_str(), results.size(), policies.size());
  } else {
    clear_earlier_run(o.out_dir);
  }
  MetricsLog log(o.out_dir + "/metrics.jsonl", /*append=*/o.resume);
  ProgressReporter reporter;
  for (std::size_t i = results.size(); i < policies.size(); ++i) {
    PolicySetup s = setup(policies[i]);
    const RunProgress progress{.reporter = &reporter, .policy_index = i, .policies = policies.size(), .run_start = run_start};
    results.push_back(train_and_evaluate(s, o, log, progress));
    write_results_csv(o.out_dir + "/results.csv", o, results);  // each finished policy is kept at once
  }
  reporter.finish();
  std::printf("\n%-12s %8s %10s %13s %15s %14s %14s %10s\n", "policy", "budget", "accuracy", "mean_regions",
              "flops/example", "us/example", "policy_us/ex", "val_acc");
  for (const auto& r : results) {
    if (!r.tested) {  // eval.test=false: nothing on test to show
      std::printf("%-12s %8zu %10s %13s %15s %14s %14s %10.4f\n", r.name.c_str(), r.budget, "-", "-", "-", "-", "-",
                  r.val_accuracy);
      continue;
    }
    char policy_us[32] = "-";  // a row resumed from a file from before the column has none
    if (r.test.policy_us_per_example >= 0) std::snprintf(policy_us, sizeof policy_us, "%.1f", r.test.policy_us_per_example);
    std::printf("%-12s %8zu %10.4f %13.2f %15.3g %14.1f %14s %10.4f\n", r.name.c_str(), r.budget, r.test.accuracy,
                r.test.mean_regions, r.test.flops_per_example, r.test.us_per_example, policy_us, r.val_accuracy);
  }
  std::printf("\nresults: %s/results.csv  metrics: %s/metrics.jsonl\n", o.out_dir.c_str(), o.out_dir.c_str());
  std::fflush(stdout);
  // The last thing a run writes: the sweep's "this run finished" marker.
  const nlohmann::json status = {
      {"status", "done"}, {"policies", results.size()}, {"seconds", seconds_since(run_start)}, {"blas_kernels", blas_kernels()}};
  write_file_atomic(status_path, status.dump() + "\n", "run_policies");
  return 0;
}

}  // namespace saccade
