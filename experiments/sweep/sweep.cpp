#include "experiments/sweep/sweep.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "experiments/config/resolve.hpp"
#include "experiments/config/schema.hpp"
#include "core/suggest.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

struct Axis {
  std::string path;  // "policy.budget"
  std::vector<ConfigNode> values;
  Origin origin;     // of the key in the sweep file
};

// grid/zip maps may be written flat (`policy.budget: [3, 6]`) or nested (`policy: {budget: [3, 6]}`):
// both name the key policy.budget. Anything that is not a list of values at the end is a problem.
void collect_axes(const ConfigNode& map, const std::string& section, const std::string& prefix,
                  std::vector<Axis>& axes, std::vector<std::string>& problems) {
  for (const auto& [key, value] : map.fields) {
    const std::string path = prefix + key;
    const std::string where = section + "." + path;
    if (value.is_map()) {
      collect_axes(value, section, path + ".", axes, problems);
    } else if (!value.is_list() || value.items.empty()) {
      problems.push_back(value.origin.str() + ": " + where + ": expected a non-empty list of values to sweep, got " +
                         value.describe());
    } else if (!find_key(schema(), path)) {
      problems.push_back(value.key_origin.str() + ": " + where + ": unknown key " + path +
                         did_you_mean(suggest_key(schema(), path)));
    } else if (path == "seed" || path.rfind("sweep.", 0) == 0 || path == "out" || path == "name") {
      problems.push_back(value.key_origin.str() + ": " + where + ": " + path +
                         (path == "seed" ? " is swept with sweep.seeds" : " cannot be swept (the sweep sets it per run)"));
    } else {
      axes.push_back({path, value.items, value.key_origin});
    }
  }
}

// Filesystem-safe piece of a run's directory name.
std::string safe(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == '_' || c == '=') ? c : '_';
  return out;
}

std::string last_part(const std::string& path) { return path.substr(path.rfind('.') + 1); }

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

struct Axes {
  std::vector<Axis> grid, zip;
  std::vector<ConfigNode> seeds;
  std::vector<std::string> shared;  // sweep.shared: keys of grid or zip, as listed
};

// Runs that failed to resolve, grouped by message: the same mistake in several runs is reported once.
using Failures = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The sweep section's own shape (a map with grid, zip, seeds) is the schema's job.
std::vector<std::string> check_sweep_shape(const Config& config) {
  std::vector<std::string> problems;
  if (const ConfigNode* sweep = config.root().find("sweep")) {
    Config only_sweep;
    only_sweep.root().fields.emplace_back("sweep", *sweep);
    problems = check(only_sweep, schema());
  }
  return problems;
}

// sweep.shared: swept keys that change only the learned policy (`saccade report` shares the fixed
// policies across them). Each must be a key of grid or zip, listed once; never the seed.
void read_shared(const ConfigNode& list, const Axes& axes, std::vector<std::string>& shared,
                 std::vector<std::string>& problems) {
  std::vector<std::string> swept;
  std::string swept_text;
  for (const auto* axis : {&axes.grid, &axes.zip}) {
    for (const auto& a : *axis) {
      swept.push_back(a.path);
      swept_text += (swept_text.empty() ? "" : ", ") + a.path;
    }
  }
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const std::string& key = list.items[i].text;
    const std::string where = list.items[i].origin.str() + ": sweep.shared[" + std::to_string(i) + "]: ";
    if (key == "seed") {
      problems.push_back(where + "seed cannot be shared: settings are always compared seed by seed (list keys of "
                                 "sweep.grid or sweep.zip)");
    } else if (std::find(swept.begin(), swept.end(), key) == swept.end()) {
      problems.push_back(where + key + " is not swept (swept keys: " + (swept.empty() ? "none" : swept_text) + ")" +
                         did_you_mean(closest(key, swept)));
    } else if (std::find(shared.begin(), shared.end(), key) != shared.end()) {
      problems.push_back(where + key + ": listed twice");
    } else {
      shared.push_back(key);
    }
  }
}

