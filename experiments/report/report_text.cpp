// The report's tables as text: the printed table, report.csv and report.md.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "experiments/report/csv.hpp"
#include "experiments/report/report.hpp"
#include "experiments/report/report_format.hpp"

namespace saccade {

namespace {

// The comparison of adaptive with policy i, or null (no adaptive, or i is adaptive).
const Comparison* comparison_with(const SettingSummary& s, int i) {
  for (const Comparison& c : s.comparisons)
    if (c.other == i) return &c;
  return nullptr;
}

// The comparisons in the order a reader wants them: the best fixed policy first.
std::vector<const Comparison*> ordered_comparisons(const SettingSummary& s) {
  std::vector<const Comparison*> out;
  if (const Comparison* best = comparison_with(s, s.best_fixed)) out.push_back(best);
  for (const Comparison& c : s.comparisons)
    if (c.other != s.best_fixed) out.push_back(&c);
  return out;
}

std::string still_improving_text(const SettingSummary& s) {
  std::string t;
  for (const PolicySummary& p : s.policies)
    for (const SeedRow& r : p.rows)
      if (r.still_improving())
        t += (t.empty() ? "" : ", ") + p.policy + " (seed " + r.seed + ": epoch " + std::to_string(r.best_epoch) + " of " +
             std::to_string(r.epochs) + ")";
  return t;
}

// Adaptive against each setting's best fixed policy (chosen on validation), in one line per setting,
// the settings where it loses named first: what a reader of the whole report must not miss.
std::string verdict_summary(const std::vector<SettingSummary>& settings) {
  std::string worse, better, unclear;
  for (const auto& s : settings) {
    const Comparison* c = comparison_with(s, s.best_fixed);
    if (!c) continue;
    char by[96] = "";
    if (c->difference.n > 0 && c->difference.known())
      std::snprintf(by, sizeof by, " %+.1f points [%+.1f, %+.1f] across %zu seeds,", 100 * c->difference.mean,
                    100 * c->difference.low(), 100 * c->difference.high(), c->difference.n);
    else if (c->difference.n > 0)
      std::snprintf(by, sizeof by, " %+.1f points (1 seed),", 100 * c->difference.mean);
    const std::string line = "  " + s.title(settings) + ": vs " + s.policies[static_cast<std::size_t>(s.best_fixed)].policy +
                             by + " " + verdict_text(c->verdict) + "\n";
    if (c->verdict == Verdict::worse) worse += line;
    else if (c->verdict == Verdict::better) better += line;
    else unclear += line;
  }
  if (worse.empty() && better.empty() && unclear.empty()) return "";
  std::string out = "adaptive against the best fixed policy (chosen on validation), by the paired rule below:\n";
  if (!worse.empty()) out += " adaptive LOSES:\n" + worse;
  if (!unclear.empty()) out += " no clear difference (or not paired / not tested):\n" + unclear;
  if (!better.empty()) out += " adaptive wins:\n" + better;
  return out + "\n";
}

}  // namespace

std::string report_table_text(const std::vector<SettingSummary>& settings) {
  std::size_t width = 8;
  for (const auto& s : settings)
    for (const auto& p : s.policies) width = std::max(width, p.policy.size());
  std::ostringstream out;
  for (const auto& s : settings) {
    std::size_t acc_width = 17, epoch_width = 10;  // wider where a setting needs it
    for (const auto& p : s.policies) {
      acc_width = std::max(acc_width, columns(accuracy_text(p.accuracy)) + 2);
      epoch_width = std::max(epoch_width, columns(best_epochs_text(p)));
    }
    out << s.title(settings) << "\n  " << pad("policy", width) << "   n  " << pad("accuracy", acc_width)
        << pad("val", 8, true) << pad("regions", 9, true) << pad("µs/ex", 9, true) << pad("policy µs", 11, true) << "  "
        << pad("best epoch", epoch_width) << "\n";
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      const std::string mark = mark_text(s, i);
      out << "  " << pad(p.policy, width) << pad(std::to_string(p.rows.size()), 4, true) << "  "
          << pad(accuracy_text(p.accuracy), acc_width) << pad(val_text(p.val_accuracy), 8, true)
          << pad(fixed(p.mean_regions, 2), 9, true) << pad(fixed(p.us_per_example, 1), 9, true)
          << pad(fixed(p.policy_us_per_example, 1), 11, true) << "  "
          << pad(best_epochs_text(p), epoch_width) << (mark.empty() ? "" : "  " + mark) << "\n";
    }
    for (const Comparison* c : ordered_comparisons(s)) out << "  paired: " << comparison_text(s, *c) << "\n";
    out << "\n";
  }
  out << verdict_summary(settings) << method_text(settings);
  return out.str();
}

