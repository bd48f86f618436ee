// `saccade report DIR`: what a sweep (or a single run) found, from DIR/results.csv.
//
// Rows are grouped by setting: env, budget and every swept key except the seed (the columns of
// results.csv beyond the standard ones). Within a setting each policy's accuracy is summarised as
// mean ± 95% confidence interval across seeds (Student's t), with its mean regions read and µs per
// example. A fixed policy "competes" when it reads no more regions than the budget (`all` and `fc`
// read everything: shown as references). The adaptive policy is marked where its interval lies
// entirely above the interval of the best competing fixed policy (best by mean).
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "experiments/report/confidence.hpp"

namespace saccade {

struct CsvTable;

struct ReportOptions {
  std::string dir;   // holds results.csv; report.csv, report.png and report.html are written here
  bool plot = true;  // false: no PNG (and none in the HTML)
};

// Prints the table to `out` and writes DIR/report.csv, DIR/report.png, DIR/report.html.
// Returns the process exit status (0 ok; 2 when DIR/results.csv is missing or malformed, with the
// reason on stderr).
int report_command(const ReportOptions& options, std::ostream& out);

// The pieces report_command is made of, public for tests.

struct PolicySummary {
  std::string policy;
  MeanCi accuracy;  // across the setting's rows (seeds)
  double mean_regions = 0, us_per_example = 0, flops_per_example = 0;  // means across rows
  bool competes = false;          // a fixed policy within the budget
  bool above_best_fixed = false;  // adaptive only: its interval lies above the best competitor's
};

struct SettingSummary {
  // (column, value): env, budget, then the extra (swept) columns in results.csv's order.
  std::vector<std::pair<std::string, std::string>> key;
  double budget = 0;
  std::vector<PolicySummary> policies;  // in order of first appearance
  int best_fixed = -1;                  // index into policies of the best competing fixed policy, or -1

  std::string title() const;  // e.g. "image-glimpse-60  budget 4  train.lr=0.01"
  // The same, showing a swept column only where its value differs among `all`'s settings of this env.
  std::string title(const std::vector<SettingSummary>& all) const;
};

// Groups and summarises results.csv's rows; settings in order of first appearance. Throws
// std::runtime_error naming `source`, the line and the column for a missing column or a cell that is
// not a number.
std::vector<SettingSummary> summarize_results(const CsvTable& results, const std::string& source);

std::string report_table_text(const std::vector<SettingSummary>& settings);  // what is printed
CsvTable report_table_csv(const std::vector<SettingSummary>& settings);      // report.csv
// report.html; `png` holds the plot's bytes (empty: none) and `note` says why there is none.
std::string report_html(const std::vector<SettingSummary>& settings, const std::string& title,
                        const std::string& png, const std::string& note);

// The text of experiments/report/plot_report.py, compiled in (see CMakeLists.txt) so `saccade report`
// works from any directory. Run as `/usr/bin/python3 - REPORT_CSV OUT_PNG`.
extern const char* const kPlotReportScript;

}  // namespace saccade
