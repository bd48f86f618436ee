// A sweep's directory and what it records, for every backend: which runs finished before (and with
// the same config), each run's directory made ready, OUT/manifest.json and OUT/results.csv. Also the
// entry points for runs made elsewhere: prepare_sweep (before) and gather_sweep (after). The Sweep
// class is in sweep_jobs_impl.hpp; running the runs here is sweep_jobs.cpp.
#include "experiments/sweep/sweep_jobs.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/sweep/sweep_jobs_impl.hpp"

namespace fs = std::filesystem;

namespace saccade {

namespace sweep_jobs {

namespace {

// The config a run was made with (its config.yaml), as this saccade resolves it. A key added since,
// which the file lacks, takes its default, and a new key's default reproduces what ran before
// (docs/extending.md, "A config key"): a newer saccade still recognises the runs an older one
// finished. If the file no longer resolves (a key since removed), its text as written: it differs.
std::string config_now(const std::string& dir, const std::string& written) {
  try {
    return resolve(Config::load(dir + "/config.yaml")).to_yaml();
  } catch (const std::exception&) {
    return written;
  }
}

// First line where two config texts differ, for the message about a changed sweep.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga || !gb || la != lb) return "line " + std::to_string(line) + ": `" + (ga ? la : "") + "` now `" + (gb ? lb : "") + "`";
  }
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::Pending: return "pending";
    case Status::Running: return "running";
    case Status::Done: return "done";
    case Status::Failed: return "failed";
    case Status::Interrupted: return "interrupted";
  }
  return "?";
}

Sweep::Sweep(const SweepPlan& plan, const SweepOptions& options) : plan_(plan), o_(options) {
  live_ = ::isatty(STDERR_FILENO) == 1;
  for (const auto& run : plan.runs) {
    Job j;
    j.run = &run;
    j.dir = o_.out_dir + "/" + run.name;
    j.log = j.dir + "/log.txt";
    jobs_.push_back(std::move(j));
  }
}

std::vector<std::size_t> Sweep::prepare() {
  fs::create_directories(o_.out_dir);
  check_and_mark_finished();
  std::vector<std::size_t> todo;
  for (auto& j : jobs_) {
    if (j.status == Status::Done) continue;
    prepare_dir(j);
    todo.push_back(j.run->index);
  }
  write_manifest();
  gather_results(plan_, o_.out_dir);
  return todo;
}

int Sweep::gather() {
  check_and_mark_finished();
  for (auto& j : jobs_)
    if (j.status != Status::Done && fs::exists(j.dir + "/resolved.yaml")) j.status = Status::Interrupted;
  write_manifest();
  gather_results(plan_, o_.out_dir);
  const std::size_t done = count(Status::Done);
  std::cout << "sweep: " << done << "/" << jobs_.size() << " runs finished";
  if (const std::size_t started = count(Status::Interrupted)) std::cout << ", " << started << " started but not finished";
  std::cout << "\nresults: " << o_.out_dir << "/results.csv  manifest: " << o_.out_dir << "/manifest.json\n";
  return done == jobs_.size() ? 0 : 1;
}

std::size_t Sweep::count(Status s) const {
  return static_cast<std::size_t>(std::count_if(jobs_.begin(), jobs_.end(), [s](const Job& j) { return j.status == s; }));
}

// A finished run is kept only if it was made with the same config. An interrupted one with the same
// config continues from its last epoch checkpoint (`saccade run --resume`); anything else starts again.
void Sweep::check_and_mark_finished() {
  std::vector<std::string> conflicts;
  for (auto& j : jobs_) {
    const std::string config = j.run->resolved.to_yaml();
    if (!fs::exists(j.dir + "/config.yaml")) continue;
    const std::string written = read_text_file(j.dir + "/config.yaml", "sweep");
    const std::string before = written == config ? written : config_now(j.dir, written);
    if (!finished_run(j.dir)) {
      j.resume = before == config && fs::exists(j.dir + "/resolved.yaml");
      continue;
    }
    if (before != config) {
      conflicts.push_back(j.dir + ": finished with a different config (" + first_difference(before, config) + ")");
      continue;
    }
    j.status = Status::Done;
    j.finished_before = true;
  }
  if (!conflicts.empty()) {
    std::string message;
    for (const auto& c : conflicts) message += c + "\n";
    throw ConfigError(message + "the sweep changed since these runs finished: use another --out, or delete those "
                                "directories to run them again");
  }
}

