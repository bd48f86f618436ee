// `saccade report --shared`: in a learner comparison the fixed policies run once per seed, with the
// first learner; the settings that differ only in shared columns (a family) take each other's fixed
// policies, paired seed by seed with their own runs' scores, and each other's adaptive as a learned
// reference that never counts as fixed (experiments/report/shared.hpp).
#define BOOST_TEST_MODULE test_report_shared
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/files.hpp"
#include "test_helpers.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/pairing.hpp"
#include "experiments/report/report.hpp"
#include "experiments/report/report_format.hpp"
#include "experiments/report/shared.hpp"
#include "experiments/run/results_files.hpp"

namespace fs = std::filesystem;
using saccade::Comparison;
using saccade::PolicySummary;
using saccade::SettingSummary;

namespace {

constexpr std::size_t kExamples = 4;

// 1 on the examples listed, 0 on the others.
std::vector<double> right_on(std::initializer_list<std::size_t> examples) {
  std::vector<double> s(kExamples, 0.0);
  for (std::size_t i : examples) s[i] = 1;
  return s;
}

// A learner comparison: `zip: {train.algorithm: [reinforce, ppo], eval.policies: [[saliency, grid], []]}`,
// seeds 0 and 1, budget 4; and, in another family (budget 6), a reinforce run with its own grid.
//   reinforce: adaptive right on {0} (val 0.9: above every fixed policy's, so a learned policy taken
//     for fixed would be chosen), saliency {0, 1} in seed 0 and {0} in seed 1 (val 0.6), grid {3} (val 0.4).
//   ppo: adaptive right on {0, 1, 2} (val 0.95) in both seeds, and nothing else.
// So in ppo's setting: adaptive - saliency = +25 points in seed 0, +50 in seed 1 (mean +37.5);
// adaptive - grid = +50 in both; adaptive - adaptive[train.algorithm=reinforce] = +50 in both.
struct Sweep {
  const saccade::testing::TempDir dir{"saccade_test_report_shared"};
  std::ostringstream results;
  Sweep() { results << saccade::kResultsHeader << ",train.algorithm,eval.policies\n"; }

  void add(const std::string& run, int seed, int budget, const std::string& algorithm, const std::string& policies,
           const std::string& policy, const std::vector<double>& scores, double val) {
    double sum = 0;
    for (double v : scores) sum += v;
    results << run << ',' << seed << ",e," << policy << ',' << budget << ',' << sum / kExamples << ",4,1e6,100,10,," << val
            << ",10,5,1,,," << algorithm << ',' << policies << "\n";
    fs::create_directories(dir.dir / run / "scores");
    std::ofstream f(dir.dir / run / "scores" / (policy + ".csv"));
    f << "split,example,draws,score\n";
    for (std::size_t i = 0; i < kExamples; ++i) f << "test," << i << ",1," << scores[i] << "\n";
  }

  void fill() {
    for (int s = 0; s < 2; ++s) {
      const std::string r = "00" + std::to_string(s) + "-algorithm=reinforce-seed=" + std::to_string(s);
      add(r, s, 4, "reinforce", "saliency+grid", "adaptive", right_on({0}), 0.9);
      add(r, s, 4, "reinforce", "saliency+grid", "saliency", s == 0 ? right_on({0, 1}) : right_on({0}), 0.6);
      add(r, s, 4, "reinforce", "saliency+grid", "grid", right_on({3}), 0.4);
    }
    for (int s = 0; s < 2; ++s)
      add("00" + std::to_string(2 + s) + "-algorithm=ppo-seed=" + std::to_string(s), s, 4, "ppo", "", "adaptive",
          right_on({0, 1, 2}), 0.95);
    add("004-budget=6-seed=0", 0, 6, "reinforce", "grid", "adaptive", right_on({0, 1}), 0.7);
    add("004-budget=6-seed=0", 0, 6, "reinforce", "grid", "grid", right_on({0}), 0.5);
  }

