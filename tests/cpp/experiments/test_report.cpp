// `saccade report`: grouping results.csv into settings, per-policy means and intervals, which fixed
// policies compete, when adaptive is marked, and the files it writes.
#define BOOST_TEST_MODULE test_report
#include <boost/test/unit_test.hpp>
#include <cmath>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "experiments/report/csv.hpp"
#include "experiments/report/report.hpp"
#include "experiments/run/results_files.hpp"

namespace fs = std::filesystem;
using saccade::PolicySummary;
using saccade::SettingSummary;

namespace {

// Three settings, rows interleaved as a sweep appends them; `run` differs on every row and `seed`
// varies, neither may split a setting.
//  A: glimpse-60, budget 4, lr 0.01, 3 seeds: adaptive 0.80/0.82/0.84 vs grid 0.70/0.72/0.74: both
//     half-widths 4.3027 * 0.02 / sqrt(3) = 0.049683, adaptive's low 0.770317 > grid's high 0.769683:
//     marked. `all`, `fc` and `random` (which read 4.5 > 4 regions) score higher but do not compete.
//  B: same, lr 0.1, 2 seeds: adaptive 0.70/0.76 (half-width 12.7062 * 0.042426 / sqrt(2) = 0.381186)
//     vs grid 0.70/0.72 (0.127062): intervals overlap, not marked.
//  C: budget 6, lr 0.01, one seed each: adaptive far ahead, but no interval, not marked.
const char* const kResults =
    "run,seed,env,policy,budget,accuracy,mean_regions,flops_per_example,us_per_example,train_seconds,train.lr\n"
    "a0,0,g60,adaptive,4,0.80,4,3e6,180,1,0.01\n"
    "a0,0,g60,grid,4,0.70,4,2e6,130,1,0.01\n"
    "a0,0,g60,all,4,0.90,25,5e6,200,1,0.01\n"
    "a0,0,g60,fc,4,0.95,1,4e6,100,1,0.01\n"
    "a0,0,g60,random,4,0.85,4.5,2e6,120,1,0.01\n"
    "b0,0,g60,adaptive,4,0.70,4,3e6,170,1,0.1\n"
    "b0,0,g60,grid,4,0.70,4,2e6,120,1,0.1\n"
    "b0,0,g60,center,4,0.60,4,2e6,110,1,0.1\n"
    "c0,0,g60,adaptive,6,0.99,6,3e6,190,1,0.01\n"
    "c0,0,g60,grid,6,0.50,6,2e6,140,1,0.01\n"
    "a1,1,g60,adaptive,4,0.82,4,3e6,182,1,0.01\n"
    "a1,1,g60,grid,4,0.72,4,2e6,132,1,0.01\n"
    "b1,1,g60,adaptive,4,0.76,4,3e6,172,1,0.1\n"
    "b1,1,g60,grid,4,0.72,4,2e6,122,1,0.1\n"
    "b1,1,g60,center,4,0.62,4,2e6,112,1,0.1\n"
    "a2,2,g60,adaptive,4,0.84,4,3e6,184,1,0.01\n"
    "a2,2,g60,grid,4,0.74,4,2e6,134,1,0.01\n";

std::vector<SettingSummary> summarize(const std::string& text) {
  return saccade::summarize_results(saccade::parse_csv(text, "x.csv"), "x.csv");
}

const PolicySummary& find(const SettingSummary& s, const std::string& policy) {
  for (const auto& p : s.policies)
    if (p.policy == policy) return p;
  BOOST_FAIL("no policy " << policy << " in " << s.title());
  throw 0;
}

std::string error_of(const std::string& text) {
  try {
    summarize(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("saccade_test_report_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(groups_by_env_budget_and_swept_keys_not_seed_or_run) {
  const auto settings = summarize(kResults);
  BOOST_TEST_REQUIRE(settings.size() == 3u);
  BOOST_TEST(settings[0].title() == "g60  budget 4  train.lr=0.01");
  BOOST_TEST(settings[1].title() == "g60  budget 4  train.lr=0.1");
  BOOST_TEST(settings[2].title() == "g60  budget 6  train.lr=0.01");
  BOOST_TEST(settings[2].title(settings) == "g60  budget 6  train.lr=0.01");  // train.lr varies within g60
  const std::vector<SettingSummary> one_lr = {settings[0], settings[2]};
  BOOST_TEST(settings[2].title(one_lr) == "g60  budget 6");  // the same lr everywhere: not shown
  BOOST_TEST(settings[0].budget == 4.0);
  BOOST_TEST(find(settings[0], "adaptive").accuracy.n == 3u);
  BOOST_TEST(find(settings[0], "all").accuracy.n == 1u);
  BOOST_TEST(find(settings[1], "center").accuracy.n == 2u);
  BOOST_TEST(settings[0].policies[0].policy == "adaptive");  // first appearance
}

BOOST_AUTO_TEST_CASE(means_and_intervals_by_hand) {
  const auto settings = summarize(kResults);
  const auto& a = find(settings[0], "adaptive");
  BOOST_TEST(a.accuracy.mean == 0.82, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::abs(a.accuracy.half_width - 0.049683) < 1e-6);
  BOOST_TEST(a.us_per_example == 182.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(a.mean_regions == 4.0);
  BOOST_TEST(a.flops_per_example == 3e6);
  BOOST_TEST(std::abs(find(settings[1], "adaptive").accuracy.half_width - 0.381186) < 1e-6);
  BOOST_TEST(std::abs(find(settings[1], "grid").accuracy.half_width - 0.127062) < 1e-6);
  BOOST_TEST(!find(settings[2], "adaptive").accuracy.known());
}

BOOST_AUTO_TEST_CASE(competes_and_mark) {
  const auto settings = summarize(kResults);
  const auto& s = settings[0];
  BOOST_TEST(find(s, "grid").competes);
  BOOST_TEST(!find(s, "all").competes);     // reads 25 of 4
  BOOST_TEST(!find(s, "fc").competes);      // the whole canvas as "one region"
  BOOST_TEST(!find(s, "random").competes);  // 4.5 regions on a budget of 4
  BOOST_TEST(!find(s, "adaptive").competes);
  BOOST_TEST_REQUIRE(s.best_fixed >= 0);
  BOOST_TEST(s.policies[s.best_fixed].policy == "grid");
  BOOST_TEST(find(s, "adaptive").above_best_fixed);
  BOOST_TEST(!find(s, "grid").above_best_fixed);

  BOOST_TEST(settings[1].policies[settings[1].best_fixed].policy == "grid");  // by mean, over center
  BOOST_TEST(!find(settings[1], "adaptive").above_best_fixed);                // overlapping intervals
  BOOST_TEST(!find(settings[2], "adaptive").above_best_fixed);                // one seed: unknown
}

BOOST_AUTO_TEST_CASE(standard_columns_agree_with_results_files) {
  // A results.csv with only the standard columns: the setting is env and budget, nothing else (an
  // image row leaves evidence_read and oov_accuracy empty, a text or dialogue row fills them: neither
  // splits the setting).
  const auto settings = summarize(std::string(saccade::kResultsHeader) +
                                  "\nr,0,e,grid,4,0.5,4,1,1,0.5,0.4,0.45,10,8,1,,\nr,1,e,grid,4,0.7,4,1,1,,0.6,0.65,10,6,1,0.25,0.6\n");
  BOOST_TEST_REQUIRE(settings.size() == 1u);
  BOOST_TEST(settings[0].key.size() == 2u);
  BOOST_TEST(settings[0].policies.at(0).accuracy.n == 2u);
  BOOST_TEST(settings[0].policies.at(0).val_accuracy.mean == 0.55, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(settings[0].policies.at(0).rows.at(1).best_epoch == 6);
  // policy_us_per_example: the mean of the rows that have it (a row resumed from an older file has none).
  BOOST_TEST(settings[0].policies.at(0).policy_us_per_example == 0.5, boost::test_tools::tolerance(1e-12));
  // macro_f1 is a standard column (not a swept key): its mean and interval across seeds.
  BOOST_TEST(settings[0].policies.at(0).macro_f1.n == 2u);
  BOOST_TEST(settings[0].policies.at(0).macro_f1.mean == 0.5, boost::test_tools::tolerance(1e-12));
  const saccade::CsvTable now = saccade::report_table_csv(settings);
  BOOST_TEST(std::stod(now.rows.at(0)[now.column("macro_f1_mean")]) == 0.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::stod(now.rows.at(0)[now.column("macro_f1_ci95")]) > 0.0);
  // Files from before evidence_read and policy_us_per_example (kResults has neither) still summarize.
  const auto old = summarize(kResults);
  BOOST_TEST(old.size() == 3u);
  BOOST_TEST(std::isnan(old[0].policies.at(0).policy_us_per_example));
  const saccade::CsvTable t = saccade::report_table_csv(old);
  BOOST_TEST(t.rows.at(0)[t.column("policy_us_per_example")] == "");
  BOOST_TEST(old[0].policies.at(0).macro_f1.n == 0u);  // kResults predates macro_f1 too
  BOOST_TEST(t.rows.at(0)[t.column("macro_f1_mean")] == "");
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_column) {
  std::string bad = kResults;
  bad.replace(bad.find("0.72,4,2e6,132"), 4, "oops");  // line 13, accuracy is column 6
  BOOST_TEST(error_of(bad) == "x.csv:13: column 6 (accuracy): expected a number, got \"oops\"");
  BOOST_TEST(error_of("env,policy,budget\ne,p,4\n").find("x.csv:1: no column `accuracy`") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_and_csv) {
  const auto settings = summarize(kResults);
  const std::string text = saccade::report_table_text(settings);
  BOOST_TEST(text.find("0.8200 ± 0.0497") != std::string::npos);
  BOOST_TEST(text.find("* above best fixed (grid)") != std::string::npos);
  BOOST_TEST(text.find("0.9900 ± n/a") != std::string::npos);

  const saccade::CsvTable t = saccade::report_table_csv(settings);
  BOOST_TEST(t.header.front() == "env");
  BOOST_TEST(t.column("train.lr") == 2);
  BOOST_TEST(t.rows.size() == 5u + 3u + 2u);
  const auto& row = t.rows[0];  // setting A, adaptive
  BOOST_TEST(row[t.column("policy")] == "adaptive");
  BOOST_TEST(row[t.column("competes")] == "false");
  BOOST_TEST(row[t.column("above_best_fixed")] == "true");
  BOOST_TEST(std::stod(row[t.column("accuracy_low")]) == 0.770317, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(t.rows.back()[t.column("accuracy_ci95")] == "");  // one seed: missing, not 0
}

BOOST_AUTO_TEST_CASE(command_writes_files_and_rejects_missing_input) {
  TempDir dir;
  std::ofstream(dir.path / "results.csv") << kResults;
  std::ostringstream out;
  saccade::ReportOptions options{dir.path.string(), /*plot=*/false, /*shared=*/{}};
  BOOST_TEST(saccade::report_command(options, out) == 0);
  BOOST_TEST(out.str().find("g60  budget 4  train.lr=0.1") != std::string::npos);
  BOOST_TEST(fs::exists(dir.path / "report.csv"));
  BOOST_TEST(fs::exists(dir.path / "report.html"));
  BOOST_TEST(!fs::exists(dir.path / "report.png"));
  BOOST_TEST(saccade::read_csv((dir.path / "report.csv").string()).rows.size() == 10u);

  options.dir = (dir.path / "nope").string();
  BOOST_TEST(saccade::report_command(options, out) == 2);
  fs::remove(dir.path / "results.csv");
  options.dir = dir.path.string();
  BOOST_TEST(saccade::report_command(options, out) == 2);
}
