#include "experiments/sweep/search.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/suggest.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/config/scalar.hpp"
#include "experiments/config/schema.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/run/results_files.hpp"

namespace saccade {

namespace {

const std::vector<std::string> kRangeFields = {"low", "high", "log", "type", "choices"};

// Keys a search cannot tune: the ones it sets itself, per trial or for every trial.
bool searchable(const std::string& key) {
  for (const char* fixed : {"seed", "name", "out", "eval.test", "eval.adaptive", "eval.policies"})
    if (key == fixed) return false;
  return key.rfind("search.", 0) != 0 && key.rfind("sweep.", 0) != 0;
}

std::string join_problems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p;
  return out;
}

struct RawParam {
  std::string key;
  const ConfigNode* node;
};

// A map that has one of the range's fields is a range; any other map under a section is that
// section's keys, nested (`train: {lr: {low: ..}}` names train.lr), as in sweep.grid.
bool is_range(const ConfigNode& node) {
  return std::any_of(kRangeFields.begin(), kRangeFields.end(), [&](const std::string& f) { return node.find(f); });
}

void collect(const ConfigNode& map, const std::string& prefix, std::vector<RawParam>& out) {
  for (const auto& [key, value] : map.fields) {
    const std::string path = prefix + key;
    if (value.is_map() && !is_range(value) && is_section(schema(), path) && !find_key(schema(), path))
      collect(value, path + ".", out);
    else
      out.push_back({path, &value});
  }
}

// A value as YAML text that reads back as the same value: `gru`, `[center, grid]`.
std::string flow_text(const ConfigNode& node) {
  if (node.is_scalar()) return node.text;
  Config one;
  one.set("v", node);
  const std::string yaml = one.to_yaml();  // "v: [center, grid]\n"
  return yaml.substr(3, yaml.size() - 4);
}

// The key set to `value` in `base` must still resolve: a range's ends and each choice are valid
// values of the key (the schema's message points at where they were written).
void check_value(const Config& base, const std::string& key, const ConfigNode& value, std::vector<std::string>& problems) {
  Config c = base;
  c.set(key, value);
  try {
    resolve(c);
  } catch (const ConfigError& e) {
    problems.push_back(e.what());
  }
}

// The problems of a parameter's key and of its map's shape; false if it cannot be read further.
bool check_key(const RawParam& raw, std::vector<std::string>& problems) {
  const std::string where = "search.parameters." + raw.key;
  const ConfigNode& node = *raw.node;
  if (!find_key(schema(), raw.key)) {
    problems.push_back(node.key_origin.str() + ": " + where + ": unknown key " + raw.key +
                       did_you_mean(suggest_key(schema(), raw.key)));
    return false;
  }
  if (!searchable(raw.key)) {
    problems.push_back(node.key_origin.str() + ": " + where + ": " + raw.key +
                       (raw.key == "seed" ? " is set per trial by search.seeds" : " cannot be searched (the search sets it)"));
    return false;
  }
  if (!node.is_map()) {
    problems.push_back(node.origin.str() + ": " + where + ": expected a range {low, high} (log, type optional) or {choices: [...]}, got " +
                       node.describe());
    return false;
  }
  bool ok = true;
  for (const auto& [field, value] : node.fields) {
    if (std::find(kRangeFields.begin(), kRangeFields.end(), field) != kRangeFields.end()) continue;
    problems.push_back(value.key_origin.str() + ": " + where + "." + field + ": unknown field (expected low, high, log, type or choices)" +
                       did_you_mean(closest(field, kRangeFields)));
    ok = false;
  }
  return ok;
}

void read_choices(const Config& base, const RawParam& raw, SearchParam& p, std::vector<std::string>& problems) {
  const std::string where = "search.parameters." + raw.key;
  const ConfigNode& choices = *raw.node->find("choices");
  for (const char* other : {"low", "high", "log", "type"})
    if (const ConfigNode* n = raw.node->find(other))
      problems.push_back(n->key_origin.str() + ": " + where + "." + other + ": not with choices (give a range or choices)");
  if (!choices.is_list() || choices.items.empty()) {
    problems.push_back(choices.origin.str() + ": " + where + ".choices: expected a non-empty list of values, got " + choices.describe());
    return;
  }
  p.type = "choice";
  for (const auto& item : choices.items) {
    check_value(base, raw.key, item, problems);
    p.choices.push_back(flow_text(item));
  }
}

// One end of a range: a number of the range's type.
std::optional<double> read_end(const RawParam& raw, const char* end, bool integer, std::vector<std::string>& problems) {
  const ConfigNode* n = raw.node->find(end);
  const std::string where = "search.parameters." + raw.key + "." + end;
  if (!n) {
    problems.push_back(raw.node->origin.str() + ": " + where + ": missing (a range needs low and high; or give choices)");
    return std::nullopt;
  }
  const auto i = n->is_scalar() && !n->quoted ? parse_int(n->text) : std::nullopt;
  const auto f = n->is_scalar() && !n->quoted ? parse_float(n->text) : std::nullopt;
  if (integer ? !i : !f) {
    problems.push_back(n->origin.str() + ": " + where + ": expected " + (integer ? "an int" : "a float") + ", got " + n->describe());
    return std::nullopt;
  }
  return integer ? static_cast<double>(*i) : *f;
}

void read_range(const Config& base, const RawParam& raw, SearchParam& p, std::vector<std::string>& problems) {
  const std::string where = "search.parameters." + raw.key;
  const KeySpec& spec = *find_key(schema(), raw.key);
  const std::string key_type = spec.type == KeyType::Int ? "int" : spec.type == KeyType::Float ? "float" : "";
  p.type = key_type;
  if (const ConfigNode* t = raw.node->find("type")) {
    p.type = t->is_scalar() ? t->text : "";
    if (p.type != "int" && p.type != "float") {
      problems.push_back(t->origin.str() + ": " + where + ".type: expected one of int, float, got " + t->describe());
      return;
    }
  }
  if (key_type.empty() || (key_type == "int" && p.type == "float")) {
    problems.push_back(raw.node->origin.str() + ": " + where + ": " + raw.key + " is " + spec.type_text() +
                       (key_type.empty() ? ": search it over {choices: [...]}" : ": a float range does not fit it (type: int)"));
    return;
  }
  if (const ConfigNode* l = raw.node->find("log")) {
    const auto b = l->is_scalar() && !l->quoted ? parse_bool(l->text) : std::nullopt;
    if (!b) problems.push_back(l->origin.str() + ": " + where + ".log: expected true or false, got " + l->describe());
    p.log = b.value_or(false);
  }
  const auto low = read_end(raw, "low", p.type == "int", problems);
  const auto high = read_end(raw, "high", p.type == "int", problems);
  if (!low || !high) return;
  p.low = *low;
  p.high = *high;
  if (p.low >= p.high)
    problems.push_back(raw.node->find("high")->origin.str() + ": " + where + ".high: must be above low (" + raw.node->find("low")->text + ")");
  if (p.log && p.low <= 0)
    problems.push_back(raw.node->find("low")->origin.str() + ": " + where + ".low: a log scale needs low > 0");
  check_value(base, raw.key, *raw.node->find("low"), problems);
  check_value(base, raw.key, *raw.node->find("high"), problems);
}

// search.metric: POLICY.COLUMN, a column of results.csv that validation fills (val_*).
void read_metric(const Config& config, SearchSpec& spec, std::vector<std::string>& problems) {
  const ConfigNode* m = config.find("search.metric");
  if (!m) return;
  const std::size_t dot = m->text.rfind('.');
  std::vector<std::string> columns;
  for (const auto& c : parse_csv(std::string(kResultsHeader) + "\n", "kResultsHeader").header)
    if (c.rfind("val_", 0) == 0) columns.push_back(c);
  const std::string column = dot == std::string::npos ? "" : m->text.substr(dot + 1);
  if (dot == std::string::npos || dot == 0 || std::find(columns.begin(), columns.end(), column) == columns.end()) {
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    problems.push_back(m->origin.str() + ": search.metric: expected POLICY.COLUMN with a validation column of results.csv (" + list +
                       "), e.g. adaptive.val_accuracy, got " + m->text + did_you_mean(closest(column, columns)));
    return;
  }
  spec.metric_policy = m->text.substr(0, dot);
  spec.metric_column = column;
}

// The section's scalar settings; one the schema check rejected keeps its default (its problem is listed).
void read_settings(const Config& config, SearchSpec& spec) {
  auto get = [&](const char* key, auto& into) {
    try {
      into = config.get_or(key, into);
    } catch (const ConfigError&) {
    }
  };
  get("search.sampler", spec.sampler);
  get("search.sampler_seed", spec.sampler_seed);
  get("search.trials", spec.trials);
  get("search.pruner", spec.pruner);
  get("search.startup_trials", spec.startup_trials);
  get("search.warmup_epochs", spec.warmup_epochs);
  spec.seeds = {0};
  get("seed", spec.seeds[0]);
  get("search.seeds", spec.seeds);
}

}  // namespace

