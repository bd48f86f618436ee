// The learning figures of report.html (`saccade report`): per setting, each policy's validation
// accuracy per epoch (every run's metrics.jsonl) and its anytime curve, accuracy after 1, 2, ... regions
// read (every run's anytime.csv), each the mean across seeds with a min-max band, drawn by the embedded
// experiments/report/plot_curves.py. A run from before anytime.csv has none: the figure leaves it out
// and its note says how many runs that is (all of them: no figure, and the note says why).
#pragma once

#include <string>
#include <vector>

#include "experiments/report/summary.hpp"

namespace saccade {

// A figure of report.html: its heading, and the PNG's bytes or (empty) a note saying why there is
// none; a note beside a PNG says what it leaves out.
struct ReportFigure {
  std::string heading, alt, png, note;
  std::string file;  // written as DIR/file when there is a PNG
};

// The learning-curve and anytime figures of the runs behind `settings` (in `dir`, run_directory's
// layout). plot false (--no-plot): both say they were not drawn.
std::vector<ReportFigure> learning_figures(const std::string& dir, const std::vector<SettingSummary>& settings, bool plot);

// The text of experiments/report/plot_curves.py, compiled in (CMakeLists.txt). Run as
// `/usr/bin/python3 - RUNS_CSV LEARNING_PNG ANYTIME_PNG`.
extern const char* const kPlotCurvesScript;

}  // namespace saccade
