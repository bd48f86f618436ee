// How `saccade report` writes numbers and sentences, shared by the printed table, report.md,
// report.csv and report.html so that they say the same thing in the same words.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "experiments/report/summary.hpp"

namespace saccade {

std::string fixed(double v, int decimals);  // "n/a" for NaN
std::string exact(double v);                // full precision; empty for NaN (pandas: missing)
// Terminal columns of UTF-8 text: "±", "µ" and "−" are several bytes but one column.
std::size_t columns(const std::string& s);
// Pads to `width` terminal columns: "±", "µ" and "−" are several bytes but one column.
std::string pad(const std::string& s, std::size_t width, bool right = false);

// "0.8200 ± 0.0497"; "0.9800 ± 0.0500 [0.9300, 1.0000]" where the interval is clipped to [0, 1];
// "0.9900 ± n/a" for one seed; "not scored" for none.
std::string accuracy_text(const MeanCi& a);
// Validation accuracy's mean, "n/a" without one.
std::string val_text(const MeanCi& a);
// Each row's kept epoch of the epochs trained: "8/10 9/10 7/10"; "n/a" for files from before.
std::string best_epochs_text(const PolicySummary& p);

// Why a row matters to the comparison: "* above best fixed (grid)", "best fixed", "reference", and
// "still improving" where a seed's best validation epoch is among its last three.
std::string mark_text(const SettingSummary& s, std::size_t i);

// What the other policy is to adaptive: "best fixed on validation", "fixed", "reference", ...
std::string role_text(const SettingSummary& s, const Comparison& c);

// One sentence per comparison, e.g. "adaptive vs grid (best fixed on validation): +10.0 points
// [+5.0, +15.0] across 3 seeds; seed 0 +10.0 [+7.9, +12.1] McNemar p=2.1e-05, seed 1 ...: better".
std::string comparison_text(const SettingSummary& s, const Comparison& c);

// The legend under the table: what the figures and the verdicts mean.
std::string method_text();
// The same, plus what `--shared` adds where some setting has policies shared in (shared.hpp).
std::string method_text(const std::vector<SettingSummary>& settings);

}  // namespace saccade
