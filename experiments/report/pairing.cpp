#include "experiments/report/pairing.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include "core/files.hpp"
#include "experiments/report/csv.hpp"

namespace saccade {

namespace {

template <class T>
T parse_cell(const CsvTable& t, std::size_t row, int col, const std::string& path) {
  const std::string& cell = t.rows[row][static_cast<std::size_t>(col)];
  T v{};
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size())
    throw std::runtime_error(path + ":" + std::to_string(row + 2) + ": column " + t.header[col] + ": expected a number, got \"" +
                             cell + "\"");
  return v;
}

// One run's scores, read once however many comparisons need them.
class ScoresCache {
 public:
  const TestScores& get(const std::string& path) {
    auto it = cache_.find(path);
    if (it == cache_.end()) it = cache_.emplace(path, read_test_scores(path)).first;
    return it->second;
  }

 private:
  std::map<std::string, TestScores> cache_;
};

// The other policy's row to pair with adaptive's `row`: the same run's, or for a policy shared in from
// another setting (`--shared`, shared.hpp), the same seed's run of that setting.
const SeedRow* same_run(const PolicySummary& p, const SeedRow& row) {
  for (const SeedRow& r : p.rows)
    if ((!p.from.empty() || r.run == row.run) && r.seed == row.seed) return &r;
  return nullptr;
}

// The scores must be those results.csv reports (written with 6 significant digits): a file left by
// another run in the same directory would pair examples under another model.
void check_matches_results(const TestScores& s, const SeedRow& row, const std::string& path) {
  const double mean = std::accumulate(s.scores.begin(), s.scores.end(), 0.0) / static_cast<double>(s.scores.size());
  if (std::fabs(mean - row.accuracy) > 1e-5)
    throw std::runtime_error(path + ": its mean score " + std::to_string(mean) + " is not results.csv's accuracy " +
                             std::to_string(row.accuracy) + " (a file from another run?)");
}

// The path of a policy's scores file in a run, which must exist.
std::string scores_path(const std::string& dir, const std::string& run, const std::string& name) {
  const std::string path = run_directory(dir, run) + "/scores/" + name + ".csv";
  if (!path_exists(path))
    throw std::runtime_error("run " + run + " has no scores/" + name + ".csv (a run from before scores files?)");
  return path;
}

// Adaptive's row `a` against the other policy's `o` (of the same run, or the same seed's run of the
// setting it was shared from): the paired interval and McNemar.
SeedComparison compare_seed(const std::string& dir, const SeedRow& a, const SeedRow& o, const std::string& a_name,
                            const std::string& o_name, ScoresCache& cache) {
  const std::string a_path = scores_path(dir, a.run, a_name), o_path = scores_path(dir, o.run, o_name);
  const TestScores& sa = cache.get(a_path);
  const TestScores& so = cache.get(o_path);
  if (sa.examples != so.examples)
    throw std::runtime_error(a_path + " and " + o_path + " hold different test examples: they cannot be paired");
  check_matches_results(sa, a, a_path);
  check_matches_results(so, o, o_path);
  std::vector<double> d(sa.scores.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = sa.scores[i] - so.scores[i];
  SeedComparison c;
  c.seed = a.seed;
  c.run = a.run;
  c.difference = paired_bootstrap(d);
  if (sa.draws == 1 && so.draws == 1) {
    if (const auto m = mcnemar_test(sa.scores, so.scores)) {
      c.has_mcnemar = true;
      c.mcnemar = *m;
    }
  }
  return c;
}

Comparison compare_policies(const SettingSummary& s, int adaptive, int other, const std::string& dir, ScoresCache& cache) {
  const PolicySummary& a = s.policies[adaptive];
  const PolicySummary& o = s.policies[other];
  Comparison c;
  c.other = other;
  if (!a.tested() || !o.tested()) {
    c.verdict = Verdict::untested;
    return c;
  }
  try {
    for (const SeedRow& ra : a.rows) {
      const SeedRow* ro = same_run(o, ra);
      if (!ro || std::isnan(ra.accuracy) || std::isnan(ro->accuracy)) continue;  // the other did not run this seed
      c.seeds.push_back(compare_seed(dir, ra, *ro, a.scores_name(), o.scores_name(), cache));
    }
    if (c.seeds.empty()) throw std::runtime_error("no run scored both on test");
  } catch (const std::runtime_error& e) {
    c.seeds.clear();
    c.verdict = Verdict::unpaired;
    c.why = e.what();
    return c;
  }
  std::vector<double> differences;
  for (const SeedComparison& sc : c.seeds) differences.push_back(sc.difference.mean);
  c.difference = mean_ci95(differences);
  c.verdict = decide(c.seeds, clip(a.accuracy, 0, 1), clip(o.accuracy, 0, 1));
  return c;
}

}  // namespace

TestScores read_test_scores(const std::string& path) {
  const CsvTable t = parse_csv(read_text_file(path, "saccade report"), path);
  int split = t.column("split"), example = t.column("example"), draws = t.column("draws"), score = t.column("score");
  for (const auto& [name, col] : {std::pair<const char*, int>{"split", split}, {"example", example}, {"draws", draws}, {"score", score}})
    if (col < 0) throw std::runtime_error(path + ":1: no column `" + std::string(name) + "` in the header");
  std::vector<std::pair<std::size_t, double>> rows;
  TestScores s;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r][split] != "test") continue;
    rows.emplace_back(parse_cell<std::size_t>(t, r, example, path), parse_cell<double>(t, r, score, path));
    s.draws = parse_cell<std::size_t>(t, r, draws, path);
  }
  if (rows.empty()) throw std::runtime_error(path + ": no test rows");
  // Pairing goes by example index, never by line: two files in different orders still pair right.
  std::sort(rows.begin(), rows.end());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0 && rows[i].first == rows[i - 1].first)
      throw std::runtime_error(path + ": test example " + std::to_string(rows[i].first) + " appears twice");
    s.examples.push_back(rows[i].first);
    s.scores.push_back(rows[i].second);
  }
  return s;
}

std::string run_directory(const std::string& dir, const std::string& run) {
  if (!run.empty() && run.find('/') == std::string::npos && is_directory(dir + "/" + run)) return dir + "/" + run;
  return dir;
}

Verdict decide(const std::vector<SeedComparison>& seeds, const Interval& adaptive, const Interval& other) {
  if (seeds.empty()) return Verdict::unpaired;
  bool all_above = true, all_below = true;
  for (const SeedComparison& s : seeds) {
    all_above = all_above && s.difference.low > 0;
    all_below = all_below && s.difference.high < 0;
  }
  // With 3 or more seeds the seeds must agree beyond their own spread too: the accuracy intervals
  // across seeds are apart.
  const bool few = seeds.size() < 3;
  if (all_above && (few || above(adaptive, other))) return Verdict::better;
  if (all_below && (few || above(other, adaptive))) return Verdict::worse;
  return Verdict::no_clear_difference;
}

void compare_paired(std::vector<SettingSummary>& settings, const std::string& dir) {
  ScoresCache cache;
  for (SettingSummary& s : settings) {
    s.comparisons.clear();
    const int adaptive = s.index_of("adaptive");
    if (adaptive < 0) continue;
    for (std::size_t j = 0; j < s.policies.size(); ++j)
      if (static_cast<int>(j) != adaptive) s.comparisons.push_back(compare_policies(s, adaptive, static_cast<int>(j), dir, cache));
  }
}

}  // namespace saccade