// An interrupted run keeps its directory, to go on where it stopped; any other unfinished attempt is
// cleared and the run starts from nothing: its config.yaml alone.
void Sweep::prepare_dir(const Job& j) {
  if (j.resume) return;
  fs::remove_all(j.dir);
  fs::create_directories(j.dir);
  write_file_atomic(j.dir + "/config.yaml", j.run->resolved.to_yaml(), "sweep");
}

void Sweep::write_manifest() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& j : jobs_) {
    nlohmann::json swept = nlohmann::json::object();
    for (const auto& [k, v] : j.run->swept) swept[k] = v;
    nlohmann::json r = {{"index", j.run->index}, {"name", j.run->name}, {"dir", j.dir}, {"status", status_name(j.status)},
                        {"swept", swept}, {"log", j.log}};
    if (j.status == Status::Done && !j.finished_before) r["seconds"] = j.seconds;
    if (j.status == Status::Failed) r["failure"] = j.failure;
    if (j.status == Status::Running) r["pid"] = j.pid;
    runs.push_back(std::move(r));
  }
  nlohmann::json counts = nlohmann::json::object();
  for (Status s : {Status::Pending, Status::Running, Status::Done, Status::Failed, Status::Interrupted})
    counts[status_name(s)] = count(s);
  // "shared": sweep.shared, for `saccade report OUT` (experiments/report/shared.hpp reads it back).
  const nlohmann::json manifest = {{"sweep", o_.sweep_file}, {"out", o_.out_dir}, {"swept_keys", plan_.swept_keys},
                                   {"shared", plan_.shared}, {"counts", counts}, {"runs", runs}};
  write_file_atomic(o_.out_dir + "/manifest.json", manifest.dump(2) + "\n", "sweep manifest");
}

}  // namespace sweep_jobs

void gather_results(const SweepPlan& plan, const std::string& out_dir) {
  CsvTable all;
  std::vector<std::string> extra;  // swept keys, seed already being a column
  for (const auto& k : plan.swept_keys)
    if (k != "seed") extra.push_back(k);
  all.header = parse_csv(std::string(kResultsHeader) + "\n", "kResultsHeader").header;
  all.header.insert(all.header.end(), extra.begin(), extra.end());
  for (const auto& run : plan.runs) {
    const std::string dir = out_dir + "/" + run.name;
    if (!finished_run(dir)) continue;
    const CsvTable rows = read_csv(dir + "/results.csv");
    for (const auto& row : rows.rows) {
      std::vector<std::string> out;
      for (std::size_t c = 0; c + extra.size() < all.header.size(); ++c) {
        const int at = rows.column(all.header[c]);
        out.push_back(at >= 0 ? row[static_cast<std::size_t>(at)] : "");
      }
      for (const auto& k : extra) {
        auto it = std::find_if(run.swept.begin(), run.swept.end(), [&](const auto& kv) { return kv.first == k; });
        out.push_back(it == run.swept.end() ? "" : it->second);
      }
      all.rows.push_back(std::move(out));
    }
  }
  write_file_atomic(out_dir + "/results.csv", to_csv(all), "gather_results");
}

std::vector<std::size_t> prepare_sweep(const SweepPlan& plan, const SweepOptions& options) {
  return sweep_jobs::Sweep(plan, options).prepare();
}

int gather_sweep(const SweepPlan& plan, const SweepOptions& options) { return sweep_jobs::Sweep(plan, options).gather(); }

}  // namespace saccade
