#include "experiments/report/shared.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/files.hpp"

namespace saccade {

namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

void check_shared(const std::vector<SettingSummary>& settings, const std::vector<std::string>& shared,
                  const std::string& source, const std::string& given_by) {
  const std::vector<std::string> swept = swept_columns(settings);
  for (const std::string& column : shared) {
    if (contains(swept, column)) continue;
    std::string list;
    for (const std::string& c : swept) list += (list.empty() ? "" : ", ") + c;
    throw std::runtime_error(given_by + " " + column + ": not a swept column of " + source +
                             (swept.empty() ? " (it has none)" : " (its swept columns: " + list + ")"));
  }
}

// The setting's key with the shared columns' values left out: the same for every setting of a family.
std::vector<std::string> family_key(const SettingSummary& s, const std::vector<std::string>& shared) {
  std::vector<std::string> key;
  for (const auto& [column, value] : s.key) key.push_back(contains(shared, column) ? std::string() : value);
  return key;
}

// How `other` differs from `s` in the shared columns, as `other`'s "KEY=VALUE ...": eval.policies (which
// fixed policies ran) left out unless nothing else differs, or unless `full`.
std::string difference(const SettingSummary& s, const SettingSummary& other, const std::vector<std::string>& shared,
                       bool full = false) {
  std::string all, named;
  for (std::size_t i = 0; i < other.key.size() && i < s.key.size(); ++i) {
    const auto& [column, value] = other.key[i];
    if (!contains(shared, column) || value == s.key[i].second) continue;
    all += (all.empty() ? "" : " ") + column + "=" + value;
    if (column != "eval.policies") named += (named.empty() ? "" : " ") + column + "=" + value;
  }
  return named.empty() || full ? all : named;
}

// What `s` calls each of `others`: difference(), or every differing column where two would share a name
// (settings that differ from `s` in the same learner but in eval.policies too).
std::vector<std::string> labels(const SettingSummary& s, const std::vector<const SettingSummary*>& others,
                                const std::vector<std::string>& shared) {
  std::vector<std::string> brief, out;
  for (const SettingSummary* o : others) brief.push_back(difference(s, *o, shared));
  for (std::size_t i = 0; i < others.size(); ++i)
    out.push_back(std::count(brief.begin(), brief.end(), brief[i]) > 1 ? difference(s, *others[i], shared, true)
                                                                        : brief[i]);
  return out;
}

// Adds to `s` the fixed policies of `others` (its family, as summarised from results.csv) that it lacks,
// then their adaptive policies as learned references, and chooses its best fixed policy again.
void add_from_family(SettingSummary& s, const std::vector<const SettingSummary*>& others,
                     const std::vector<std::string>& shared) {
  const std::vector<std::string> from = labels(s, others, shared);
  std::vector<PolicySummary> learned;
  for (std::size_t i = 0; i < others.size(); ++i) {
    for (const PolicySummary& p : others[i]->policies) {
      if (p.learned) {
        PolicySummary r = p;
        r.policy = "adaptive[" + from[i] + "]";
        r.ran_as = p.scores_name();
        r.from = from[i];
        learned.push_back(std::move(r));
      } else if (s.index_of(p.policy) < 0) {
        PolicySummary f = p;  // competes as it did there: a family shares env and budget
        f.from = from[i];
        s.policies.push_back(std::move(f));
      }
    }
  }
  for (PolicySummary& r : learned) s.policies.push_back(std::move(r));
  choose_best_fixed(s);
}

}  // namespace

std::vector<std::string> swept_columns(const std::vector<SettingSummary>& settings) {
  std::vector<std::string> columns;
  if (settings.empty()) return columns;
  for (const auto& [column, value] : settings[0].key)
    if (column != "env" && column != "budget") columns.push_back(column);
  return columns;
}

void share_across_settings(std::vector<SettingSummary>& settings, const std::vector<std::string>& shared,
                           const std::string& source, const std::string& given_by) {
  check_shared(settings, shared, source, given_by);
  // Each setting takes from the others as summarised from results.csv, never from what they took.
  const std::vector<SettingSummary> original = settings;
  std::map<std::vector<std::string>, std::vector<std::size_t>> families;
  for (std::size_t i = 0; i < original.size(); ++i) families[family_key(original[i], shared)].push_back(i);
  for (const auto& [key, members] : families) {
    if (members.size() < 2) continue;
    for (std::size_t i : members) {
      std::vector<const SettingSummary*> others;
      for (std::size_t j : members)
        if (j != i) others.push_back(&original[j]);
      add_from_family(settings[i], others, shared);
    }
  }
}

std::vector<std::string> manifest_shared(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "manifest.json").string();
  if (!path_exists(path)) return {};
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(read_text_file(path, "saccade report"));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not a sweep manifest (" + e.what() + ")");
  }
  if (!manifest.is_object()) throw std::runtime_error(path + ": not a sweep manifest (not a JSON object)");
  const auto it = manifest.find("shared");
  if (it == manifest.end() || it->is_null()) return {};
  if (!it->is_array() || std::any_of(it->begin(), it->end(), [](const nlohmann::json& k) { return !k.is_string(); }))
    throw std::runtime_error(path + ": \"shared\" must be a list of swept keys (strings), got " + it->dump());
  return it->get<std::vector<std::string>>();
}

}  // namespace saccade
