// What `saccade report` makes of results.csv: rows grouped by setting (env, budget and every swept key
// but the seed), each policy's rows across seeds summarised, the best fixed policy chosen on
// validation, and (experiments/report/pairing.hpp) adaptive compared with every other policy on the
// same test examples.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "experiments/report/confidence.hpp"
#include "experiments/report/paired.hpp"

namespace saccade {

struct CsvTable;

// One row of results.csv: one policy in one run (one seed of a setting).
struct SeedRow {
  std::string run, seed;  // results.csv's `run` names the run's directory in a sweep
  double accuracy = 0;    // test; NaN: not scored (eval.test=false)
  double val_accuracy = 0;  // the kept epoch's; NaN: a file from before the column
  long epochs = -1, best_epoch = -1;  // -1: a file from before the columns
  // The kept epoch is among the last three trained: validation accuracy may still have been rising.
  bool still_improving() const { return epochs > 0 && best_epoch > 0 && best_epoch + 3 > epochs; }
};

struct PolicySummary {
  std::string policy;
  MeanCi accuracy;      // test, across the rows that have one (n = 0: never scored on test)
  MeanCi val_accuracy;  // across the rows that have one (n = 0: results.csv has no val_accuracy)
  double mean_regions = 0, us_per_example = 0, flops_per_example = 0;  // means across rows (test)
  double policy_us_per_example = 0;  // the policy's own part of us_per_example; NaN: no row has it
  MeanCi macro_f1;      // test macro-F1 across the rows that have one (n = 0: none, or files from before it)
  bool competes = false;          // a fixed policy within the budget (never a learned one)
  bool learned = false;           // adaptive, or another setting's adaptive shared in (experiments/report/shared.hpp)
  // Shared in from another setting of its family (`saccade report --shared`, experiments/report/shared.hpp):
  std::string from;     // that setting's differing columns, e.g. "train.algorithm=reinforce"; empty: ran here
  std::string ran_as;   // its name in results.csv and its runs' scores/ files ("adaptive"); empty: `policy`
  bool above_best_fixed = false;  // adaptive only: its clipped interval lies above the best competitor's
  std::vector<SeedRow> rows;      // in results.csv's order

  bool tested() const { return accuracy.n > 0; }
  const std::string& scores_name() const { return ran_as.empty() ? policy : ran_as; }
  bool still_improving() const;  // some row's best epoch is among its last three
};

// Adaptive against another policy, per seed on the same test examples.
enum class Verdict {
  better,               // every seed's paired interval lies above 0 and (3+ seeds) the accuracy intervals are apart
  worse,                // the same, below
  no_clear_difference,  // paired, neither of the above
  unpaired,             // some seed has no usable scores (see Comparison::why)
  untested,             // not scored on test (eval.test=false)
};
const char* verdict_text(Verdict v);  // "better", "worse", "no clear difference", "not paired", "not tested"

struct SeedComparison {
  std::string seed, run;
  PairedInterval difference;  // adaptive - other over the run's test examples
  bool has_mcnemar = false;   // each example scored once (eval.repeats = 1)
  McNemar mcnemar;
};

struct Comparison {
  int other = -1;                     // index into SettingSummary::policies
  std::vector<SeedComparison> seeds;  // the seeds both policies ran, in adaptive's row order
  MeanCi difference;                  // across seeds of the per-seed differences (Student's t)
  Verdict verdict = Verdict::unpaired;
  std::string why;                    // unpaired: which file is missing or does not pair
};

struct SettingSummary {
  // (column, value): env, budget, then the extra (swept) columns in results.csv's order.
  std::vector<std::pair<std::string, std::string>> key;
  double budget = 0;
  std::vector<PolicySummary> policies;  // in order of first appearance
  int best_fixed = -1;                  // index into policies of the best competing fixed policy, or -1
  bool best_on_validation = true;       // false: chosen on test (a results.csv without val_accuracy)
  std::vector<Comparison> comparisons;  // adaptive against each other policy (pairing.hpp fills them)

  int index_of(const std::string& policy) const;  // -1: none
  std::string title() const;  // e.g. "image-glimpse-60  budget 4  train.lr=0.01"
  // The same, showing a swept column only where its value differs among `all`'s settings of this env.
  std::string title(const std::vector<SettingSummary>& all) const;
};

// Chooses the setting's best fixed policy among its competing ones (on validation, see
// summary.cpp) and marks adaptive where it lies above it; again after policies are added.
void choose_best_fixed(SettingSummary& s);

// Groups and summarises results.csv's rows; settings in order of first appearance. Throws
// std::runtime_error naming `source`, the line and the column for a missing column or a cell that is
// not a number. Test figures may be empty (eval.test=false); val_accuracy, epochs and best_epoch may
// be absent (files from before them).
std::vector<SettingSummary> summarize_results(const CsvTable& results, const std::string& source);

}  // namespace saccade
