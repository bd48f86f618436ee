#include "experiments/report/confusion_section.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/pairing.hpp"

namespace saccade {

namespace {

// Wider than this and a markdown table is no longer read: confusion.csv has it all.
constexpr std::size_t kMaxClasses = 30;

// One policy's matrix summed over its runs; classes in the order the files list them.
struct Summed {
  std::vector<std::string> classes;
  std::map<std::pair<std::string, std::string>, long long> counts;  // (true, predicted)
  std::string split;    // "test", "validation", or "test and validation" when runs differ
  std::size_t runs = 0;
  std::vector<std::string> missing;  // runs without a confusion.csv

  void add(const std::string& truth, const std::string& predicted, long long n) {
    for (const std::string& c : {truth, predicted})
      if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
    counts[{truth, predicted}] += n;
  }
};

class ConfusionFiles {  // each run's confusion.csv, read once however many policies need it
 public:
  const CsvTable* get(const std::string& path) {
    auto it = cache_.find(path);
    if (it != cache_.end()) return it->second ? &*it->second : nullptr;
    std::optional<CsvTable> t;
    if (path_exists(path)) {
      t = read_csv(path);
      for (const char* c : {"policy", "split", "true", "predicted", "count"})
        if (t->column(c) < 0) throw std::runtime_error(path + ":1: no column `" + std::string(c) + "` in the header");
    }
    return (cache_[path] = std::move(t)) ? &*cache_[path] : nullptr;
  }

 private:
  std::map<std::string, std::optional<CsvTable>> cache_;
};

long long count_at(const CsvTable& t, std::size_t r, const std::string& path) {
  const std::string& cell = t.rows[r][static_cast<std::size_t>(t.column("count"))];
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(cell, &used);
  } catch (const std::exception&) {
  }
  if (n < 0 || used != cell.size())
    throw std::runtime_error(path + ":" + std::to_string(r + 2) + ": column count: expected a count, got \"" + cell + "\"");
  return n;
}

Summed sum_policy(const PolicySummary& p, const std::string& dir, ConfusionFiles& files) {
  Summed s;
  for (const SeedRow& row : p.rows) {
    const std::string path = run_directory(dir, row.run) + "/confusion.csv";
    const CsvTable* t = files.get(path);
    if (!t) {
      s.missing.push_back(row.run.empty() ? dir : row.run);
      continue;
    }
    const std::string split = std::isnan(row.accuracy) ? "validation" : "test";
    const int policy = t->column("policy"), split_col = t->column("split");
    const int truth = t->column("true"), predicted = t->column("predicted");
    bool found = false;
    for (std::size_t r = 0; r < t->rows.size(); ++r) {
      const auto& cells = t->rows[r];
      if (cells[policy] != p.scores_name() || cells[split_col] != split) continue;
      s.add(cells[truth], cells[predicted], count_at(*t, r, path));
      found = true;
    }
    if (!found) {
      s.missing.push_back(row.run.empty() ? dir : row.run);
      continue;
    }
    s.split = s.split.empty() || s.split == split ? split : "test and validation";
    ++s.runs;
  }
  return s;
}

std::string matrix_markdown(const Summed& s) {
  std::ostringstream md;
  md << "| true \\ answered |";
  for (const auto& c : s.classes) md << ' ' << c << " |";
  md << "\n|---|";
  for (std::size_t i = 0; i < s.classes.size(); ++i) md << "---:|";
  md << '\n';
  for (const auto& t : s.classes) {
    md << "| " << t << " |";
    for (const auto& p : s.classes) {
      const auto it = s.counts.find({t, p});
      md << ' ' << (it == s.counts.end() ? 0 : it->second) << " |";
    }
    md << '\n';
  }
  return md.str();
}

}  // namespace

std::string confusion_markdown(const std::vector<SettingSummary>& settings, const std::string& dir) {
  ConfusionFiles files;
  std::ostringstream md;
  bool any = false;
  for (const SettingSummary& setting : settings) {
    md << "### " << setting.title(settings) << "\n\n";
    for (const PolicySummary& p : setting.policies) {
      const Summed s = sum_policy(p, dir, files);
      any = any || s.runs > 0;
      md << "**" << p.policy << "**";
      if (s.runs > 0) md << " (" << s.split << ", " << s.runs << (s.runs == 1 ? " run" : " runs") << " summed)";
      md << "\n\n";
      if (s.classes.size() > kMaxClasses)
        md << s.classes.size() << " classes: too many to show here; see confusion.csv.\n\n";
      else if (s.runs > 0)
        md << matrix_markdown(s) << '\n';
      for (const std::string& run : s.missing)
        md << "No confusion rows for it in " << run << " (a run from before confusion.csv?).\n\n";
    }
  }
  if (!any) return "";
  return "\n## Confusion matrices\n\nCounts of answers (columns) for each true class (rows), summed over the runs "
         "(seeds); in a multi-slot env a class is SLOT/VALUE.\n\n" + md.str();
}

}  // namespace saccade