CsvTable report_table_csv(const std::vector<SettingSummary>& settings) {
  CsvTable t;
  if (!settings.empty())
    for (const auto& column_value : settings[0].key) t.header.push_back(column_value.first);
  for (const char* c : {"policy", "n", "accuracy_mean", "accuracy_ci95", "accuracy_low", "accuracy_high", "mean_regions",
                        "us_per_example", "policy_us_per_example", "flops_per_example", "competes",
                        "above_best_fixed", "val_accuracy_mean", "val_accuracy_ci95", "best_epochs", "still_improving", "best_fixed", "verdict",
                        "adaptive_minus_mean", "adaptive_minus_low", "adaptive_minus_high", "paired_seeds",
                        "macro_f1_mean", "macro_f1_ci95"})
    t.header.push_back(c);
  auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
  for (const auto& s : settings) {
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      std::vector<std::string> row;
      for (const auto& column_value : s.key) row.push_back(column_value.second);
      const bool ci = p.accuracy.known(), val_ci = p.val_accuracy.known(), f1_ci = p.macro_f1.known();
      const Interval acc = clip(p.accuracy, 0, 1);
      // Adaptive's row carries its comparison with the best fixed policy; every other row, adaptive's with it.
      const Comparison* c = comparison_with(s, p.policy == "adaptive" ? s.best_fixed : static_cast<int>(i));
      const bool paired = c && !c->seeds.empty();
      const Interval d = paired ? clip(c->difference, -1, 1) : Interval{};
      for (const std::string& v :
           {p.policy, std::to_string(p.rows.size()), exact(p.accuracy.mean), ci ? exact(p.accuracy.half_width) : "",
            ci ? exact(acc.low) : "", ci ? exact(acc.high) : "", exact(p.mean_regions), exact(p.us_per_example),
            exact(p.policy_us_per_example), exact(p.flops_per_example), flag(p.competes), flag(p.above_best_fixed),
            exact(p.val_accuracy.mean),
            val_ci ? exact(p.val_accuracy.half_width) : "", best_epochs_text(p) == "n/a" ? "" : best_epochs_text(p),
            flag(p.still_improving()),
            flag(static_cast<int>(i) == s.best_fixed), c ? std::string(verdict_text(c->verdict)) : "",
            paired ? exact(c->difference.mean) : "", d.known ? exact(d.low) : "", d.known ? exact(d.high) : "",
            paired ? std::to_string(c->seeds.size()) : "", exact(p.macro_f1.mean), f1_ci ? exact(p.macro_f1.half_width) : ""})
        row.push_back(v);
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

std::string report_markdown(const std::vector<SettingSummary>& settings, const std::string& title) {
  std::ostringstream md;
  md << "# " << title << "\n\n";
  for (const auto& s : settings) {
    md << "## " << s.title(settings) << "\n\n"
       << "| policy | seeds | test accuracy (95% CI) | macro-F1 (95% CI) | validation accuracy | regions | µs/example "
          "| policy µs | best epoch | |\n"
       << "|---|---:|---|---|---:|---:|---:|---:|---|---|\n";
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySummary& p = s.policies[i];
      md << "| " << p.policy << " | " << p.rows.size() << " | " << accuracy_text(p.accuracy) << " | "
         << (p.macro_f1.n ? accuracy_text(p.macro_f1) : "n/a") << " | " << val_text(p.val_accuracy) << " | " << fixed(p.mean_regions, 2) << " | " << fixed(p.us_per_example, 1) << " | "
         << fixed(p.policy_us_per_example, 1) << " | " << best_epochs_text(p) << " | " << mark_text(s, i) << " |\n";
    }
    const auto comparisons = ordered_comparisons(s);
    if (!comparisons.empty()) {
      md << "\nPaired, on the same test examples (adaptive minus the other policy, accuracy points, 95% intervals):\n\n";
      for (const Comparison* c : comparisons) md << "- " << comparison_text(s, *c) << "\n";
    }
    if (const std::string late = still_improving_text(s); !late.empty())
      md << "\nStill improving (best validation epoch among the last three): " << late << ".\n";
    md << "\n";
  }
  if (const std::string summary = verdict_summary(settings); !summary.empty()) md << "```\n" << summary << "```\n\n";
  md << "```\n" << method_text(settings) << "```\n";
  return md.str();
}

}  // namespace saccade
