// Scoring a policy with its reader: single-sample accuracy (greedy decisions, one episode per
// example, no averaging over samples), regions read, compute, measured time, (where the env knows
// it) how many of the reads found the example's evidence, the answers against the labels
// (agents/confusion.hpp) and, when asked, the anytime curve (agents/anytime.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "agents/confusion.hpp"
#include "agents/episode.hpp"

namespace saccade {

struct EvalResult {
  double accuracy = 0.0;
  double mean_regions = 0.0;
  double flops_per_example = 0.0;  // reader + controller
  double us_per_example = 0.0;     // median over batches of (batch time / batch size)
  // The same of the policy's own part of that time (Episode::policy_seconds): choosing, and the
  // reader's summary and prediction only a policy that needs them causes.
  double policy_us_per_example = 0.0;
  std::size_t examples = 0;
  double evidence_read = -1.0;     // fraction of the regions read that hold evidence; -1 when the env
                                   // cannot tell (or nothing was read)
  // Each example's score in index order (example i at [i]): 1 if answered right (every slot), else 0.
  // Kept so that two policies scored on the same examples can be compared pair by pair
  // (experiments/report/paired.hpp).
  std::vector<double> scores;
  Confusion confusion;            // every (example, slot) answer against its label
  double macro_f1 = -1.0;         // macro_f1(class_scores(confusion)); -1: none (a results.csv from before it)
  // With `anytime`: at [k - 1], the examples answered right after reading k regions, k = 1 .. the env's
  // budget (agents/anytime.hpp); empty otherwise, and for an env whose one region is the preview.
  std::vector<double> anytime;
};

// Examples [0, count) of the env's split in batches; `seed` fixes their randomness (canvases).
// anytime: also the anytime curve, whose extra predictions are kept out of the measured times
// (EpisodeRecording::step_predictions) and cost one reader prediction per step.
EvalResult evaluate(Env& env, const Reader& reader, Policy& policy, std::size_t count, std::size_t batch_size,
                    std::uint64_t seed, Rng& rng, bool anytime = false);

}  // namespace saccade
