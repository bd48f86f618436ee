#include "experiments/run/resume.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/run/epoch_checkpoint.hpp"
#include "experiments/run/metric_files.hpp"

namespace saccade {

namespace fs = std::filesystem;

namespace {

// results.csv's rows back into results, in the plan's order. Empty optional columns are -1 ("none").
std::vector<PolicyResult> read_results(const std::string& path, const RunOptions& o, const std::vector<std::string>& policies) {
  if (!fs::exists(path)) return {};
  const CsvTable table = read_csv(path);
  auto field = [&](const std::vector<std::string>& row, const char* name) -> const std::string& {
    const int c = table.column(name);
    if (c < 0) throw std::runtime_error(path + ": no column '" + name + "'");
    return row[static_cast<std::size_t>(c)];
  };
  auto number = [&](const std::vector<std::string>& row, std::size_t r, const char* name) {
    const std::string& text = field(row, name);
    if (text.empty()) return -1.0;
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      throw std::runtime_error(path + " row " + std::to_string(r + 1) + ": column '" + name + "' is not a number: " + text);
    }
  };
  std::vector<PolicyResult> results;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string where = path + " row " + std::to_string(r + 1);
    if (field(row, "seed") != std::to_string(o.seed))
      throw std::runtime_error(where + " has seed " + field(row, "seed") + ", this run has seed " + std::to_string(o.seed) +
                               ": the directory holds another run's results");
    if (r >= policies.size() || field(row, "policy") != policies[r])
      throw std::runtime_error(where + " is policy '" + field(row, "policy") + "', where this run's policy " +
                               std::to_string(r + 1) + " is '" + (r < policies.size() ? policies[r] : "(none)") + "'");
    PolicyResult p;
    p.name = policies[r];
    p.budget = static_cast<std::size_t>(number(row, r, "budget"));
    p.test.accuracy = number(row, r, "accuracy");
    p.test.mean_regions = number(row, r, "mean_regions");
    p.test.flops_per_example = number(row, r, "flops_per_example");
    p.test.us_per_example = number(row, r, "us_per_example");
    // -1 (written back empty): not measured, or a file from before the column.
    const bool has_policy_us = table.column("policy_us_per_example") >= 0;
    p.test.policy_us_per_example = has_policy_us ? number(row, r, "policy_us_per_example") : -1.0;
    p.test.macro_f1 = table.column("macro_f1") >= 0 ? number(row, r, "macro_f1") : -1.0;  // likewise
    p.train_seconds = number(row, r, "train_seconds");
    p.test.evidence_read = number(row, r, "evidence_read");
    p.oov_accuracy = number(row, r, "oov_accuracy");
    p.tested = !field(row, "accuracy").empty();  // eval.test=false leaves the test columns empty
    // Columns a results.csv from before them lacks: what is known is kept, the rest written as 0.
    if (table.column("val_accuracy") >= 0) {
      p.val_accuracy = std::max(0.0, number(row, r, "val_accuracy"));
      p.epochs = static_cast<std::size_t>(std::max(0.0, number(row, r, "epochs")));
      p.best_epoch = static_cast<std::size_t>(std::max(0.0, number(row, r, "best_epoch")));
    }
    results.push_back(p);
  }
  return results;
}

// Keeps the metrics lines of the finished policies and of `next` up to `next_epochs`; a line that does
// not parse (torn by the kill) is dropped.
void cut_metrics(const std::string& path, const std::vector<PolicyResult>& finished, const std::string& next,
                 std::size_t next_epochs) {
  if (!fs::exists(path)) return;
  std::ifstream in(path);
  std::ostringstream kept;
  for (std::string line; std::getline(in, line);) {
    const auto row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object() || !row.contains("policy") || !row.contains("epoch")) continue;
    const std::string policy = row["policy"].is_string() ? row["policy"].get<std::string>() : "";
    const bool done = std::any_of(finished.begin(), finished.end(), [&](const PolicyResult& r) { return r.name == policy; });
    const bool before = policy == next && row["epoch"].is_number_unsigned() && row["epoch"].get<std::size_t>() <= next_epochs;
    if (done || before) kept << line << '\n';
  }
  write_file_atomic(path, kept.str(), "resume");
}

}  // namespace

ResumePoint prepare_resume(const RunOptions& o, const std::vector<std::string>& policies) {
  ResumePoint p;
  p.finished = read_results(o.out_dir + "/results.csv", o, policies);
  const std::string next = p.finished.size() < policies.size() ? policies[p.finished.size()] : "";
  if (!next.empty()) p.next_epochs = epochs_in_checkpoint(epoch_checkpoint_path(o.out_dir, next));
  cut_metrics(o.out_dir + "/metrics.jsonl", p.finished, next, p.next_epochs);
  std::vector<std::string> finished;
  for (const PolicyResult& r : p.finished) finished.push_back(r.name);
  keep_metric_rows(o.out_dir, finished);  // a policy scored but not in results.csv is scored again
  return p;
}

void clear_earlier_run(const std::string& out_dir) {
  fs::remove(out_dir + "/results.csv");
  fs::remove_all(out_dir + "/scores");  // an earlier run's scores must never be paired with this run's
  remove_metric_files(out_dir);
  if (!fs::is_directory(out_dir + "/checkpoints")) return;
  for (const auto& entry : fs::directory_iterator(out_dir + "/checkpoints")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".last.npz")) fs::remove(entry.path());
  }
}

}  // namespace saccade
