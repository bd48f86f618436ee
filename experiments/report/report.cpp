#include "experiments/report/report.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/sweep/shell_quote.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

namespace fs = std::filesystem;

// results.csv's standard columns (kResultsHeader in results_files.hpp; test_report checks they agree).
// Any other column is a swept config key and so part of the setting.
const std::vector<std::string> kStandardColumns = {"run",          "seed",         "env",
                                                   "policy",       "budget",       "accuracy",
                                                   "mean_regions", "flops_per_example", "us_per_example",
                                                   "val_accuracy", "epochs", "best_epoch",
                                                   "train_seconds", "evidence_read", "oov_accuracy"};
const char* const kPython = "/usr/bin/python3";

bool is_standard(const std::string& column) {
  for (const auto& c : kStandardColumns)
    if (c == column) return true;
  return false;
}

int require_column(const CsvTable& t, const std::string& name, const std::string& source) {
  const int i = t.column(name);
  if (i < 0) throw std::runtime_error(source + ":1: no column `" + name + "` in the header");
  return i;
}

// Rows are on lines 2, 3, ...: results files are written one line per row, no blank lines.
double number_at(const CsvTable& t, std::size_t row, int col, const std::string& source) {
  const std::string& cell = t.rows[row][col];
  double v = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size()) {
    throw std::runtime_error(source + ":" + std::to_string(row + 2) + ": column " + std::to_string(col + 1) + " (" +
                             t.header[col] + "): expected a number, got \"" + cell + "\"");
  }
  return v;
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Full precision for files; empty for NaN so pandas reads a missing value.
std::string exact(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Pads to `width` terminal columns: "±" and "µ" are two bytes but one column.
std::string pad(const std::string& s, std::size_t width, bool right = false) {
  std::size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  const std::string fill(cols < width ? width - cols : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string accuracy_text(const MeanCi& a) {
  return fixed(a.mean, 4) + " ± " + (a.known() ? fixed(a.half_width, 4) : "n/a");
}

// The mark column: why a row matters to the comparison.
std::string mark_text(const SettingSummary& s, std::size_t i) {
  const PolicySummary& p = s.policies[i];
  const std::string best = s.best_fixed >= 0 ? s.policies[s.best_fixed].policy : "";
  if (p.above_best_fixed) return "* above best fixed (" + best + ")";
  if (static_cast<int>(i) == s.best_fixed) return "best fixed";
  if (p.policy != "adaptive" && !p.competes) return "reference";
  return "";
}

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
  if (access(kPython, X_OK) != 0) return {"", std::string(kPython) + " not found; " + package};
  const std::string tmp = (fs::path(dir) / ("report.png.tmp-" + std::to_string(getpid()))).string();
  const std::string command = shell_quote(kPython) + " - " + shell_quote(report_csv) + " " + shell_quote(tmp);
  // If python exits before reading all of the script, writing to the pipe must fail, not kill us.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "w")) {
    std::fwrite(kPlotReportScript, 1, std::strlen(kPlotReportScript), pipe);
    status = pclose(pipe);
  }
  sigaction(SIGPIPE, &previous, nullptr);
  const int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

std::string SettingSummary::title() const {
  std::string t;
  for (const auto& [column, value] : key) {
    if (column == "env") t += value;
    else if (column == "budget") t += "  budget " + value;
    else if (column == "policy.budget" && value == key[1].second) continue;  // the same budget again
    else t += "  " + column + "=" + value;
  }
  return t;
}

std::string SettingSummary::title(const std::vector<SettingSummary>& all) const {
  // A swept column is shown only where it tells this env's settings apart: in a sweep over tasks,
  // the keys zipped with env.type are the same in every setting of one env.
  auto varies = [&](const std::string& column, const std::string& value) {
    for (const auto& other : all) {
      if (other.key.empty() || other.key[0] != key[0]) continue;
      for (const auto& [c, v] : other.key)
        if (c == column && v != value) return true;
    }
    return false;
  };
  std::string t;
  for (const auto& [column, value] : key) {
    if (column == "env") t += value;
    else if (column == "budget") t += "  budget " + value;
    else if (varies(column, value) && !(column == "policy.budget" && value == key[1].second)) t += "  " + column + "=" + value;
  }
  return t;
}

std::vector<SettingSummary> summarize_results(const CsvTable& t, const std::string& source) {
  const int env = require_column(t, "env", source), policy = require_column(t, "policy", source);
  const int budget = require_column(t, "budget", source), accuracy = require_column(t, "accuracy", source);
  const int regions = require_column(t, "mean_regions", source);
  const int flops = require_column(t, "flops_per_example", source), us = require_column(t, "us_per_example", source);
  std::vector<int> setting_cols = {env, budget};
  for (std::size_t c = 0; c < t.header.size(); ++c)
    if (!is_standard(t.header[c])) setting_cols.push_back(static_cast<int>(c));

  // Rows of each (setting, policy), in order of first appearance.
  struct Rows {
    std::vector<double> accuracy, regions, us, flops;
  };
  std::vector<SettingSummary> settings;
  std::map<std::vector<std::string>, std::size_t> setting_index;
  std::vector<std::vector<Rows>> rows;  // [setting][policy]
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> key;
    for (int c : setting_cols) key.push_back(t.rows[r][c]);
    auto [it, added] = setting_index.emplace(key, settings.size());
    if (added) {
      SettingSummary s;
      for (std::size_t k = 0; k < key.size(); ++k) s.key.emplace_back(t.header[setting_cols[k]], key[k]);
      s.budget = number_at(t, r, budget, source);
      settings.push_back(std::move(s));
      rows.emplace_back();
    }
    SettingSummary& s = settings[it->second];
    std::size_t p = 0;
    while (p < s.policies.size() && s.policies[p].policy != t.rows[r][policy]) ++p;
    if (p == s.policies.size()) {
      s.policies.emplace_back().policy = t.rows[r][policy];
      rows[it->second].emplace_back();
    }
    Rows& into = rows[it->second][p];
    into.accuracy.push_back(number_at(t, r, accuracy, source));
    into.regions.push_back(number_at(t, r, regions, source));
    into.us.push_back(number_at(t, r, us, source));
    into.flops.push_back(number_at(t, r, flops, source));
  }

  for (std::size_t si = 0; si < settings.size(); ++si) {
    SettingSummary& s = settings[si];
    for (std::size_t p = 0; p < s.policies.size(); ++p) {
      PolicySummary& ps = s.policies[p];
      const Rows& from = rows[si][p];
      ps.accuracy = mean_ci95(from.accuracy);
      ps.mean_regions = mean_ci95(from.regions).mean;
      ps.us_per_example = mean_ci95(from.us).mean;
      ps.flops_per_example = mean_ci95(from.flops).mean;
      // References are rows of their table (experiments/tables/references.cpp): fc reads the whole
      // canvas as a single "region", so its region count would let it pass for a budgeted policy.
      const bool reference = is_reference(ps.policy);
      ps.competes = ps.policy != "adaptive" && !reference && ps.mean_regions <= s.budget + 1e-6;
      if (ps.competes && (s.best_fixed < 0 || ps.accuracy.mean > s.policies[s.best_fixed].accuracy.mean))
        s.best_fixed = static_cast<int>(p);
    }
    if (s.best_fixed < 0) continue;
    const MeanCi& best = s.policies[s.best_fixed].accuracy;
    for (PolicySummary& ps : s.policies) {
      // An interval from one seed is unknown: never claim a win on it (nor against it).
      ps.above_best_fixed =
          ps.policy == "adaptive" && ps.accuracy.known() && best.known() && ps.accuracy.low() > best.high();
    }
  }
  return settings;
}

std::string report_table_text(const std::vector<SettingSummary>& settings) {
  std::size_t width = 8;
  for (const auto& s : settings)
    for (const auto& p : s.policies) width = std::max(width, p.policy.size());
  std::ostringstream out;
  for (const auto& s : settings) {
    out << s.title(settings) << "\n  " << pad("policy", width) << "   n  " << pad("accuracy", 17) << pad("regions", 9, true)
        << pad("µs/ex", 9, true) << "\n";
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      const std::string mark = mark_text(s, i);
      out << "  " << pad(p.policy, width) << pad(std::to_string(p.accuracy.n), 4, true) << "  "
          << pad(accuracy_text(p.accuracy), 17) << pad(fixed(p.mean_regions, 2), 9, true)
          << pad(fixed(p.us_per_example, 1), 9, true) << (mark.empty() ? "" : "  " + mark) << "\n";
    }
    out << "\n";
  }
  out << "accuracy: mean ± 95% CI half-width over seeds (Student's t, n-1 dof; n/a for one seed).\n"
         "* adaptive's interval lies above that of the best fixed policy within the budget;\n"
         "reference: reads more than the budget (all, fc), not competing.\n";
  return out.str();
}

