#include "experiments/run/calibrate.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numeric>

#include <nlohmann/json.hpp>

#include "agents/confidence_stop.hpp"
#include "experiments/run/train_loop.hpp"

namespace saccade {

double adaptive_val_regions(const std::string& path, bool keep_best) {
  std::ifstream in(path);
  double regions = -1.0, best = -1.0;
  for (std::string line; std::getline(in, line);) {
    const auto row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object() || row.value("policy", "") != kAdaptive || !row.contains("val_mean_regions")) continue;
    const double acc = row.value("val_accuracy", 0.0);
    if (keep_best && acc <= best) continue;  // KeepBest keeps the first of equal accuracies
    best = acc;
    regions = row["val_mean_regions"].get<double>();
  }
  return regions;
}

void calibrate_stop(PolicySetup& s, const RunOptions& o, PolicyResult& result) {
  auto* stop = dynamic_cast<ConfidenceStopPolicy*>(s.policy.get());
  if (!stop) return;
  const double target = adaptive_val_regions(o.out_dir + "/metrics.jsonl", o.keep_best);
  if (target < 0) {
    std::fprintf(stderr, "[%s] no `adaptive` in this run to match: it reads its whole plan, never stopping early\n", s.name.c_str());
    stop->set_threshold(std::numeric_limits<double>::infinity());
    return;
  }
  // Every validation example under every draw, as validation scores them, reading its whole plan.
  NoGrad no_grad;
  stop->set_threshold(std::numeric_limits<double>::infinity());
  stop->record(true);
  ConfidenceStopPolicy::Record all;
  Rng rng = Rng::stream(o.seed, "calibration");
  const std::size_t n = limit(s.val_env->num_examples(), o.eval_examples);
  for (std::size_t r = 0; r < o.eval_repeats; ++r) {
    for (std::size_t begin = 0; begin < n; begin += o.eval_batch_size) {
      std::vector<std::size_t> examples(std::min(n, begin + o.eval_batch_size) - begin);
      std::iota(examples.begin(), examples.end(), begin);
      run_episode(*s.val_env, *s.reader, *stop, examples, kValidationSeed + r, rng, /*greedy=*/true);
      ConfidenceStopPolicy::Record part = stop->take_record();
      for (auto& c : part.confidence) all.confidence.push_back(std::move(c));
      all.plan_length.insert(all.plan_length.end(), part.plan_length.begin(), part.plan_length.end());
    }
  }
  stop->record(false);
  const Calibration c = calibrate_threshold(all, target);
  stop->set_threshold(c.threshold);
  Rng val_rng = Rng::stream(o.seed, "validation");
  const EvalResult val = evaluate_draws(*s.val_env, *s.reader, *stop, n, o, kValidationSeed, val_rng);
  result.val_accuracy = val.accuracy;
  std::fprintf(stderr, "[%s] threshold %.4f: %.2f regions on validation (adaptive's: %.2f), validation accuracy %.4f\n",
               s.name.c_str(), c.threshold, val.mean_regions, target, val.accuracy);
}

}  // namespace saccade