  std::vector<SettingSummary> summarize(const std::vector<std::string>& shared) {
    std::ofstream(dir.dir / "results.csv") << results.str();
    auto settings = saccade::summarize_results(saccade::read_csv((dir.dir / "results.csv").string()), "results.csv");
    if (!shared.empty()) saccade::share_across_settings(settings, shared, "results.csv");
    saccade::compare_paired(settings, dir.dir.string());
    return settings;
  }

  // `saccade report DIR [--shared ...] --no-plot`: the exit status; `out` and `err` what it printed.
  // `shared` unset: as DIR/manifest.json says; empty: --no-shared.
  int report(const std::optional<std::vector<std::string>>& shared, std::string& out, std::string& err) {
    std::ofstream(dir.dir / "results.csv") << results.str();
    std::ostringstream o, e;
    std::streambuf* previous = std::cerr.rdbuf(e.rdbuf());
    const int status = saccade::report_command({dir.dir.string(), /*plot=*/false, shared}, o);
    std::cerr.rdbuf(previous);
    out = o.str();
    err = e.str();
    return status;
  }
};

const std::vector<std::string> kShared = {"train.algorithm", "eval.policies"};

const PolicySummary& find(const SettingSummary& s, const std::string& policy) {
  const int i = s.index_of(policy);
  BOOST_TEST_REQUIRE(i >= 0, "no policy " << policy << " in " << s.title());
  return s.policies[static_cast<std::size_t>(i)];
}

const Comparison& versus(const SettingSummary& s, const std::string& policy) {
  for (const Comparison& c : s.comparisons)
    if (s.policies[c.other].policy == policy) return c;
  BOOST_FAIL("no comparison with " << policy << " in " << s.title());
  throw 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_other_learner_gets_the_fixed_policies_and_pairs_by_seed) {
  Sweep w;
  w.fill();
  const auto settings = w.summarize(kShared);
  BOOST_TEST_REQUIRE(settings.size() == 3u);
  const SettingSummary& ppo = settings[1];
  BOOST_TEST(ppo.title(settings).find("train.algorithm=ppo") != std::string::npos, ppo.title(settings));
  BOOST_TEST_REQUIRE(ppo.policies.size() == 4u);  // adaptive, saliency, grid, adaptive[train.algorithm=reinforce]
  BOOST_TEST(find(ppo, "saliency").from == "train.algorithm=reinforce");
  BOOST_TEST(find(ppo, "saliency").competes);
  BOOST_TEST(ppo.policies[ppo.best_fixed].policy == "saliency");  // on validation, as if it had run here

  const Comparison& saliency = versus(ppo, "saliency");
  BOOST_TEST_REQUIRE(saliency.seeds.size() == 2u, saliency.why);
  BOOST_TEST(saliency.seeds[0].seed == "0");
  BOOST_TEST(saliency.seeds[0].difference.mean == 0.25, boost::test_tools::tolerance(1e-12));  // {0,1,2} vs {0,1}
  BOOST_TEST(saliency.seeds[1].difference.mean == 0.5, boost::test_tools::tolerance(1e-12));   // {0,1,2} vs {0}
  BOOST_TEST(saliency.seeds[0].mcnemar.b == 1u);
  BOOST_TEST(saliency.seeds[0].mcnemar.c == 0u);
  BOOST_TEST(saliency.difference.mean == 0.375, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(versus(ppo, "grid").difference.mean == 0.5, boost::test_tools::tolerance(1e-12));

  // The fixed policies' own setting is as it was, plus ppo's adaptive to compare with.
  const SettingSummary& reinforce = settings[0];
  BOOST_TEST(reinforce.policies.size() == 4u);
  BOOST_TEST(reinforce.policies[reinforce.best_fixed].policy == "saliency");
  BOOST_TEST(find(reinforce, "saliency").from.empty());
  BOOST_TEST(versus(reinforce, "adaptive[train.algorithm=ppo]").difference.mean == -0.5,
             boost::test_tools::tolerance(1e-12));
  // Budget 6 is another family: untouched.
  BOOST_TEST(settings[2].policies.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_learned_reference_is_never_the_best_fixed) {
  Sweep w;
  w.fill();
  const auto settings = w.summarize(kShared);
  const SettingSummary& ppo = settings[1];
  const int r = ppo.index_of("adaptive[train.algorithm=reinforce]");
  BOOST_TEST_REQUIRE(r >= 0);
  const PolicySummary& reference = ppo.policies[static_cast<std::size_t>(r)];
  BOOST_TEST(reference.learned);
  BOOST_TEST(!reference.competes);  // reads 4 of 4 regions with the best validation accuracy, yet not fixed
  BOOST_TEST(reference.val_accuracy.mean > find(ppo, "saliency").val_accuracy.mean);
  BOOST_TEST(ppo.best_fixed != r);
  BOOST_TEST(saccade::mark_text(ppo, static_cast<std::size_t>(r)) == "learned reference");
  // Adaptive is paired with it like any policy, from reinforce's runs' scores/adaptive.csv.
  const Comparison& c = versus(ppo, "adaptive[train.algorithm=reinforce]");
  BOOST_TEST_REQUIRE(c.seeds.size() == 2u, c.why);
  BOOST_TEST(c.difference.mean == 0.5, boost::test_tools::tolerance(1e-12));
  const std::string line = saccade::comparison_text(ppo, c);
  BOOST_TEST(line.rfind("adaptive vs adaptive[train.algorithm=reinforce] (learned reference, for information): "
                        "+50.0 points", 0) == 0,
             line);
}

BOOST_AUTO_TEST_CASE(the_report_says_where_shared_policies_come_from) {
  Sweep w;
  w.fill();
  std::string out, err;
  BOOST_TEST_REQUIRE(w.report(kShared, out, err) == 0, err);
  BOOST_TEST(out.find("paired: adaptive vs saliency (best fixed on validation): +37.5 points") != std::string::npos,
             out);
  BOOST_TEST(out.find("best fixed; shared from train.algorithm=reinforce") != std::string::npos, out);
  BOOST_TEST(out.find("adaptive[train.algorithm=ppo]") != std::string::npos, out);
  BOOST_TEST(out.find("adaptive[train.algorithm=reinforce]") != std::string::npos, out);
  BOOST_TEST(out.find("shared from K=V (sweep.shared or --shared)") != std::string::npos);
  const saccade::CsvTable csv = saccade::read_csv((w.dir.dir / "report.csv").string());
  for (const auto& row : csv.rows)
    if (row[csv.column("policy")].rfind("adaptive[", 0) == 0) BOOST_TEST(row[csv.column("competes")] == "false");
}

BOOST_AUTO_TEST_CASE(an_unknown_shared_column_is_an_error_that_names_it) {
  Sweep w;
  w.fill();
  const std::vector<std::string> misspelt = {"train.algorithm", "train.algo"};
  BOOST_CHECK_EXCEPTION(w.summarize(misspelt), std::runtime_error, [](const std::runtime_error& e) {
    const std::string what = e.what();
    return what.find("--shared train.algo: not a swept column of results.csv") != std::string::npos &&
           what.find("its swept columns: train.algorithm, eval.policies") != std::string::npos;
  });
  std::string out, err;
  BOOST_TEST(w.report(std::vector<std::string>{"seed"}, out, err) == 2);  // the seed is never part of a setting
  BOOST_TEST(err.find("--shared seed: not a swept column of") != std::string::npos, err);
  BOOST_TEST(!fs::exists(w.dir.dir / "report.md"));
}

BOOST_AUTO_TEST_CASE(without_shared_nothing_is_shared) {
  Sweep w;
  w.fill();
  const auto settings = w.summarize({});
  BOOST_TEST(settings[0].policies.size() == 3u);
  BOOST_TEST(settings[1].policies.size() == 1u);  // ppo's adaptive, with nothing to pair
  BOOST_TEST(settings[1].comparisons.empty());
  BOOST_TEST(settings[1].best_fixed == -1);
  std::string out, err;
  BOOST_TEST_REQUIRE(w.report(std::nullopt, out, err) == 0, err);  // no --shared, and no manifest to say
  BOOST_TEST(out.find("shared from") == std::string::npos, out);  // (the temporary directory's name says "shared")
  BOOST_TEST(out.find("adaptive[") == std::string::npos, out);
  BOOST_TEST(out.find("learned reference") == std::string::npos, out);
  // The legend is the one a report without --shared always had.
  BOOST_TEST(out.find(saccade::method_text()) != std::string::npos);
  BOOST_TEST(out.find(saccade::method_text(settings)) != std::string::npos);
  BOOST_TEST(saccade::method_text(settings) == saccade::method_text());
}

// The sweep file's `sweep.shared: [train.algorithm, eval.policies]`, as the sweep writes it into
// DIR/manifest.json: `saccade report DIR` shares without being told; --shared overrides, --no-shared
// (an empty list) turns it off.
BOOST_AUTO_TEST_CASE(the_sweep_manifest_says_what_is_shared) {
  Sweep w;
  w.fill();
  const fs::path manifest = w.dir.dir / "manifest.json";
  std::ofstream(manifest) << R"({"swept_keys": ["train.algorithm", "eval.policies", "seed"],
                                 "shared": ["train.algorithm", "eval.policies"], "runs": []})";
  std::string out, err;
  BOOST_TEST_REQUIRE(w.report(std::nullopt, out, err) == 0, err);
  BOOST_TEST(out.find("paired: adaptive vs saliency (best fixed on validation): +37.5 points") != std::string::npos,
             out);
  BOOST_TEST(out.find("best fixed; shared from train.algorithm=reinforce") != std::string::npos, out);
  BOOST_TEST(out.find("adaptive[train.algorithm=reinforce]") != std::string::npos, out);

  BOOST_TEST_REQUIRE(w.report(std::vector<std::string>{}, out, err) == 0, err);  // --no-shared
  BOOST_TEST(out.find("adaptive[") == std::string::npos, out);
  BOOST_TEST(out.find("shared from") == std::string::npos, out);

  // A manifest naming a column results.csv lacks: the error names the manifest; --shared overrides it.
  std::ofstream(manifest) << R"({"shared": ["train.algorithm", "policy.type"], "runs": []})";
  BOOST_TEST(w.report(std::nullopt, out, err) == 2);
  BOOST_TEST(err.find(manifest.string() + ": shared policy.type: not a swept column of") != std::string::npos, err);
  BOOST_TEST(err.find("its swept columns: train.algorithm, eval.policies") != std::string::npos, err);
  BOOST_TEST_REQUIRE(w.report(kShared, out, err) == 0, err);
  BOOST_TEST(out.find("best fixed; shared from train.algorithm=reinforce") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(a_manifest_without_shared_or_malformed) {
  Sweep w;
  w.fill();
  const fs::path manifest = w.dir.dir / "manifest.json";
  std::ofstream(manifest) << "{\"shared\": [\"train.algorithm\"";
  std::string out, err;
  BOOST_TEST(w.report(std::nullopt, out, err) == 2);
  BOOST_TEST(err.find("saccade report: " + manifest.string() + ": not a sweep manifest (") != std::string::npos, err);
  BOOST_TEST(!fs::exists(w.dir.dir / "report.md"));
  BOOST_TEST_REQUIRE(w.report(kShared, out, err) == 0, err);  // the command line does not need the manifest

  std::ofstream(manifest) << R"({"swept_keys": ["train.algorithm", "eval.policies", "seed"], "runs": []})";
  BOOST_TEST_REQUIRE(w.report(std::nullopt, out, err) == 0, err);  // from before sweep.shared: nothing shared
  BOOST_TEST(out.find("adaptive[") == std::string::npos, out);
}