CsvTable report_table_csv(const std::vector<SettingSummary>& settings) {
  CsvTable t;
  if (!settings.empty())
    for (const auto& column_value : settings[0].key) t.header.push_back(column_value.first);
  for (const char* c : {"policy", "n", "accuracy_mean", "accuracy_ci95", "accuracy_low", "accuracy_high",
                        "mean_regions", "us_per_example", "flops_per_example", "competes", "above_best_fixed"})
    t.header.push_back(c);
  for (const auto& s : settings) {
    for (const auto& p : s.policies) {
      std::vector<std::string> row;
      for (const auto& column_value : s.key) row.push_back(column_value.second);
      const bool ci = p.accuracy.known();
      for (const std::string& v :
           {p.policy, std::to_string(p.accuracy.n), exact(p.accuracy.mean), ci ? exact(p.accuracy.half_width) : "",
            ci ? exact(p.accuracy.low()) : "", ci ? exact(p.accuracy.high()) : "", exact(p.mean_regions),
            exact(p.us_per_example), exact(p.flops_per_example), std::string(p.competes ? "true" : "false"),
            std::string(p.above_best_fixed ? "true" : "false")})
        row.push_back(v);
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

std::string report_html(const std::vector<SettingSummary>& settings, const std::string& title,
                        const std::string& png, const std::string& note) {
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
      << "<th>regions</th><th>µs/example</th><th>FLOPs/example</th><th></th></tr>\n";
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      h << "<tr" << (p.above_best_fixed ? " class=\"above\"" : "") << "><td>" << html_escape(p.policy) << "</td><td>"
        << p.accuracy.n << "</td><td>" << accuracy_text(p.accuracy) << "</td><td>" << fixed(p.mean_regions, 2)
        << "</td><td>" << fixed(p.us_per_example, 1) << "</td><td>" << fixed(p.flops_per_example / 1e6, 2)
        << " M</td><td class=\"mark\">" << html_escape(mark_text(s, i)) << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "<p class=\"note\">Accuracy: mean ± 95% confidence half-width over seeds (Student's t with n-1 degrees of "
       "freedom; n/a for a single seed). <b>*</b>: the adaptive policy's interval lies entirely above that of the "
       "best fixed policy within the budget. Reference: reads more than the budget (all, fc).</p>\n</body></html>\n";
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
    const std::string html_path = (dir / "report.html").string();
    write_file_atomic(csv_path, to_csv(report_table_csv(settings)), "saccade report");
    out << report_table_text(settings) << std::flush;

    Plot plot{"", "not drawn (--no-plot)"};
    if (options.plot) {
      plot = draw_plot(options.dir, csv_path);
      if (!plot.png.empty()) write_file_atomic(png_path, plot.png, "saccade report");
      else std::cerr << "saccade report: warning: no report.png: " << plot.note << "\n";
    }
    write_file_atomic(html_path, report_html(settings, "saccade report: " + options.dir, plot.png, plot.note),
                      "saccade report");
    out << "\nwrote " << csv_path << (plot.png.empty() ? "" : ", " + png_path) << ", " << html_path << "\n";
  } catch (const std::exception& e) {
    std::cerr << "saccade report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace saccade
