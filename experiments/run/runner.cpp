#include "experiments/run/runner.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/interrupt.hpp"
#include "core/atomic_file.hpp"
#include "core/blas_kernels.hpp"
#include "core/checkpoint.hpp"
#include "experiments/run/epoch_checkpoint.hpp"
#include "experiments/run/progress.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/run/resume.hpp"

namespace saccade {

namespace {

// Test and validation examples are rendered from fixed seeds, the same for every run seed and every
// policy, so all of them are scored on identical inputs.
constexpr std::uint64_t kValidationSeed = 0x5EEDA11;
constexpr std::uint64_t kTestSeed = 0x7E57;
constexpr std::size_t kTraceExamples = 64;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// eval.repeats > 1: each example is scored under that many draws of its randomness (clutter, canvas),
// the same draws for every policy; the figures are the means over all of them (evidence_read over
// all their reads, so a draw that read more weighs more).
EvalResult evaluate_draws(Env& env, const Reader& reader, Policy& policy, std::size_t n, const RunOptions& o,
                          std::uint64_t seed, Rng& rng) {
  EvalResult mean;
  double reads = 0.0, on_evidence = 0.0;  // over the draws that know the evidence (all or none: one env)
  for (std::size_t r = 0; r < o.eval_repeats; ++r) {
    const EvalResult e = evaluate(env, reader, policy, n, o.eval_batch_size, seed + r, rng);
    const double w = 1.0 / static_cast<double>(r + 1);  // running means
    mean.accuracy += (e.accuracy - mean.accuracy) * w;
    mean.mean_regions += (e.mean_regions - mean.mean_regions) * w;
    mean.flops_per_example += (e.flops_per_example - mean.flops_per_example) * w;
    mean.us_per_example += (e.us_per_example - mean.us_per_example) * w;
    mean.examples += e.examples;
    if (e.evidence_read >= 0) {
      const double draw_reads = e.mean_regions * static_cast<double>(e.examples);
      reads += draw_reads;
      on_evidence += e.evidence_read * draw_reads;
    }
  }
  if (reads > 0) mean.evidence_read = on_evidence / reads;
  return mean;
}

// "[adaptive] test: 1650 scorings (330 examples x 5 draws), accuracy 0.6353, 71% of reads on the
// evidence": printed when there are several draws or the env knows the evidence.
void print_test_line(const PolicyResult& r, std::size_t n_test, const RunOptions& o) {
  if (o.eval_repeats <= 1 && r.test.evidence_read < 0) return;
  std::string line = "[" + r.name + "] test: ";
  if (o.eval_repeats > 1)
    line += std::to_string(r.test.examples) + " scorings (" + std::to_string(n_test) + " examples x " +
            std::to_string(o.eval_repeats) + " draws), ";
  char figures[96];
  std::snprintf(figures, sizeof figures, "accuracy %.4f", r.test.accuracy);
  line += figures;
  if (r.test.evidence_read >= 0) {
    std::snprintf(figures, sizeof figures, ", %.0f%% of reads on the evidence", 100.0 * r.test.evidence_read);
    line += figures;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

std::size_t limit(std::size_t available, std::size_t wanted) { return wanted ? std::min(available, wanted) : available; }

// Fills in the time fields of `u` from the run's start: the ETA scales the time so far by the
// fraction of training done (evaluation time is not modelled apart).
void stamp(ProgressUpdate& u, const RunProgress& p) {
  u.elapsed_seconds = seconds_since(p.run_start);
  const double f = progress_fraction(u);
  u.eta_seconds = f > 0 ? u.elapsed_seconds * (1.0 - f) / f : -1.0;
}

}  // namespace

PolicyResult train_and_evaluate(PolicySetup& s, const RunOptions& o, MetricsLog& log, const RunProgress& progress) {
  PolicyResult result;
  result.name = s.name;
  result.budget = s.budget;
  Rng init_rng = Rng::stream(o.seed, "baseline-init");
  // The same starting reader for every policy (fair), before the optimizer sees its parameters.
  if (!o.reader_init.empty()) load_parameters(o.reader_init, *s.reader, "reader.");  // checked in tasks.cpp
  ReinforceTrainer trainer(*s.train_env, *s.reader, *s.policy, o.rl, init_rng);
  Rng policy_rng = Rng::stream(o.seed, "policy-" + s.name);
  const std::size_t n_train = limit(s.train_env->num_examples(), o.train_examples);
  const std::size_t n_val = limit(s.val_env->num_examples(), o.eval_examples);
  const std::size_t n_test = limit(s.test_env->num_examples(), o.eval_examples);

  // train.keep=best: the parameters of the epoch with the best validation accuracy are the ones saved
  // and tested (chosen on validation, never on test); they ride in `st` with the rest of the state an
  // epoch's checkpoint keeps.
  const Module trainable = trainer.trainable();
  const std::string checkpoint = epoch_checkpoint_path(o.out_dir, s.name);
  EpochState st;
  if (o.resume && std::filesystem::exists(checkpoint)) {
    st = load_epoch_checkpoint(checkpoint, trainer, o.seed);
    policy_rng = Rng::from_state(st.policy_rng);
    result.epochs = st.epoch;
    result.val_accuracy = st.val_accuracy;
    std::fprintf(stderr, "[%s] resuming after epoch %zu of %zu (%s)\n", s.name.c_str(), st.epoch, o.epochs, checkpoint.c_str());
  }

  ProgressUpdate u;
  u.run = o.run_name;
  u.policy = s.name;
  u.policy_index = progress.policy_index;
  u.policies = progress.policies;
  u.epochs = o.epochs;
  u.batches = o.batch_size ? n_train / o.batch_size : 0;

  // The clock goes on from where the interrupted run stopped it: train.minutes counts both, and
  // training stops after the epoch that crosses it.
  const auto start = std::chrono::steady_clock::now() -
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(st.train_seconds));
  auto out_of_time = [&] { return o.minutes > 0 && st.train_seconds > o.minutes * 60.0; };
  for (std::size_t epoch = st.epoch + 1; epoch <= o.epochs && !out_of_time(); ++epoch) {
    // The order and the canvases change every epoch, identically for every policy.
    Rng epoch_rng = Rng::stream(o.seed, "epoch-" + std::to_string(epoch));
    const std::vector<std::size_t> order = epoch_rng.permutation(s.train_env->num_examples());
    const std::uint64_t canvas_seed = epoch_rng.next_u64();
    TrainStats sum;
    std::size_t batches = 0;
    const auto epoch_start = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b + o.batch_size <= n_train; b += o.batch_size) {
      std::vector<std::size_t> examples(order.begin() + static_cast<long>(b),
                                        order.begin() + static_cast<long>(b + o.batch_size));
      TrainStats t;
      try {
        t = trainer.train_batch(examples, canvas_seed, policy_rng);
      } catch (const NonFiniteError& e) {  // too many NaN/Inf updates in a row: stop, saying where
        if (progress.reporter) progress.reporter->finish();
        throw std::runtime_error("policy " + s.name + ", epoch " + std::to_string(epoch) + ": " + e.what());
      }
      check_interrupt();  // a host's Ctrl-C (core/interrupt.hpp): before anything of this epoch is written
      if (t.skipped) continue;  // a NaN or Inf: no update was made (the trainer said so on stderr)
      sum.loss += t.loss;
      sum.accuracy += t.accuracy;
      sum.reward += t.reward;
      sum.mean_regions += t.mean_regions;
      sum.policy_loss += t.policy_loss;
      ++batches;
      if (progress.reporter) {
        const double n = static_cast<double>(batches);
        u.epoch = epoch;
        u.batch = batches;
        u.loss = sum.loss / n;
        u.accuracy = sum.accuracy / n;
        u.regions = sum.mean_regions / n;
        u.epoch_done = false;
        stamp(u, progress);
        progress.reporter->update(u);
      }
    }
    const double nb = static_cast<double>(std::max<std::size_t>(batches, 1));
    Rng val_rng = Rng::stream(o.seed, "validation");
    const EvalResult val = evaluate_draws(*s.val_env, *s.reader, *s.policy, n_val, o, kValidationSeed, val_rng);
    result.val_accuracy = val.accuracy;
    result.epochs = epoch;
    if (o.keep_best && val.accuracy > st.best_val) {
      st.best_val = val.accuracy;
      st.best_epoch = epoch;
      st.best.clear();
      for (const auto& [name, p] : trainable.named_parameters()) st.best.push_back(p.value());
    }
    const double elapsed = seconds_since(start);
    log.write({{"policy", s.name}, {"epoch", epoch}, {"loss", sum.loss / nb}, {"accuracy", sum.accuracy / nb},
               {"reward", sum.reward / nb}, {"mean_regions", sum.mean_regions / nb}, {"policy_loss", sum.policy_loss / nb},
               {"cost", trainer.cost()}, {"val_accuracy", val.accuracy}, {"val_mean_regions", val.mean_regions},
               {"seconds", elapsed}});
    char line[512];
    std::snprintf(line, sizeof line,
                  "[%s] epoch %zu/%zu  loss %.4f  train acc %.4f  val acc %.4f  regions %.2f  cost %.4f  %.0fs (%.0fs/epoch)",
                  s.name.c_str(), epoch, o.epochs, sum.loss / nb, sum.accuracy / nb, val.accuracy, val.mean_regions,
                  trainer.cost(), elapsed, seconds_since(epoch_start));
    if (progress.reporter) {
      u.epoch = epoch;
      u.batch = batches;
      u.loss = sum.loss / nb;
      u.accuracy = sum.accuracy / nb;
      u.regions = sum.mean_regions / nb;
      u.val_accuracy = val.accuracy;
      u.epoch_done = true;
      stamp(u, progress);
      progress.reporter->update(u);
      progress.reporter->print_line(line);
    } else {
      std::fprintf(stderr, "%s\n", line);
    }
    // The metrics line first, then the checkpoint: a kill between the two repeats this epoch on
    // resuming, and the line is cut back (experiments/run/resume.hpp).
    st.epoch = epoch;
    st.train_seconds = elapsed;
    st.val_accuracy = val.accuracy;
    st.policy_rng = policy_rng.state();
    save_epoch_checkpoint(checkpoint, trainer, st, o.seed);
  }
  result.train_seconds = seconds_since(start);
  if (o.keep_best && !st.best.empty()) {
    std::size_t i = 0;
    for (const auto& [name, p] : trainable.named_parameters()) p.node()->value = st.best[i++];
    result.val_accuracy = st.best_val;
    std::fprintf(stderr, "[%s] keeping epoch %zu (best validation accuracy %.4f)\n", s.name.c_str(), st.best_epoch, st.best_val);
  }
  std::filesystem::create_directories(o.out_dir + "/checkpoints");
  save_checkpoint(o.out_dir + "/checkpoints/" + s.name + ".npz", trainable, &trainer.optimizer(),
                  {{"epochs", static_cast<double>(result.epochs)}, {"cost", trainer.cost()},
                   {"kept_epoch", static_cast<double>(o.keep_best ? st.best_epoch : result.epochs)},
                   {"seed", static_cast<double>(o.seed)}});
  Rng test_rng = Rng::stream(o.seed, "test");
  result.test = evaluate_draws(*s.test_env, *s.reader, *s.policy, n_test, o, kTestSeed, test_rng);
  print_test_line(result, n_test, o);
  if (s.oov_test_env) {
    Rng oov_rng = Rng::stream(o.seed, "test-oov");
    const std::size_t n_oov = limit(s.oov_test_env->num_examples(), o.eval_examples);
    result.oov_accuracy = evaluate_draws(*s.oov_test_env, *s.reader, *s.policy, n_oov, o, kTestSeed, oov_rng).accuracy;
    std::fprintf(stderr, "[%s] out-of-vocabulary test: accuracy %.4f (%zu examples)\n", s.name.c_str(), result.oov_accuracy, n_oov);
  }
  Rng trace_rng = Rng::stream(o.seed, "trace");
  write_traces(o.out_dir + "/traces/" + s.name + ".csv", *s.test_env, *s.reader, *s.policy,
               std::min<std::size_t>(n_test, kTraceExamples), kTestSeed, trace_rng);
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
  std::printf("\n%-12s %8s %10s %13s %15s %14s\n", "policy", "budget", "accuracy", "mean_regions", "flops/example",
              "us/example");
  for (const auto& r : results) {
    std::printf("%-12s %8zu %10.4f %13.2f %15.3g %14.1f\n", r.name.c_str(), r.budget, r.test.accuracy,
                r.test.mean_regions, r.test.flops_per_example, r.test.us_per_example);
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
