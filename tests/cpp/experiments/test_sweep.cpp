// Sweep expansion's `sweep.shared` (experiments/sweep/sweep.hpp): the swept keys that change only the
// learned policy, checked against the swept keys (errors name FILE:LINE:COLUMN and the key), written to
// OUT/manifest.json as "shared" and read back there by `saccade report` (experiments/report/shared.hpp).
#define BOOST_TEST_MODULE test_sweep
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "test_helpers.hpp"
#include "experiments/config/config.hpp"
#include "experiments/report/shared.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/sweep/sweep_jobs.hpp"

namespace fs = std::filesystem;
using saccade::Config;
using saccade::ConfigError;
using Keys = std::vector<std::string>;

namespace {

// Small image runs on scikit-learn's digits (nothing is run here; every run's config is checked).
const std::string kBase =
    "env: {dataset: digits, canvas: 16, retina: {size: 4, scales: 2}, preview_factor: 2}\n"
    "train: {epochs: 1}\n";

// A learner comparison: the fixed policies run with the first learner only. Line 5 is `shared:`.
std::string learners(const std::string& shared) {
  return kBase +
         "sweep:\n"
         "  zip: {train.algorithm: [reinforce, ppo], policy.type: [gaussian, spatial], eval.policies: [[center, grid], []]}\n" +
         (shared.empty() ? "" : "  shared: " + shared + "\n") + "  seeds: [0, 1]\n";
}

saccade::SweepPlan expand(const std::string& yaml, const std::string& out = "out") {
  return saccade::expand_sweep(Config::parse(yaml, "sweep.yaml"), out);
}

// The message of the ConfigError expanding `yaml` throws ("" if it does not throw).
std::string error_of(const std::string& yaml) {
  try {
    expand(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return true;
  BOOST_TEST_MESSAGE("`" << needle << "` not found in:\n" << haystack);
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shared_lists_swept_keys_in_the_order_given) {
  const auto plan = expand(learners("[eval.policies, train.algorithm, policy.type]"));
  BOOST_TEST(plan.runs.size() == 4u);
  BOOST_TEST(plan.shared == (Keys{"eval.policies", "train.algorithm", "policy.type"}));
  BOOST_TEST(plan.swept_keys == (Keys{"train.algorithm", "policy.type", "eval.policies", "seed"}));
  // A run's own config knows nothing of the sweep.
  BOOST_TEST(plan.runs[0].resolved.find("sweep") == nullptr);

  BOOST_TEST(expand(learners("")).shared.empty());    // unset: nothing shared
  BOOST_TEST(expand(learners("[]")).shared.empty());  // an empty list: the same
  // A grid key may be shared too, written flat or nested in the grid.
  const auto grid = expand(kBase + "sweep:\n  grid: {train: {algorithm: [reinforce, a2c]}}\n  shared: [train.algorithm]\n");
  BOOST_TEST(grid.shared == (Keys{"train.algorithm"}));
}

BOOST_AUTO_TEST_CASE(a_key_that_is_not_swept_is_named_with_its_line_and_the_swept_keys) {
  // `  shared: [train.algorithm, policy.budget]`: policy.budget starts at column 29 of line 5.
  const std::string msg = error_of(learners("[train.algorithm, policy.budget]"));
  BOOST_TEST(contains(msg, "sweep.yaml:5:29: sweep.shared[1]: policy.budget is not swept "
                           "(swept keys: train.algorithm, policy.type, eval.policies)"));
  // A near miss of a swept key gets a suggestion.
  BOOST_TEST(contains(error_of(learners("[train.algorithmm]")),
                      "sweep.yaml:5:12: sweep.shared[0]: train.algorithmm is not swept (swept keys: train.algorithm, "
                      "policy.type, eval.policies) (did you mean `train.algorithm`?)"));
  // No grid or zip at all.
  BOOST_TEST(contains(error_of(kBase + "sweep:\n  seeds: [0, 1]\n  shared: [train.lr]\n"),
                      "sweep.yaml:5:12: sweep.shared[0]: train.lr is not swept (swept keys: none)"));
  // Listed twice.
  BOOST_TEST(contains(error_of(learners("[policy.type, policy.type]")),
                      "sweep.yaml:5:25: sweep.shared[1]: policy.type: listed twice"));
}

BOOST_AUTO_TEST_CASE(the_seed_is_never_shared) {
  const std::string msg = error_of(learners("[train.algorithm, seed]"));
  BOOST_TEST(contains(msg, "sweep.yaml:5:29: sweep.shared[1]: seed cannot be shared"));
  BOOST_TEST(msg.find("\n") == std::string::npos, msg);  // one problem, one line
}

BOOST_AUTO_TEST_CASE(shared_must_be_a_list_of_strings) {
  BOOST_TEST(contains(error_of(learners("train.algorithm")),
                      "sweep.yaml:5:11: sweep.shared: expected list of strings, got \"train.algorithm\""));
  BOOST_TEST(contains(error_of(learners("[[train.algorithm]]")), "sweep.yaml:5:12: sweep.shared[0]: expected string"));
}

BOOST_AUTO_TEST_CASE(the_manifest_carries_shared_to_the_report) {
  const saccade::testing::TempDir dir("saccade_test_sweep");
  const std::string out = (dir.dir / "sweep").string();
  const auto plan = expand(learners("[train.algorithm, policy.type, eval.policies]"), out);
  saccade::SweepOptions options;
  options.out_dir = out;
  options.sweep_file = "sweep.yaml";
  const auto todo = saccade::prepare_sweep(plan, options);  // as --emit slurm and --backend dask do; runs nothing
  BOOST_TEST(todo.size() == 4u);

  const auto manifest = nlohmann::json::parse(saccade::read_text_file(out + "/manifest.json", "test"));
  BOOST_TEST(manifest["shared"].get<Keys>() == plan.shared);
  BOOST_TEST(manifest["runs"].size() == 4u);
  BOOST_TEST(saccade::manifest_shared(out) == plan.shared);

  // Nothing shared: an empty list, which reads back empty.
  const std::string other = (dir.dir / "other").string();
  options.out_dir = other;
  saccade::prepare_sweep(expand(learners(""), other), options);
  BOOST_TEST(nlohmann::json::parse(saccade::read_text_file(other + "/manifest.json", "test"))["shared"].is_array());
  BOOST_TEST(saccade::manifest_shared(other).empty());
}

BOOST_AUTO_TEST_CASE(an_old_missing_or_malformed_manifest) {
  const saccade::testing::TempDir dir("saccade_test_sweep");
  const std::string d = dir.dir.string();
  BOOST_TEST(saccade::manifest_shared(d).empty());  // a single run's directory: no manifest
  std::ofstream(dir.dir / "manifest.json") << R"({"sweep": "s.yaml", "swept_keys": ["seed"], "runs": []})";
  BOOST_TEST(saccade::manifest_shared(d).empty());  // written before sweep.shared existed

  const std::string path = (dir.dir / "manifest.json").string();
  auto error = [&](const std::string& text) -> std::string {
    std::ofstream(dir.dir / "manifest.json") << text;
    return saccade::testing::error_of([&] { saccade::manifest_shared(d); });
  };
  BOOST_TEST(contains(error(R"({"shared": ["train.algorithm",)"), path + ": not a sweep manifest ("));
  BOOST_TEST(contains(error("[1, 2]"), path + ": not a sweep manifest (not a JSON object)"));
  BOOST_TEST(contains(error(R"({"shared": "train.algorithm"})"),
                      path + ": \"shared\" must be a list of swept keys (strings), got \"train.algorithm\""));
  BOOST_TEST(contains(error(R"({"shared": ["train.algorithm", 3]})"), path + ": \"shared\" must be a list"));
}
