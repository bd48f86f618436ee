// report.md's confusion matrices: for each setting and policy, the confusion.csv rows of its runs
// (experiments/run/metric_files.hpp) summed over seeds, true classes down, answers across. The test
// split's, or validation's for runs with eval.test=false (the heading says which).
#pragma once

#include <string>
#include <vector>

#include "experiments/report/summary.hpp"

namespace saccade {

// The markdown section ("" when no run has a confusion.csv: runs from before the file). A run without
// the file, or a matrix too wide to read, is named in a line instead. `dir` is the report's directory
// (runs are found as pairing.hpp's run_directory finds them). Throws std::runtime_error naming the file
// and line for a malformed confusion.csv.
std::string confusion_markdown(const std::vector<SettingSummary>& settings, const std::string& dir);

}  // namespace saccade
