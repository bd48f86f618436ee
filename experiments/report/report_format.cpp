#include "experiments/report/report_format.hpp"

#include <cmath>
#include <cstdio>

namespace saccade {

namespace {

// An accuracy difference in points: "+10.0", "-4.4".
std::string points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f", 100.0 * v);
  return buf;
}

std::string p_value(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, p >= 1e-4 ? "%.4f" : "%.1e", p);
  return buf;
}

std::string seed_text(const SeedComparison& c) {
  std::string t = "seed " + c.seed + " " + points(c.difference.mean) + " [" + points(c.difference.low) + ", " +
                  points(c.difference.high) + "]";
  if (c.has_mcnemar) t += " McNemar p=" + p_value(c.mcnemar.p);
  return t;
}

std::string verdict_words(const Comparison& c) {
  std::string v = verdict_text(c.verdict);
  if ((c.verdict == Verdict::better || c.verdict == Verdict::worse) && c.seeds.size() < 3)
    v += " (" + std::to_string(c.seeds.size()) + (c.seeds.size() == 1 ? " seed" : " seeds") + ": paired intervals only)";
  return v;
}

}  // namespace

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string exact(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::size_t columns(const std::string& s) {
  std::size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  return cols;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t cols = columns(s);
  const std::string fill(cols < width ? width - cols : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string accuracy_text(const MeanCi& a) {
  if (a.n == 0) return "not scored";
  if (!a.known()) return fixed(a.mean, 4) + " ± n/a";
  const Interval c = clip(a, 0, 1);
  const std::string t = fixed(a.mean, 4) + " ± " + fixed(a.half_width, 4);
  // The t-interval overshoots what an accuracy can be (few seeds, a wide spread): the interval that
  // counts is the clipped one, shown beside it.
  if (c.low != a.low() || c.high != a.high()) return t + " [" + fixed(c.low, 4) + ", " + fixed(c.high, 4) + "]";
  return t;
}

std::string val_text(const MeanCi& a) { return a.n == 0 ? "n/a" : fixed(a.mean, 4); }

std::string best_epochs_text(const PolicySummary& p) {
  std::string t;
  for (const SeedRow& r : p.rows) {
    if (r.best_epoch < 0 || r.epochs < 0) continue;
    t += (t.empty() ? "" : " ") + std::to_string(r.best_epoch) + "/" + std::to_string(r.epochs);
  }
  return t.empty() ? "n/a" : t;
}

std::string mark_text(const SettingSummary& s, std::size_t i) {
  const PolicySummary& p = s.policies[i];
  const std::string best = s.best_fixed >= 0 ? s.policies[s.best_fixed].policy : "";
  std::string mark;
  if (p.above_best_fixed) mark = "* above best fixed (" + best + ")";
  else if (static_cast<int>(i) == s.best_fixed) mark = "best fixed";
  else if (p.learned && p.policy != "adaptive") mark = "learned reference";
  else if (p.policy != "adaptive" && !p.competes) mark = "reference";
  if (!p.learned && !p.from.empty()) mark += (mark.empty() ? "" : "; ") + std::string("shared from ") + p.from;
  if (p.still_improving()) mark += std::string(mark.empty() ? "" : "; ") + "still improving";
  return mark;
}

std::string role_text(const SettingSummary& s, const Comparison& c) {
  const PolicySummary& p = s.policies[c.other];
  if (c.other == s.best_fixed)
    return s.best_on_validation ? "best fixed on validation"
                                : "best fixed on TEST accuracy: results.csv has no val_accuracy";
  if (p.learned) return "learned reference, for information";
  if (p.competes) return "fixed";
  return "reference, for information";
}

std::string comparison_text(const SettingSummary& s, const Comparison& c) {
  const PolicySummary& a = s.policies[static_cast<std::size_t>(s.index_of("adaptive"))];
  const PolicySummary& o = s.policies[c.other];
  std::string t = "adaptive vs " + o.policy + " (" + role_text(s, c) + "): ";
  if (c.verdict == Verdict::untested)
    return t + "not scored on test (eval.test: false); validation accuracy " + val_text(a.val_accuracy) + " vs " +
           val_text(o.val_accuracy);
  if (c.verdict == Verdict::unpaired) return t + "not paired: " + c.why;
  t += points(c.difference.mean) + " points";
  if (c.difference.known()) {
    const Interval d = clip(c.difference, -1, 1);
    t += " [" + points(d.low) + ", " + points(d.high) + "] across " + std::to_string(c.seeds.size()) + " seeds";
  }
  t += ";";
  for (std::size_t i = 0; i < c.seeds.size(); ++i) t += (i ? ", " : " ") + seed_text(c.seeds[i]);
  return t + ": " + verdict_words(c);
}

std::string method_text() {
  return "accuracy: test, mean ± 95% CI half-width over seeds (Student's t, n-1 dof; n/a for one seed), followed\n"
         "  by [low, high] where that interval is clipped to [0, 1]; val: the kept epoch's validation accuracy.\n"
         "macro-F1 (report.md, report.csv): the test answers' F1 averaged over the classes they show, the same\n"
         "  mean and interval over seeds; per class in each run's class_metrics.csv.\n"
         "best epoch: the epoch kept (train.keep=best: best on validation; else the last) / epochs trained;\n"
         "  still improving: a seed's best epoch is among its last three.\n"
         "µs/ex: measured wall time per test example (median over batches); policy µs: the part of it spent\n"
         "  choosing (the policy, and the reader's summary or prediction only such a policy needs).\n"
         "* adaptive's interval lies above that of the best fixed policy within the budget (chosen on validation);\n"
         "reference: reads more than the budget (all, fc), not competing.\n"
         "paired: adaptive minus the other policy on the same test examples, in accuracy points; per seed a\n"
         "  paired bootstrap 95% interval (10,000 resamples of the examples) and McNemar's exact p (examples\n"
         "  scored once); across seeds the mean with its t-interval. better: every seed's interval above 0\n"
         "  and, with 3+ seeds, the accuracy intervals apart; worse: the same below; else no clear difference.\n";
}

std::string method_text(const std::vector<SettingSummary>& settings) {
  for (const SettingSummary& s : settings)
    for (const PolicySummary& p : s.policies)
      if (!p.from.empty())
        return method_text() +
               "shared from K=V (sweep.shared or --shared): a fixed policy from the runs of the setting with K=V (the same env,\n"
               "  budget and seeds); it competes here as if it had run here, paired with adaptive seed by seed.\n"
               "adaptive[K=V]: that setting's adaptive, a learned reference (never the best fixed).\n";
  return method_text();
}

}  // namespace saccade
