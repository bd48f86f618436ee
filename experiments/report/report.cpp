#include "experiments/report/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/pairing.hpp"
#include "experiments/report/python_script.hpp"
#include "experiments/report/report_format.hpp"
#include "experiments/report/shared.hpp"

namespace saccade {

namespace {

namespace fs = std::filesystem;

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k) v = v << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? digits[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

struct Plot {
  std::string png;   // the bytes; empty when there is no plot
  std::string note;  // why not
};

// Runs the embedded plot_report.py on report.csv. Python writes to a temporary file that is read back,
// so report.png itself is written atomically like every other file, and its bytes go into the HTML.
Plot draw_plot(const std::string& dir, const std::string& report_csv) {
  const std::string package = "install the Debian package python3-matplotlib for report.png";
  if (!python_available()) return {"", std::string(kPython) + " not found; " + package};
  const std::string tmp = (fs::path(dir) / ("report.png.tmp-" + std::to_string(getpid()))).string();
  const int code = run_embedded_python(kPlotReportScript, {report_csv, tmp});
  Plot plot;
  if (code == 0 && path_exists(tmp)) plot.png = read_text_file(tmp, "report");
  std::error_code ec;
  fs::remove(tmp, ec);
  if (code == 3) plot.note = "matplotlib is not importable under " + std::string(kPython) + "; " + package;
  else if (code != 0) plot.note = "plot_report.py failed (exit status " + std::to_string(code) + ", see above)";
  else if (plot.png.empty()) plot.note = "plot_report.py wrote no PNG";
  return plot;
}

}  // namespace

std::string report_html(const std::vector<SettingSummary>& settings, const std::string& title,
                        const std::string& png, const std::string& note, const std::vector<ReportFigure>& figures) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << html_escape(title) << "</title>\n<style>\n"
    << "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\n"
    << "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
    << "th,td{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}\n"
    << "th:first-child,td:first-child,td.mark{text-align:left}\n"
    << "tr.above td{background:#e6f4e6;font-weight:bold}\n"
    << "h2{font-size:1.05em;margin-bottom:.2em}\n.note{color:#666;font-size:.9em}\nimg{max-width:100%}\n"
    << "</style></head><body>\n<h1>" << html_escape(title) << "</h1>\n";
  if (!png.empty()) h << "<img alt=\"accuracy vs mean regions read\" src=\"data:image/png;base64," << base64(png) << "\">\n";
  else h << "<p class=\"note\">No plot: " << html_escape(note) << "</p>\n";
  for (const auto& s : settings) {
    h << "<h2>" << html_escape(s.title(settings)) << "</h2>\n<table>\n<tr><th>policy</th><th>n</th><th>accuracy (95% CI)</th>"
      << "<th>validation</th><th>regions</th><th>µs/example</th><th>policy µs</th><th>FLOPs/example</th>"
      << "<th>best epoch</th><th></th></tr>\n";
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      h << "<tr" << (p.above_best_fixed ? " class=\"above\"" : "") << "><td>" << html_escape(p.policy) << "</td><td>"
        << p.rows.size() << "</td><td>" << accuracy_text(p.accuracy) << "</td><td>" << val_text(p.val_accuracy)
        << "</td><td>" << fixed(p.mean_regions, 2) << "</td><td>" << fixed(p.us_per_example, 1) << "</td><td>"
        << fixed(p.policy_us_per_example, 1) << "</td><td>" << fixed(p.flops_per_example / 1e6, 2) << " M</td><td>"
        << best_epochs_text(p) << "</td><td class=\"mark\">"
        << html_escape(mark_text(s, i)) << "</td></tr>\n";
    }
    h << "</table>\n";
    if (!s.comparisons.empty()) {
      h << "<ul>\n";
      for (const Comparison& c : s.comparisons) h << "<li>" << html_escape(comparison_text(s, c)) << "</li>\n";
      h << "</ul>\n";
    }
  }
  for (const ReportFigure& f : figures) {
    h << "<h2>" << html_escape(f.heading) << "</h2>\n";
    if (!f.png.empty()) h << "<img alt=\"" << html_escape(f.alt) << "\" src=\"data:image/png;base64," << base64(f.png) << "\">\n";
    if (!f.note.empty()) h << "<p class=\"note\">" << (f.png.empty() ? "No figure: " : "") << html_escape(f.note) << "</p>\n";
  }
  h << "<pre class=\"note\">" << html_escape(method_text(settings)) << "</pre>\n</body></html>\n";
  return h.str();
}

int report_command(const ReportOptions& options, std::ostream& out) {
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) {
    std::cerr << "saccade report: " << options.dir << ": no such directory\n";
    return 2;
  }
  const fs::path dir(options.dir);
  const std::string results = (dir / "results.csv").string();
  if (!fs::is_regular_file(results, ec)) {
    std::cerr << "saccade report: " << results << ": not found (`saccade run --out DIR` writes it)\n";
    return 2;
  }
  std::vector<SettingSummary> settings;
  try {
    settings = summarize_results(read_csv(results), results);
    // Unless the command line says, the sweep file's sweep.shared, as the sweep wrote it in its manifest.
    const std::vector<std::string> shared = options.shared ? *options.shared : manifest_shared(options.dir);
    const std::string given_by = options.shared ? "--shared" : (dir / "manifest.json").string() + ": shared";
    if (!shared.empty() && !settings.empty()) share_across_settings(settings, shared, results, given_by);
    compare_paired(settings, options.dir);  // a seed that cannot be paired says why in its line
  } catch (const std::runtime_error& e) {
    std::cerr << "saccade report: " << e.what() << "\n";
    return 2;
  }
  if (settings.empty()) {
    std::cerr << "saccade report: " << results << ": no rows below the header\n";
    return 2;
  }

  try {
    const std::string csv_path = (dir / "report.csv").string(), png_path = (dir / "report.png").string();
    const std::string html_path = (dir / "report.html").string(), md_path = (dir / "report.md").string();
    write_file_atomic(csv_path, to_csv(report_table_csv(settings)), "saccade report");
    write_file_atomic(md_path, report_markdown(settings, "saccade report: " + options.dir), "saccade report");
    out << report_table_text(settings) << std::flush;

    Plot plot{"", "not drawn (--no-plot)"};
    if (options.plot) {
      plot = draw_plot(options.dir, csv_path);
      if (!plot.png.empty()) write_file_atomic(png_path, plot.png, "saccade report");
      else std::cerr << "saccade report: warning: no report.png: " << plot.note << "\n";
    }
    const std::vector<ReportFigure> figures = learning_figures(options.dir, settings, options.plot);
    std::string wrote = csv_path + ", " + md_path + (plot.png.empty() ? "" : ", " + png_path);
    for (const ReportFigure& f : figures) {
      if (f.png.empty()) {
        fs::remove(dir / f.file, ec);  // an earlier report's would contradict this one's note
        continue;
      }
      write_file_atomic((dir / f.file).string(), f.png, "saccade report");
      wrote += ", " + (dir / f.file).string();
    }
    write_file_atomic(html_path, report_html(settings, "saccade report: " + options.dir, plot.png, plot.note, figures),
                      "saccade report");
    out << "\nwrote " << wrote << ", " << html_path << "\n";
  } catch (const std::exception& e) {
    std::cerr << "saccade report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace saccade
