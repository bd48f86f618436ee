// `saccade report DIR`: what a sweep (or a single run) found, from DIR/results.csv and the per-example
// test scores each run keeps (OUT/scores/POLICY.csv).
//
// Rows are grouped by setting: env, budget and every swept key except the seed (the columns of
// results.csv beyond the standard ones). Within a setting each policy's test accuracy is summarised
// as mean ± 95% confidence interval across seeds (Student's t, clipped to [0, 1]), beside its
// validation accuracy, mean regions read, µs per example and the epoch it kept. A fixed policy
// "competes" when it reads no more regions than the budget (`all` and `fc` read everything: shown as
// references); the best fixed policy is the competitor with the best validation accuracy
// (experiments/report/summary.hpp). Adaptive is compared with every other policy on the same test
// examples, and called better or worse only on paired evidence (experiments/report/pairing.hpp).
// With shared columns (a sweep's sweep.shared, from DIR/manifest.json, or --shared), settings that differ
// only in columns that change the learned policy share their fixed policies and compare their adaptive
// policies (experiments/report/shared.hpp).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiments/report/report_curves.hpp"
#include "experiments/report/summary.hpp"

namespace saccade {

struct ReportOptions {
  // holds results.csv; report.csv, report.md, report.png, report_learning.png, report_anytime.png and
  // report.html are written here
  std::string dir;
  bool plot = true;  // false: no PNG (and none in the HTML)
  // Swept columns that change only the learned policy (experiments/report/shared.hpp). Unset: those of
  // DIR/manifest.json's "shared" (the sweep file's sweep.shared; none for a single run). Set (--shared
  // KEY,...): these instead; an empty list (--no-shared): none.
  std::optional<std::vector<std::string>> shared;
};

// Prints the table to `out` and writes DIR/report.csv, DIR/report.md, DIR/report.png, DIR/report.html
// and the learning figures' PNGs (report_curves.hpp).
// Returns the process exit status (0 ok; 2 when DIR/results.csv is missing or malformed, DIR/manifest.json
// is malformed, or a shared column is not one of results.csv's swept columns, with the reason on stderr).
int report_command(const ReportOptions& options, std::ostream& out);

// The pieces report_command is made of, public for tests.

std::string report_table_text(const std::vector<SettingSummary>& settings);  // what is printed
CsvTable report_table_csv(const std::vector<SettingSummary>& settings);      // report.csv
std::string report_markdown(const std::vector<SettingSummary>& settings, const std::string& title);  // report.md
// report.html; `png` holds the plot's bytes (empty: none) and `note` says why there is none; `figures`
// (the learning curves and anytime figures, report_curves.hpp) follow the tables.
std::string report_html(const std::vector<SettingSummary>& settings, const std::string& title,
                        const std::string& png, const std::string& note, const std::vector<ReportFigure>& figures = {});

// The text of experiments/report/plot_report.py, compiled in (see CMakeLists.txt) so `saccade report`
// works from any directory. Run as `/usr/bin/python3 - REPORT_CSV OUT_PNG`.
extern const char* const kPlotReportScript;

}  // namespace saccade
