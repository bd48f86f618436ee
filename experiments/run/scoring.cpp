#include "experiments/run/scoring.hpp"

#include <cstdio>
#include <filesystem>

#include "experiments/run/metric_files.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/run/train_loop.hpp"

namespace saccade {

namespace {

constexpr std::size_t kTraceExamples = 64;

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

// eval.test=false: a probe never sees a test example. Its traces come from the first validation
// examples, and a scores file an earlier run left for this policy is removed, so no report pairs it.
// Its class metrics, confusion and anytime curve are those of validation, scored once more as
// training scored it (the same examples, seed and stream) but with the answers kept.
void skip_test(PolicySetup& s, const RunOptions& o, PolicyResult& result) {
  result.tested = false;
  std::filesystem::remove(scores_path(o.out_dir, s.name));
  const std::size_t n_val = limit(s.val_env->num_examples(), o.eval_examples);
  Rng val_rng = Rng::stream(o.seed, "validation");
  const EvalResult val = evaluate_draws(*s.val_env, *s.reader, *s.policy, n_val, o, kValidationSeed, val_rng, /*anytime=*/true);
  add_metric_rows(o.out_dir, s.name, "validation", val);
  Rng trace_rng = Rng::stream(o.seed, "trace");
  write_traces(o.out_dir + "/traces/" + s.name + ".csv", *s.val_env, *s.reader, *s.policy,
               std::min<std::size_t>(n_val, kTraceExamples), kValidationSeed, trace_rng);
  std::fprintf(stderr, "[%s] eval.test is false: not scored on test (validation accuracy %.4f)\n", s.name.c_str(),
               result.val_accuracy);
}

}  // namespace

// Pairing (experiments/report/paired.hpp) needs every policy of a run scored on the same examples
// under the same randomness, and it is: examples [0, n_test) in index order, each rendered by the env
// from (kTestSeed + draw, example index) alone (envs/image/canvas.hpp's canvas_rng, the text env's
// document_rng; dialogues have no randomness at reset), independent of the policy, of the batch an
// example falls in and of the run seed. The data split itself depends on the run seed, so scores pair
// within one run (one seed), never across seeds. The "test" stream below feeds only what a policy
// itself samples (e.g. a random fixed policy), never the examples.
void score_policy(PolicySetup& s, const RunOptions& o, PolicyResult& result) {
  if (!o.eval_test) return skip_test(s, o, result);
  const std::size_t n_test = limit(s.test_env->num_examples(), o.eval_examples);
  Rng test_rng = Rng::stream(o.seed, "test");
  result.test = evaluate_draws(*s.test_env, *s.reader, *s.policy, n_test, o, kTestSeed, test_rng, /*anytime=*/true);
  print_test_line(result, n_test, o);
  add_metric_rows(o.out_dir, s.name, "test", result.test);
  std::vector<double> oov_scores;
  if (s.oov_test_env) {
    Rng oov_rng = Rng::stream(o.seed, "test-oov");
    const std::size_t n_oov = limit(s.oov_test_env->num_examples(), o.eval_examples);
    EvalResult oov = evaluate_draws(*s.oov_test_env, *s.reader, *s.policy, n_oov, o, kTestSeed, oov_rng);
    result.oov_accuracy = oov.accuracy;
    oov_scores = std::move(oov.scores);
    std::fprintf(stderr, "[%s] out-of-vocabulary test: accuracy %.4f (%zu examples)\n", s.name.c_str(), result.oov_accuracy, n_oov);
  }
  write_scores(scores_path(o.out_dir, s.name), o.eval_repeats, result.test.scores, oov_scores);
  Rng trace_rng = Rng::stream(o.seed, "trace");
  write_traces(o.out_dir + "/traces/" + s.name + ".csv", *s.test_env, *s.reader, *s.policy,
               std::min<std::size_t>(n_test, kTraceExamples), kTestSeed, trace_rng);
}

}  // namespace saccade