Config search_base(const Config& config) {
  Config base = config;
  base.root().erase("search");
  return resolve(base);
}

SearchSpec read_search(const Config& config) {
  const ConfigNode* section = config.root().find("search");
  if (!section || section->is_null())
    throw ConfigError("search: this config has no search: section (the keys to tune; docs/cli.md, Search); run it with `saccade run`");
  Config only;
  only.root().fields.emplace_back("search", *section);
  // The section's own keys and types first; every problem is listed together with the parameters'.
  std::vector<std::string> problems = check(only, schema());
  Config base = config;
  base.root().erase("search");
  resolve(base);  // the rest of the config first: its own errors, once

  SearchSpec spec;
  read_settings(config, spec);
  read_metric(config, spec, problems);

  std::vector<RawParam> raw;
  const ConfigNode* params = config.find("search.parameters");
  if (params && params->is_map() && !params->fields.empty())
    collect(*params, "", raw);
  else if (!params || params->is_map())  // not a map: the schema check said so
    problems.push_back(section->key_origin.str() + ": search.parameters: missing: name at least one key to search, e.g. "
                                                   "{train.lr: {low: 0.0001, high: 0.01, log: true}}");
  for (const auto& r : raw) {
    if (!check_key(r, problems)) continue;
    SearchParam p;
    p.key = r.key;
    if (r.node->find("choices")) read_choices(base, r, p, problems);
    else read_range(base, r, p, problems);
    spec.params.push_back(std::move(p));
  }
  if (!problems.empty()) throw ConfigError(join_problems(problems));
  return spec;
}