// The swept keys, seeds and shared keys. Throws ConfigError with every problem of the sweep section:
// its shape, keys that are unknown or not to be swept, zipped lists of unequal lengths, keys swept
// twice, shared keys that are not swept.
Axes read_axes(const Config& config) {
  std::vector<std::string> problems = check_sweep_shape(config);
  Axes axes;
  auto& [grid, zip, seeds, shared] = axes;
  if (const ConfigNode* sweep = config.find("sweep"); sweep && problems.empty()) {
    if (const ConfigNode* g = sweep->find("grid"); g && g->is_map()) collect_axes(*g, "sweep.grid", "", grid, problems);
    if (const ConfigNode* z = sweep->find("zip"); z && z->is_map()) collect_axes(*z, "sweep.zip", "", zip, problems);
    if (const ConfigNode* s = sweep->find("seeds"); s && s->is_list()) seeds = s->items;
    if (const ConfigNode* s = sweep->find("shared"); s && s->is_list()) read_shared(*s, axes, shared, problems);
  }
  for (const auto& z : zip) {
    if (z.values.size() != zip.front().values.size()) {
      problems.push_back(z.origin.str() + ": sweep.zip." + z.path + ": " + std::to_string(z.values.size()) +
                         " values, but sweep.zip." + zip.front().path + " has " +
                         std::to_string(zip.front().values.size()) + " (zipped lists must have equal lengths)");
    }
  }
  std::set<std::string> seen;
  for (const auto* swept : {&grid, &zip}) {
    for (const auto& a : *swept) {
      if (!seen.insert(a.path).second)
        problems.push_back(a.origin.str() + ": " + a.path + ": swept twice (in both sweep.grid and sweep.zip)");
    }
  }
  if (!problems.empty()) throw ConfigError(join_lines(problems));
  return axes;
}

// In order: grid keys, zip keys, then `seed` if seeds are given.
std::vector<std::string> swept_keys(const Axes& axes) {
  std::vector<std::string> keys;
  for (const auto* swept : {&axes.grid, &axes.zip})
    for (const auto& a : *swept) keys.push_back(a.path);
  if (!axes.seeds.empty()) keys.push_back("seed");
  return keys;
}

// Short names use a key's last part unless two swept keys share it. Zipped keys move together, so
// the first one names the zip position (an empty label: left out of the name).
std::vector<std::string> name_labels(const std::vector<std::string>& keys, std::size_t grid_size, std::size_t zip_size) {
  auto named = [&](std::size_t i) { return i <= grid_size || i >= grid_size + zip_size; };
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& k = keys[i];
    std::size_t same = 0;
    for (std::size_t j = 0; j < keys.size(); ++j) same += named(j) && last_part(keys[j]) == last_part(k);
    labels.push_back(!named(i) ? "" : same > 1 ? k : last_part(k));
  }
  return labels;
}

// Sets one run's swept values in `cfg` and records them in `run.swept`: grid combination g, zip
// position z, seed s.
void set_swept_values(const Axes& axes, std::size_t g, std::size_t z, std::size_t s, Config& cfg, SweepRun& run) {
  const auto& grid = axes.grid;
  const auto& zip = axes.zip;
  const auto& seeds = axes.seeds;
  std::size_t rest = g;  // mixed-radix digits of g, last grid key fastest
  std::vector<const ConfigNode*> chosen(grid.size());
  for (std::size_t i = grid.size(); i-- > 0;) {
    chosen[i] = &grid[i].values[rest % grid[i].values.size()];
    rest /= grid[i].values.size();
  }
  for (std::size_t i = 0; i < grid.size(); ++i) {
    cfg.set(grid[i].path, *chosen[i]);
    run.swept.emplace_back(grid[i].path, value_text(*chosen[i]));
  }
  for (const auto& a : zip) {
    cfg.set(a.path, a.values[z]);
    run.swept.emplace_back(a.path, value_text(a.values[z]));
  }
  if (!seeds.empty()) {
    cfg.set("seed", seeds[s]);
    run.swept.emplace_back("seed", value_text(seeds[s]));
  }
}

