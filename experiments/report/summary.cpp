#include "experiments/report/summary.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "experiments/report/csv.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// results.csv's standard columns (kResultsHeader in results_files.hpp; test_report checks they agree).
// Any other column is a swept config key and so part of the setting.
const std::vector<std::string> kStandardColumns = {
    "run",          "seed",         "env",    "policy",     "budget",        "accuracy",      "mean_regions",
    "flops_per_example", "us_per_example", "policy_us_per_example", "macro_f1", "val_accuracy", "epochs", "best_epoch",
    "train_seconds", "evidence_read", "oov_accuracy"};

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
// `col` < 0 (a column the file predates) and, when `empty_ok`, an empty cell are NaN.
double number_at(const CsvTable& t, std::size_t row, int col, const std::string& source, bool empty_ok = false) {
  if (col < 0) return kNaN;
  const std::string& cell = t.rows[row][col];
  if (empty_ok && cell.empty()) return kNaN;
  double v = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size()) {
    throw std::runtime_error(source + ":" + std::to_string(row + 2) + ": column " + std::to_string(col + 1) + " (" +
                             t.header[col] + "): expected a number, got \"" + cell + "\"");
  }
  return v;
}

// Mean and interval of the values that are there (NaN: not scored).
MeanCi known_mean_ci(const std::vector<double>& values) {
  std::vector<double> known;
  for (double v : values)
    if (!std::isnan(v)) known.push_back(v);
  return mean_ci95(known);
}

struct Columns {
  int env, policy, budget, accuracy, regions, flops, us;  // required
  int run, seed, val, epochs, best_epoch, policy_us, macro_f1;  // -1 when absent
  std::vector<int> setting;                               // env, budget, then the swept keys
};

Columns find_columns(const CsvTable& t, const std::string& source) {
  Columns c{};
  c.env = require_column(t, "env", source);
  c.policy = require_column(t, "policy", source);
  c.budget = require_column(t, "budget", source);
  c.accuracy = require_column(t, "accuracy", source);
  c.regions = require_column(t, "mean_regions", source);
  c.flops = require_column(t, "flops_per_example", source);
  c.us = require_column(t, "us_per_example", source);
  c.run = t.column("run");
  c.seed = t.column("seed");
  c.val = t.column("val_accuracy");
  c.epochs = t.column("epochs");
  c.best_epoch = t.column("best_epoch");
  c.policy_us = t.column("policy_us_per_example");
  c.macro_f1 = t.column("macro_f1");
  c.setting = {c.env, c.budget};
  for (std::size_t i = 0; i < t.header.size(); ++i)
    if (!is_standard(t.header[i])) c.setting.push_back(static_cast<int>(i));
  return c;
}

// The test figures of one policy's rows, kept apart until every row is read.
struct Figures {
  std::vector<double> regions, us, policy_us, flops, macro_f1;
};

// The best competing fixed policy: by mean validation accuracy (fairness rule 3: choices are made on
// validation), unless some competitor has none (a results.csv from before val_accuracy): then by
// test accuracy, and the setting says so.
void choose_best_competitor(SettingSummary& s) {
  s.best_fixed = -1;
  s.best_on_validation = true;
  for (const PolicySummary& p : s.policies)
    if (p.competes && p.val_accuracy.n == 0) s.best_on_validation = false;
  auto score = [&](const PolicySummary& p) { return s.best_on_validation ? p.val_accuracy.mean : p.accuracy.mean; };
  for (std::size_t i = 0; i < s.policies.size(); ++i) {
    const PolicySummary& p = s.policies[i];
    if (!p.competes || std::isnan(score(p))) continue;  // competes: never a learned policy
    if (s.best_fixed < 0 || score(p) > score(s.policies[s.best_fixed])) s.best_fixed = static_cast<int>(i);
  }
}

