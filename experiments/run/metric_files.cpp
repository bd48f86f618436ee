#include "experiments/run/metric_files.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "experiments/report/csv.hpp"

namespace saccade {

namespace {

namespace fs = std::filesystem;

struct MetricFile {
  const char* name;
  const char* header;
};
const MetricFile kFiles[] = {{"class_metrics.csv", kClassMetricsHeader},
                             {"confusion.csv", kConfusionHeader},
                             {"anytime.csv", kAnytimeHeader}};

std::string number(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.10g", v);
  return s;
}

// The file's table, or an empty one with `header` when there is none yet. A file with another header
// (not written by this version) is an error naming it, not something to append to.
CsvTable read_or_start(const std::string& path, const char* header) {
  const CsvTable fresh = parse_csv(std::string(header) + "\n", path);
  if (!fs::exists(path)) return fresh;
  CsvTable t = read_csv(path);
  if (t.header != fresh.header) throw std::runtime_error(path + ": its header is not '" + header + "'");
  return t;
}

void add_rows(const std::string& path, const char* header, std::vector<std::vector<std::string>> rows) {
  CsvTable t = read_or_start(path, header);
  for (auto& row : rows) t.rows.push_back(std::move(row));
  write_file_atomic(path, to_csv(t), "add_metric_rows");
}

}  // namespace

void add_metric_rows(const std::string& out_dir, const std::string& policy, const std::string& split, const EvalResult& r) {
  const Confusion& c = r.confusion;
  std::vector<std::vector<std::string>> classes, pairs, anytime;
  for (const ClassScore& s : class_scores(c))
    classes.push_back({policy, split, c.class_name(s.slot, s.value), number(s.precision), number(s.recall), number(s.f1),
                       std::to_string(s.support)});
  for (std::size_t s = 0; s < c.slots(); ++s)
    for (std::size_t t = 0; t < c.classes(); ++t)
      for (std::size_t p = 0; p < c.classes(); ++p)
        pairs.push_back({policy, split, c.class_name(s, t), c.class_name(s, p), std::to_string(c.count(s, t, p))});
  for (std::size_t k = 0; k < r.anytime.size(); ++k)
    anytime.push_back({policy, split, std::to_string(k + 1), number(r.anytime[k] / static_cast<double>(r.examples)),
                       std::to_string(r.examples)});
  add_rows(out_dir + "/class_metrics.csv", kClassMetricsHeader, std::move(classes));
  add_rows(out_dir + "/confusion.csv", kConfusionHeader, std::move(pairs));
  if (!anytime.empty()) add_rows(out_dir + "/anytime.csv", kAnytimeHeader, std::move(anytime));
}

void keep_metric_rows(const std::string& out_dir, const std::vector<std::string>& finished) {
  for (const MetricFile& f : kFiles) {
    const std::string path = out_dir + "/" + f.name;
    if (!fs::exists(path)) continue;
    CsvTable t = read_or_start(path, f.header);
    std::erase_if(t.rows, [&](const std::vector<std::string>& row) {
      return std::find(finished.begin(), finished.end(), row[0]) == finished.end();
    });
    write_file_atomic(path, to_csv(t), "resume");
  }
}

void remove_metric_files(const std::string& out_dir) {
  for (const MetricFile& f : kFiles) fs::remove(out_dir + "/" + f.name);
}

}  // namespace saccade