Config trial_base(const Config& config, const SearchSpec& spec) {
  Config base = config;
  base.root().erase("search");
  const Origin from = Origin::label("search.metric " + spec.metric_policy + "." + spec.metric_column + " (validation only)");
  base.set("eval.test", ConfigNode::scalar("false", from));
  const bool adaptive = spec.metric_policy == "adaptive";
  base.set("eval.adaptive", ConfigNode::scalar(adaptive ? "true" : "false", from));
  ConfigNode policies;
  policies.kind = ConfigNode::Kind::List;
  policies.origin = from;
  if (!adaptive) policies.items.push_back(ConfigNode::scalar(spec.metric_policy, from, true));
  base.set("eval.policies", policies);
  return resolve(base);
}

std::string search_json(const SearchSpec& s) {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : s.params) {
    nlohmann::json j = {{"key", p.key}, {"type", p.type}};
    if (p.type == "choice") j["choices"] = p.choices;
    else j.update({{"low", p.low}, {"high", p.high}, {"log", p.log}});
    params.push_back(std::move(j));
  }
  const nlohmann::json j = {{"parameters", params},         {"sampler", s.sampler},
                            {"sampler_seed", s.sampler_seed}, {"trials", s.trials},
                            {"metric", {{"policy", s.metric_policy}, {"column", s.metric_column}}},
                            {"seeds", s.seeds},             {"pruner", s.pruner},
                            {"startup_trials", s.startup_trials}, {"warmup_epochs", s.warmup_epochs}};
  return j.dump(2) + "\n";
}

void reject_search_section(const Config& config, const std::string& command) {
  if (const ConfigNode* s = config.root().find("search"); s && !s->is_null()) {
    throw ConfigError(s->key_origin.str() + ": search: this config describes a hyperparameter search; run it with `saccade search FILE --out DIR`" +
                      (command == "run" ? " (or run its base config alone with the override search=null)" : " (a sweep cannot hold one)"));
  }
}

}  // namespace saccade
