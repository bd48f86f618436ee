#include "experiments/report/report_curves.hpp"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <tuple>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/pairing.hpp"
#include "experiments/report/python_script.hpp"

namespace saccade {

namespace {

namespace fs = std::filesystem;

// plot_curves.py's input: a row per policy per run, `setting,label,policy,seed,dir`. A policy shared in
// from another setting (shared.hpp) is read under its name there, from that setting's runs. Rows that
// name the same files twice (a single run's results.csv, every row in DIR) are kept once.
CsvTable runs_table(const std::string& dir, const std::vector<SettingSummary>& settings) {
  CsvTable t{{"setting", "label", "policy", "seed", "dir"}, {}};
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const SettingSummary& s : settings) {
    const std::string setting = s.title(settings);
    for (const PolicySummary& p : s.policies) {
      for (const SeedRow& r : p.rows) {
        const std::string run_dir = run_directory(dir, r.run);
        if (seen.insert({setting, p.policy, run_dir}).second)
          t.rows.push_back({setting, p.policy, p.scores_name(), r.seed, run_dir});
      }
    }
  }
  return t;
}

// How many of the table's run directories hold `file`, of how many.
std::pair<std::size_t, std::size_t> runs_with(const CsvTable& runs, const std::string& file) {
  std::set<std::string> dirs, with;
  for (const auto& row : runs.rows) {
    dirs.insert(row[4]);
    if (path_exists(row[4] + "/" + file)) with.insert(row[4]);
  }
  return {with.size(), dirs.size()};
}

// The note of a figure read from `file` in every run, given how many runs have it; empty: nothing to say.
std::string missing_note(std::pair<std::size_t, std::size_t> have, const std::string& file, const std::string& why) {
  if (have.first == have.second) return "";
  if (have.first == 0) return "no run has " + file + why;
  return std::to_string(have.second - have.first) + " of " + std::to_string(have.second) + " runs have no " + file +
         why + ": the curves leave them out";
}

// Reads back and removes a PNG python wrote; empty if it wrote none.
std::string take_png(const std::string& path) {
  std::string png = path_exists(path) ? read_text_file(path, "report") : "";
  std::error_code ec;
  fs::remove(path, ec);
  return png;
}

}  // namespace

std::vector<ReportFigure> learning_figures(const std::string& dir, const std::vector<SettingSummary>& settings, bool plot) {
  ReportFigure learning{"Learning curves", "validation accuracy per epoch", "", "", "report_learning.png"};
  ReportFigure anytime{"Anytime accuracy", "accuracy after each region read", "", "", "report_anytime.png"};
  const CsvTable runs = runs_table(dir, settings);
  const std::string metrics_note = missing_note(runs_with(runs, "metrics.jsonl"), "metrics.jsonl", "");
  const std::string anytime_note =
      missing_note(runs_with(runs, "anytime.csv"), "anytime.csv", " (runs from before it was written)");
  std::string why_none;
  if (!plot) why_none = "not drawn (--no-plot)";
  else if (!python_available()) why_none = std::string(kPython) + " not found; install the Debian package python3-matplotlib";
  if (why_none.empty()) {
    const std::string tag = ".tmp-" + std::to_string(getpid());
    const std::string runs_csv = (fs::path(dir) / ("report_runs.csv" + tag)).string();
    const std::string learning_png = (fs::path(dir) / (learning.file + tag)).string();
    const std::string anytime_png = (fs::path(dir) / (anytime.file + tag)).string();
    write_file_atomic(runs_csv, to_csv(runs), "saccade report");
    const int code = run_embedded_python(kPlotCurvesScript, {runs_csv, learning_png, anytime_png});
    std::error_code ec;
    fs::remove(runs_csv, ec);
    learning.png = take_png(learning_png);
    anytime.png = take_png(anytime_png);
    if (code == 3) why_none = "matplotlib is not importable under " + std::string(kPython) + "; install python3-matplotlib";
    else if (code != 0) why_none = "plot_curves.py failed (exit status " + std::to_string(code) + ", see above)";
  }
  for (auto [figure, note, empty] : {std::tuple{&learning, metrics_note, "the runs' metrics.jsonl hold no validation accuracy"},
                                     std::tuple{&anytime, anytime_note, "the runs' anytime.csv hold no rows for these policies"}}) {
    // Why there is no figure: the reason nothing was drawn, else the missing files, else the empty ones.
    if (figure->png.empty()) figure->note = !why_none.empty() ? why_none : !note.empty() ? note : empty;
    else figure->note = note;
  }
  return {learning, anytime};
}

}  // namespace saccade
