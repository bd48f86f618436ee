// Adaptive against each other policy of a setting, on the same test examples: per seed, the paired
// bootstrap interval of the accuracy difference and (each example scored once) McNemar's p, from the
// per-example scores each run keeps in OUT/scores/POLICY.csv (experiments/run/results_files.hpp);
// across seeds, the mean difference with its t-interval; and the verdict.
//
// The verdict (docs/cli.md, "Sweeps and reports"): adaptive is "better" only when the paired interval
// lies above 0 in every seed and, with 3 or more seeds, its accuracy interval across seeds (clipped to
// [0, 1]) lies entirely above the other policy's; "worse" symmetrically; otherwise "no clear
// difference". A seed whose scores are missing, or do not pair (other examples, or figures that do
// not match results.csv), leaves the comparison "not paired": no claim either way.
#pragma once

#include <string>
#include <vector>

#include "experiments/report/summary.hpp"

namespace saccade {

// The test rows of a scores file, in example order.
struct TestScores {
  std::vector<std::size_t> examples;  // ascending, no repeats
  std::vector<double> scores;         // scores[i] is example examples[i]'s
  std::size_t draws = 1;              // eval.repeats: > 1 means scores are means over draws
};

// Reads `split,example,draws,score` and keeps the rows of split "test", sorted by example. Throws
// std::runtime_error naming the file and line for a missing column, a bad cell or a repeated example.
TestScores read_test_scores(const std::string& path);

// Where the run named `run` (results.csv's `run` column) keeps its files: DIR/RUN in a sweep (each
// run's directory is named after it, experiments/sweep/sweep.hpp), else DIR itself (a single run's
// results.csv).
std::string run_directory(const std::string& dir, const std::string& run);

// The verdict from the per-seed paired intervals and the two policies' accuracy intervals across
// seeds (clipped): see the top of this file.
Verdict decide(const std::vector<SeedComparison>& seeds, const Interval& adaptive, const Interval& other);

// Fills each setting's comparisons (adaptive against every other policy, the setting's policy order)
// from the scores files under `dir`: each seed's run of adaptive against the other policy's in the same
// run, or, for a policy shared in from another setting (--shared, shared.hpp), in that setting's run
// of the same seed. Nothing for a setting without adaptive.
void compare_paired(std::vector<SettingSummary>& settings, const std::string& dir);

}  // namespace saccade
