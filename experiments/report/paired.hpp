// Paired statistics for "is adaptive better than this fixed policy on the same test examples?"
// (DESIGN.md, fairness rule 4). Both policies are scored on identical examples and identical clutter
// draws (experiments/run/scoring.cpp says why that holds), so the per-example difference a_i - b_i
// removes the examples' own difficulty from the comparison: far narrower intervals than comparing
// two accuracies, each with its own spread.
//   - paired_bootstrap: a percentile bootstrap interval of mean(a_i - b_i), resampling examples. A
//     fixed seed and a fixed number of resamples make every report reproducible: the interval depends
//     on the differences only, not on which comparison came first.
//   - mcnemar_exact_p: McNemar's exact two-sided test, where each example was scored once (0 or 1):
//     only the discordant pairs (b: a right and b wrong; c: the reverse) carry information, and
//     under "no difference" b ~ Binomial(b + c, 1/2).
//   - clip: across seeds, Student's t-intervals (confidence.hpp) of an accuracy can poke out of
//     [0, 1] with few seeds; what is printed and plotted is clipped to the values it can take.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "experiments/report/confidence.hpp"

namespace saccade {

inline constexpr std::size_t kBootstrapResamples = 10000;
inline constexpr std::uint64_t kBootstrapSeed = 20;  // issue 20; any fixed value would do

struct PairedInterval {
  std::size_t n = 0;  // examples
  double mean = 0;    // mean(a_i - b_i): the difference of the two accuracies
  double low = 0, high = 0;  // 95% percentile bootstrap interval of that mean
  bool excludes_zero() const { return low > 0 || high < 0; }
};

// The q-quantile (q in [0, 1]) of sorted values, interpolating linearly between order statistics
// (numpy.percentile's default): position q * (n - 1). `sorted` must be non-empty and ascending.
double sorted_quantile(const std::vector<double>& sorted, double q);

// Percentile bootstrap of mean(differences): `resamples` times, n examples drawn with replacement
// from the n differences, the resampled mean kept; the interval is the 2.5% and 97.5% quantiles of
// those means (sorted_quantile). Throws std::invalid_argument for no differences or no resamples.
PairedInterval paired_bootstrap(const std::vector<double>& differences, std::size_t resamples = kBootstrapResamples,
                                std::uint64_t seed = kBootstrapSeed);

// McNemar's exact two-sided p-value from the discordant counts: 2 * P(X <= min(b, c)) for
// X ~ Binomial(b + c, 1/2), capped at 1; 1 when b + c == 0. E.g. b = 1, c = 9: 2 * 11 / 1024.
double mcnemar_exact_p(std::size_t b, std::size_t c);

struct McNemar {
  std::size_t b = 0;  // examples a got right and b got wrong
  std::size_t c = 0;  // examples a got wrong and b got right
  double p = 1;
};

// From two equally long lists of per-example scores; none when a score is not exactly 0 or 1
// (several draws per example averaged: McNemar's test does not apply).
std::optional<McNemar> mcnemar_test(const std::vector<double>& a, const std::vector<double>& b);

struct Interval {
  double low = 0, high = 0;
  bool known = false;  // false: fewer than two values, no spread to speak of
};

// ci's [low, high] clipped to [lo, hi] (an accuracy: [0, 1]; a difference of two: [-1, 1]).
Interval clip(const MeanCi& ci, double lo, double hi);

// Whether `a` lies entirely above `b` (both known).
inline bool above(const Interval& a, const Interval& b) { return a.known && b.known && a.low > b.high; }

}  // namespace saccade
