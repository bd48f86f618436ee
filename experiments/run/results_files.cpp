#include "experiments/run/results_files.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"

namespace saccade {

MetricsLog::MetricsLog(const std::string& path, bool append)
    : out_(path, append ? std::ios::app : std::ios::trunc), path_(path) {
  if (!out_) throw std::runtime_error("cannot open " + path + " for writing");
}

void MetricsLog::write(const nlohmann::json& row) {
  out_ << row.dump() << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write to " + path_);
}

namespace {

// The reader's weight on example b's read after its `column`-th read column, moving `column` past it.
float attention_at(const Episode& ep, std::size_t b, std::size_t& column) {
  const std::size_t T = ep.attention_read.shape()[1];
  while (column < T && ep.attention_read(b, column) == 0.0f) ++column;
  if (column == T) throw std::logic_error("write_traces: example " + std::to_string(b) + " read more regions than its memory holds");
  return ep.attention(b, column++);
}

}  // namespace

void write_traces(const std::string& path, Env& env, const Reader& reader, Policy& policy, std::size_t count,
                  std::uint64_t seed, Rng& rng) {
  NoGrad no_grad;
  std::vector<std::size_t> examples(count);
  for (std::size_t i = 0; i < count; ++i) examples[i] = i;
  EpisodeRecording record;
  record.attention = true;
  const Episode ep = run_episode(env, reader, policy, examples, seed, rng, /*greedy=*/true, record);
  const std::vector<float> correct = correct_per_example(ep.logits, ep.labels, ep.slots);
  std::ostringstream s;
  s << "example,label,correct,step,row,col,region,evidence,weight\n";
  for (std::size_t b = 0; b < count; ++b) {
    std::size_t column = 0;  // example b's k-th read is its k-th read column of the reader's memory
    for (std::size_t t = 0; t < ep.read_now.size(); ++t) {
      if (!ep.read_now[t][b]) continue;
      const Array& loc = ep.locations[t];
      const bool has_loc = loc.dimension() == 2 && loc.shape()[0] == count;
      s << b << ',';
      for (std::size_t k = 0; k < ep.slots; ++k) s << (k ? " " : "") << ep.labels[b * ep.slots + k];  // one per slot
      s << ',' << correct[b] << ',' << t << ',' << (has_loc ? loc(b, 0) : 0.0f) << ','
        << (has_loc ? loc(b, 1) : 0.0f) << ',' << ep.regions[t][b] << ',';
      if (const int e = read_evidence(ep, t, b); e >= 0) s << e;
      s << ',';
      if (ep.attention.dimension() == 2) s << attention_at(ep, b, column);
      s << '\n';
    }
  }
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomic(path, s.str(), "write_traces");
}

std::string scores_path(const std::string& out_dir, const std::string& policy) {
  return out_dir + "/scores/" + policy + ".csv";
}

void write_scores(const std::string& path, std::size_t draws, const std::vector<double>& test,
                  const std::vector<double>& oov) {
  std::string s = "split,example,draws,score\n";
  char line[96];
  for (const auto& [split, scores] : {std::pair<const char*, const std::vector<double>*>{"test", &test}, {"oov", &oov}}) {
    for (std::size_t i = 0; i < scores->size(); ++i) {
      // %.10g: k of `draws` right reads back as k/draws to far better than pairing needs.
      std::snprintf(line, sizeof line, "%s,%zu,%zu,%.10g\n", split, i, draws, (*scores)[i]);
      s += line;
    }
  }
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomic(path, s, "write_scores");
}

bool finished_run(const std::string& dir) {
  if (!std::filesystem::exists(dir + "/status.json")) return false;
  const auto status = nlohmann::json::parse(read_text_file(dir + "/status.json", "finished_run"), nullptr, /*allow_exceptions=*/false);
  return status.is_object() && status.value("status", "") == "done";
}

void write_results_csv(const std::string& path, const RunOptions& o, const std::vector<PolicyResult>& results) {
  std::ostringstream s;
  s << kResultsHeader << '\n';
  s.precision(6);
  auto num = [](double v) {
    std::ostringstream t;
    t.precision(6);
    t << v;
    return t.str();
  };
  for (const auto& r : results) {
    auto test = [&](double v) { return r.tested ? num(v) : std::string(); };  // eval.test=false: empty
    s << csv_line({o.run_name, std::to_string(o.seed), o.env_name, r.name, std::to_string(r.budget), test(r.test.accuracy),
                   test(r.test.mean_regions), test(r.test.flops_per_example), test(r.test.us_per_example),
                   r.test.policy_us_per_example < 0 ? "" : test(r.test.policy_us_per_example),
                   num(r.val_accuracy), std::to_string(r.epochs), std::to_string(r.best_epoch), num(r.train_seconds),
                   !r.tested || r.test.evidence_read < 0 ? "" : num(r.test.evidence_read),
                   !r.tested || r.oov_accuracy < 0 ? "" : num(r.oov_accuracy)});
  }
  write_file_atomic(path, s.str(), "write_results_csv");
}

}  // namespace saccade
