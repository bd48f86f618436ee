// `saccade report` on a hand-built sweep directory with per-example scores: the best fixed policy is
// chosen on validation, adaptive is paired with each policy by example index within each run, and
// "better" needs every seed's paired interval above 0 (and, with 3+ seeds, apart accuracy intervals).
#define BOOST_TEST_MODULE test_report_paired
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/pairing.hpp"
#include "experiments/report/report.hpp"
#include "experiments/run/results_files.hpp"

namespace saccade {
// So that a failed check prints the verdict in words.
std::ostream& operator<<(std::ostream& o, Verdict v) { return o << verdict_text(v); }
}  // namespace saccade

namespace fs = std::filesystem;
using saccade::Comparison;
using saccade::SettingSummary;
using saccade::Verdict;

namespace {

constexpr std::size_t kExamples = 100;

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("saccade_test_report_paired_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Right on examples [0, n), wrong on the rest.
std::vector<double> first(std::size_t n) {
  std::vector<double> s(kExamples, 0.0);
  std::fill_n(s.begin(), n, 1.0);
  return s;
}

// A sweep directory: results.csv (swept key train.lr) and, per run, scores/POLICY.csv.
struct Sweep {
  TempDir dir;
  std::ostringstream results;
  Sweep() { results << saccade::kResultsHeader << ",train.lr\n"; }

  // `reversed`: the scores file lists the examples last to first (pairing must go by index).
  void add(const std::string& run, int seed, const std::string& lr, const std::string& policy,
           const std::vector<double>& scores, double val, int best_epoch, bool reversed = false) {
    double sum = 0;
    for (double v : scores) sum += v;
    results << run << ',' << seed << ",e," << policy << ",4," << sum / kExamples << ",4,1e6,100,10,," << val << ",10,"
            << best_epoch << ",1,,," << lr << "\n";
    fs::create_directories(dir.path / run / "scores");
    std::ofstream f(dir.path / run / "scores" / (policy + ".csv"));
    f << "split,example,draws,score\n";
    for (std::size_t k = 0; k < kExamples; ++k) {
      const std::size_t i = reversed ? kExamples - 1 - k : k;
      f << "test," << i << ",1," << scores[i] << "\n";
    }
  }
  // A probe's row (eval.test=false): no test figures, no scores.
  void add_untested(const std::string& run, int seed, const std::string& policy, double val) {
    results << run << ',' << seed << ",e," << policy << ",4,,,,,,," << val << ",10,5,1,,,1\n";
  }

  std::vector<SettingSummary> summarize() {
    std::ofstream(dir.path / "results.csv") << results.str();
    auto settings = saccade::summarize_results(saccade::read_csv((dir.path / "results.csv").string()), "results.csv");
    saccade::compare_paired(settings, dir.path.string());
    return settings;
  }
};

// lr=0.01: 3 seeds, adaptive 80+s of 100 right, grid 60+s, center 65+s (higher on test than grid, but
//   lower on validation: grid is the best fixed policy), `all` 90. Adaptive is right wherever grid is, and
//   on 20 more: McNemar b = 20, c = 0, the paired interval about +20 ± 8 points in every seed; across
//   seeds 0.81 ± 0.025 vs 0.61 ± 0.025: apart. Better. Seed 1's grid file is in reverse order.
// lr=0.1: 2 seeds; seed 0 as above, seed 1 adaptive 70 right, grid 68 plus example 70: b = 2, c = 1,
//   an interval around +1 point that includes 0: no clear difference, although seed 0 is clear.
// lr=0.3: 3 seeds, adaptive +10 points on grid in each (b = 10, c = 0), but 0.50/0.90/0.70 across seeds
//   against 0.40/0.80/0.60: the accuracy intervals overlap: no clear difference.
// lr=1: a probe (eval.test=false): validation only.
void fill(Sweep& w) {
  for (int s = 0; s < 3; ++s) {
    const std::string run = "a" + std::to_string(s);
    w.add(run, s, "0.01", "adaptive", first(80 + s), 0.85, 6);
    w.add(run, s, "0.01", "grid", first(60 + s), 0.75, 5, /*reversed=*/s == 1);
    w.add(run, s, "0.01", "center", first(65 + s), 0.70, 9);
    w.add(run, s, "0.01", "all", first(90), 0.95, 4);
  }
  w.add("b0", 0, "0.1", "adaptive", first(80), 0.8, 5);
  w.add("b0", 0, "0.1", "grid", first(60), 0.7, 5);
  std::vector<double> grid_b1 = first(68);
  grid_b1[70] = 1;
  w.add("b1", 1, "0.1", "adaptive", first(70), 0.8, 5);
  w.add("b1", 1, "0.1", "grid", grid_b1, 0.7, 5);
  const std::size_t spread[] = {50, 90, 70};
  for (int s = 0; s < 3; ++s) {
    w.add("c" + std::to_string(s), s, "0.3", "adaptive", first(spread[s]), 0.8, 5);
    w.add("c" + std::to_string(s), s, "0.3", "grid", first(spread[s] - 10), 0.7, 5);
  }
  w.add_untested("d0", 0, "adaptive", 0.66);
  w.add_untested("d0", 0, "grid", 0.71);
}

const Comparison& versus(const SettingSummary& s, const std::string& policy) {
  for (const Comparison& c : s.comparisons)
    if (s.policies[c.other].policy == policy) return c;
  BOOST_FAIL("no comparison with " << policy);
  throw 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(best_fixed_is_chosen_on_validation) {
  Sweep w;
  fill(w);
  const auto settings = w.summarize();
  BOOST_TEST_REQUIRE(settings.size() == 4u);
  const SettingSummary& a = settings[0];
  BOOST_TEST(a.best_on_validation);
  BOOST_TEST(a.policies[a.best_fixed].policy == "grid");  // center is higher on test, lower on validation
  BOOST_TEST(a.policies[a.index_of("center")].accuracy.mean > a.policies[a.best_fixed].accuracy.mean);
  BOOST_TEST(a.policies[a.index_of("center")].still_improving());  // kept epoch 9 of 10
  BOOST_TEST(!a.policies[a.index_of("grid")].still_improving());   // 5 of 10
}

BOOST_AUTO_TEST_CASE(better_when_every_seed_and_the_seeds_agree) {
  Sweep w;
  fill(w);
  const auto settings = w.summarize();
  const Comparison& c = versus(settings[0], "grid");
  BOOST_TEST(c.verdict == Verdict::better);
  BOOST_TEST_REQUIRE(c.seeds.size() == 3u);
  for (const auto& s : c.seeds) {
    BOOST_TEST(s.difference.mean == 0.2, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(s.difference.low > 0.1);
    BOOST_TEST(s.has_mcnemar);
    // By example index: b = 20, c = 0 in every seed. Had seed 1's reversed grid file been paired line
    // by line, it would have given b = 39, c = 19.
    BOOST_TEST(s.mcnemar.b == 20u);
    BOOST_TEST(s.mcnemar.c == 0u);
    BOOST_TEST(s.mcnemar.p == saccade::mcnemar_exact_p(20, 0));
  }
  BOOST_TEST(c.difference.mean == 0.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(versus(settings[0], "all").verdict == Verdict::worse);  // a reference, 10 points above
}

BOOST_AUTO_TEST_CASE(no_claim_when_one_seed_includes_zero) {
  Sweep w;
  fill(w);
  const auto settings = w.summarize();
  const Comparison& b = versus(settings[1], "grid");
  BOOST_TEST_REQUIRE(b.seeds.size() == 2u);
  BOOST_TEST(b.seeds[0].difference.excludes_zero());
  BOOST_TEST(!b.seeds[1].difference.excludes_zero());
  BOOST_TEST(b.seeds[1].mcnemar.b == 2u);
  BOOST_TEST(b.seeds[1].mcnemar.c == 1u);
  BOOST_TEST(b.verdict == Verdict::no_clear_difference);

  // Every seed clear, but three seeds whose accuracies spread too far for their intervals to part.
  const Comparison& c = versus(settings[2], "grid");
  for (const auto& s : c.seeds) BOOST_TEST(s.difference.low > 0);
  BOOST_TEST(c.verdict == Verdict::no_clear_difference);
}

BOOST_AUTO_TEST_CASE(a_probe_is_compared_on_validation) {
  Sweep w;
  fill(w);
  const auto settings = w.summarize();
  const SettingSummary& d = settings[3];
  BOOST_TEST(!d.policies[0].tested());
  BOOST_TEST(d.policies[d.best_fixed].policy == "grid");
  BOOST_TEST(versus(d, "grid").verdict == Verdict::untested);
  const std::string text = saccade::report_table_text(settings);
  BOOST_TEST(text.find("paired: adaptive vs grid (best fixed on validation): not scored on test (eval.test: false); "
                       "validation accuracy 0.6600 vs 0.7100") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_or_mismatched_scores_are_not_paired) {
  Sweep w;
  fill(w);
  fs::remove(w.dir.path / "a2" / "scores" / "grid.csv");
  {  // seed 0 of lr=0.3: grid scored other examples (100..199)
    std::ofstream f(w.dir.path / "c0" / "scores" / "grid.csv");
    f << "split,example,draws,score\n";
    for (std::size_t i = 0; i < kExamples; ++i) f << "test," << 100 + i << ",1," << (i < 40) << "\n";
  }
  const auto settings = w.summarize();
  const Comparison& a = versus(settings[0], "grid");
  BOOST_TEST(a.verdict == Verdict::unpaired);
  BOOST_TEST(a.why.find("run a2 has no scores/grid.csv") != std::string::npos);
  BOOST_TEST(versus(settings[0], "center").verdict == Verdict::better);  // its files are all there
  const Comparison& c = versus(settings[2], "grid");
  BOOST_TEST(c.verdict == Verdict::unpaired);
  BOOST_TEST(c.why.find("different test examples") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(worse_is_decided_like_better) {
  saccade::SeedComparison below;
  below.difference = {.n = 100, .mean = -0.2, .low = -0.28, .high = -0.12};
  const saccade::Interval low{.low = 0.5, .high = 0.6, .known = true}, high{.low = 0.7, .high = 0.8, .known = true};
  BOOST_TEST(saccade::decide({below, below, below}, low, high) == Verdict::worse);
  BOOST_TEST(saccade::decide({below, below, below}, low, low) == Verdict::no_clear_difference);  // not apart
  BOOST_TEST(saccade::decide({below}, low, low) == Verdict::worse);  // one seed: the paired interval only
  BOOST_TEST(saccade::decide({}, low, high) == Verdict::unpaired);
}

BOOST_AUTO_TEST_CASE(printed_table_and_files) {
  Sweep w;
  fill(w);
  std::ofstream(w.dir.path / "results.csv") << w.results.str();
  std::ostringstream out;
  BOOST_TEST(saccade::report_command({w.dir.path.string(), /*plot=*/false, /*shared=*/{}}, out) == 0);
  const std::string text = out.str();
  BOOST_TEST(text.find("paired: adaptive vs grid (best fixed on validation): +20.0 points [+20.0, +20.0] across 3 "
                       "seeds; seed 0 +20.0 [") != std::string::npos);
  BOOST_TEST(text.find("McNemar p=1.9e-06") != std::string::npos);  // 2 / 2^20
  BOOST_TEST(text.find(": better\n") != std::string::npos);
  BOOST_TEST(text.find("still improving") != std::string::npos);
  const std::string md = saccade::read_text_file((w.dir.path / "report.md").string(), "test");
  BOOST_TEST(md.find("| grid | 3 | 0.6100 ± 0.0248 | n/a | 0.7500 |") != std::string::npos);  // no macro_f1 in these rows
  BOOST_TEST(md.find("- adaptive vs grid (best fixed on validation): +20.0 points") != std::string::npos);
  BOOST_TEST(md.find("Still improving (best validation epoch among the last three): center (seed 0: epoch 9 of 10)") !=
             std::string::npos);
  const saccade::CsvTable csv = saccade::read_csv((w.dir.path / "report.csv").string());
  const auto& adaptive_row = csv.rows[0];
  BOOST_TEST(adaptive_row[csv.column("verdict")] == "better");
  BOOST_TEST(adaptive_row[csv.column("paired_seeds")] == "3");
  BOOST_TEST(std::stod(adaptive_row[csv.column("adaptive_minus_mean")]) == 0.2, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(csv.rows[1][csv.column("best_fixed")] == "true");  // grid
  BOOST_TEST(csv.rows[1][csv.column("best_epochs")] == "5/10 5/10 5/10");
}

BOOST_AUTO_TEST_CASE(the_summary_puts_each_setting_under_its_verdict_against_the_best_fixed) {
  Sweep w;
  fill(w);
  const auto settings = w.summarize();
  const std::string text = saccade::report_table_text(settings);
  std::size_t checked = 0;
  for (const SettingSummary& s : settings) {
    if (s.best_fixed < 0) continue;
    const Comparison& c = versus(s, s.policies[static_cast<std::size_t>(s.best_fixed)].policy);
    const std::string line = "  " + s.title(settings) + ": vs " + s.policies[static_cast<std::size_t>(s.best_fixed)].policy;
    const std::size_t at = text.find(line);
    BOOST_TEST_REQUIRE(at != std::string::npos, line);
    const std::string rest = text.substr(at, text.find('\n', at) - at);
    BOOST_TEST(rest.find(saccade::verdict_text(c.verdict)) != std::string::npos, rest);
    // The block it sits in says the same: the settings where adaptive loses come first, by name.
    const char* header = c.verdict == Verdict::better  ? " adaptive wins:\n"
                         : c.verdict == Verdict::worse ? " adaptive LOSES:\n"
                                                       : " no clear difference (or not paired / not tested):\n";
    const std::size_t block = text.rfind(header, at);
    BOOST_TEST(block != std::string::npos, rest);
    for (const char* other : {" adaptive wins:\n", " adaptive LOSES:\n", " no clear difference (or not paired / not tested):\n"})
      if (std::string(other) != header) BOOST_TEST((text.rfind(other, at) == std::string::npos || text.rfind(other, at) < block));
    ++checked;
  }
  BOOST_TEST(checked >= 3u);  // better, no clear difference and not tested among the fixture's settings
}