void summarize_setting(SettingSummary& s, const std::vector<Figures>& figures) {
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    PolicySummary& ps = s.policies[p];
    std::vector<double> accuracy, val;
    for (const SeedRow& r : ps.rows) {
      accuracy.push_back(r.accuracy);
      val.push_back(r.val_accuracy);
    }
    ps.accuracy = known_mean_ci(accuracy);
    ps.val_accuracy = known_mean_ci(val);
    ps.mean_regions = known_mean_ci(figures[p].regions).mean;
    ps.us_per_example = known_mean_ci(figures[p].us).mean;
    ps.policy_us_per_example = known_mean_ci(figures[p].policy_us).mean;
    ps.flops_per_example = known_mean_ci(figures[p].flops).mean;
    ps.macro_f1 = known_mean_ci(figures[p].macro_f1);
    // References are rows of their table (experiments/tables/references.cpp): fc reads the whole
    // canvas as a single "region", so its region count would let it pass for a budgeted policy. A
    // policy never scored on test (NaN regions) competes: its reads are not known to exceed the budget.
    const bool reference = is_reference(ps.policy);
    ps.learned = ps.policy == "adaptive";
    ps.competes = !ps.learned && !reference && !(ps.mean_regions > s.budget + 1e-6);
  }
  choose_best_fixed(s);
}

}  // namespace

void choose_best_fixed(SettingSummary& s) {
  choose_best_competitor(s);
  for (PolicySummary& ps : s.policies) ps.above_best_fixed = false;
  if (s.best_fixed < 0) return;
  const Interval best = clip(s.policies[s.best_fixed].accuracy, 0, 1);
  // An interval from one seed is unknown: never claim a win on it (nor against it).
  for (PolicySummary& ps : s.policies) ps.above_best_fixed = ps.policy == "adaptive" && above(clip(ps.accuracy, 0, 1), best);
}

const char* verdict_text(Verdict v) {
  switch (v) {
    case Verdict::better: return "better";
    case Verdict::worse: return "worse";
    case Verdict::no_clear_difference: return "no clear difference";
    case Verdict::unpaired: return "not paired";
    case Verdict::untested: return "not tested";
  }
  return "";
}

bool PolicySummary::still_improving() const {
  for (const SeedRow& r : rows)
    if (r.still_improving()) return true;
  return false;
}

int SettingSummary::index_of(const std::string& policy) const {
  for (std::size_t i = 0; i < policies.size(); ++i)
    if (policies[i].policy == policy) return static_cast<int>(i);
  return -1;
}

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
  const Columns c = find_columns(t, source);
  std::vector<SettingSummary> settings;
  std::map<std::vector<std::string>, std::size_t> setting_index;
  std::vector<std::vector<Figures>> figures;  // [setting][policy]
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    std::vector<std::string> key;
    for (int col : c.setting) key.push_back(row[col]);
    auto [it, added] = setting_index.emplace(key, settings.size());
    if (added) {
      SettingSummary s;
      for (std::size_t k = 0; k < key.size(); ++k) s.key.emplace_back(t.header[c.setting[k]], key[k]);
      s.budget = number_at(t, r, c.budget, source);
      settings.push_back(std::move(s));
      figures.emplace_back();
    }
    SettingSummary& s = settings[it->second];
    int p = s.index_of(row[c.policy]);
    if (p < 0) {
      p = static_cast<int>(s.policies.size());
      s.policies.emplace_back().policy = row[c.policy];
      figures[it->second].emplace_back();
    }
    SeedRow seed_row;
    seed_row.run = c.run >= 0 ? row[c.run] : "";
    seed_row.seed = c.seed >= 0 ? row[c.seed] : "";
    seed_row.accuracy = number_at(t, r, c.accuracy, source, /*empty_ok=*/true);
    seed_row.val_accuracy = number_at(t, r, c.val, source, true);
    const double epochs = number_at(t, r, c.epochs, source, true), best = number_at(t, r, c.best_epoch, source, true);
    seed_row.epochs = std::isnan(epochs) ? -1 : static_cast<long>(epochs);
    seed_row.best_epoch = std::isnan(best) ? -1 : static_cast<long>(best);
    s.policies[p].rows.push_back(seed_row);
    Figures& f = figures[it->second][p];
    f.regions.push_back(number_at(t, r, c.regions, source, true));
    f.us.push_back(number_at(t, r, c.us, source, true));
    f.policy_us.push_back(number_at(t, r, c.policy_us, source, true));
    f.flops.push_back(number_at(t, r, c.flops, source, true));
    f.macro_f1.push_back(number_at(t, r, c.macro_f1, source, true));
  }
  for (std::size_t si = 0; si < settings.size(); ++si) summarize_setting(settings[si], figures[si]);
  return settings;
}

}  // namespace saccade