// "003-budget=6-seed=1": the index zero-padded to `digits`, then each labelled swept value; at most
// 80 characters.
std::string run_name(const SweepRun& run, int digits, const std::vector<std::string>& labels) {
  std::string index = std::to_string(run.index);
  std::string name = std::string(static_cast<std::size_t>(std::max(0, digits - static_cast<int>(index.size()))), '0') + index;
  for (std::size_t i = 0; i < run.swept.size(); ++i)
    if (!labels[i].empty()) name += "-" + safe(labels[i] + "=" + run.swept[i].second);
  if (name.size() > 80) name.resize(80);
  return name;
}

void add_failure(Failures& failures, const std::string& message, const std::string& run) {
  auto it = std::find_if(failures.begin(), failures.end(), [&](const auto& f) { return f.first == message; });
  if (it == failures.end()) it = failures.insert(failures.end(), {message, {}});
  it->second.push_back(run);
}

// One line per distinct mistake, naming the runs unless it is in all `total` of them.
std::string failures_text(const Failures& failures, std::size_t total) {
  std::vector<std::string> lines;
  for (const auto& [message, runs] : failures) {
    std::string where;
    if (runs.size() < total) {
      for (std::size_t i = 0; i < runs.size() && i < 3; ++i) where += (i ? ", " : "") + runs[i];
      if (runs.size() > 3) where += " and " + std::to_string(runs.size() - 3) + " more";
      where = " (in run" + std::string(runs.size() > 1 ? "s " : " ") + where + ")";
    }
    lines.push_back(message + where);
  }
  return join_lines(lines);
}

}  // namespace

std::string value_text(const ConfigNode& node) {
  if (node.is_scalar()) return node.text;
  if (node.is_null()) return "null";
  std::string out;
  for (const auto& item : node.items) out += (out.empty() ? "" : "+") + value_text(item);
  return node.is_list() ? out : "{...}";
}

void reject_sweep_section(const Config& config) {
  if (const ConfigNode* sweep = config.root().find("sweep"); sweep && !sweep->is_null()) {
    throw ConfigError(sweep->key_origin.str() +
                      ": sweep: this config describes a sweep; run it with `saccade sweep FILE --out DIR` "
                      "(or run its base config alone with the override sweep=null)");
  }
}

SweepPlan expand_sweep(const Config& config, const std::string& out_dir) {
  const Axes axes = read_axes(config);
  Config base = config;
  base.root().erase("sweep");

  SweepPlan plan;
  plan.swept_keys = swept_keys(axes);
  plan.shared = axes.shared;
  const std::vector<std::string> labels = name_labels(plan.swept_keys, axes.grid.size(), axes.zip.size());

  std::size_t grid_combinations = 1;
  for (const auto& a : axes.grid) grid_combinations *= a.values.size();
  const std::size_t zip_length = axes.zip.empty() ? 1 : axes.zip.front().values.size();
  const std::size_t seed_count = axes.seeds.empty() ? 1 : axes.seeds.size();
  const std::size_t total = grid_combinations * zip_length * seed_count;
  const int digits = total > 1000 ? static_cast<int>(std::to_string(total - 1).size()) : 3;

  Failures failures;
  std::size_t counter = 0;
  for (std::size_t g = 0; g < grid_combinations; ++g) {
    for (std::size_t z = 0; z < zip_length; ++z) {
      for (std::size_t s = 0; s < seed_count; ++s) {
        SweepRun run;
        run.index = counter++;
        Config cfg = base;
        set_swept_values(axes, g, z, s, cfg, run);
        run.name = run_name(run, digits, labels);
        const Origin from_sweep = Origin::label("sweep run " + run.name);
        cfg.set("name", ConfigNode::scalar(run.name, from_sweep, true));
        cfg.set("out", ConfigNode::scalar(out_dir + "/" + run.name, from_sweep, true));
        try {
          run.resolved = resolve(cfg);
          check_task_config(run.resolved);
        } catch (const ConfigError& e) {
          add_failure(failures, e.what(), run.name);
          continue;
        }
        plan.runs.push_back(std::move(run));
      }
    }
  }
  if (!failures.empty()) throw ConfigError(failures_text(failures, total));
  return plan;
}

}  // namespace saccade
