#include "experiments/run/scoring.hpp"

#include <cstdio>

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

}  // namespace

void score_policy(PolicySetup& s, const RunOptions& o, PolicyResult& result) {
  const std::size_t n_test = limit(s.test_env->num_examples(), o.eval_examples);
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
}

}  // namespace saccade
