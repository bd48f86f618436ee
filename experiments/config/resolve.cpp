#include "experiments/config/resolve.hpp"

#include <algorithm>
#include <limits>

#include "experiments/config/scalar.hpp"
#include "core/suggest.hpp"

namespace saccade {

namespace {

std::string last_part(const std::string& path) { return path.substr(path.rfind('.') + 1); }

bool in_range(const KeySpec& spec, double v) {
  if (spec.min && (spec.min_exclusive ? v <= *spec.min : v < *spec.min)) return false;
  if (spec.max && (spec.max_exclusive ? v >= *spec.max : v > *spec.max)) return false;
  return true;
}

// Whether one scalar is a valid value of `type` (for lists, the element type) within spec's range.
bool scalar_fits(const KeySpec& spec, KeyType type, const ConfigNode& node) {
  if (!node.is_scalar()) return false;
  switch (type) {
    case KeyType::String:
    case KeyType::Strings: return true;  // any scalar: `name: 123` is the name "123"
    case KeyType::Enum:
      return std::find(spec.choices.begin(), spec.choices.end(), node.text) != spec.choices.end();
    case KeyType::Bool: return !node.quoted && parse_bool(node.text).has_value();
    case KeyType::Int:
    case KeyType::Ints: {
      auto v = node.quoted ? std::nullopt : parse_int(node.text);
      return v && *v >= std::numeric_limits<int>::min() && *v <= std::numeric_limits<int>::max() &&
             in_range(spec, static_cast<double>(*v));
    }
    case KeyType::Float:
    case KeyType::Floats: {
      auto v = node.quoted ? std::nullopt : parse_float(node.text);
      return v && in_range(spec, *v);
    }
    case KeyType::KeyLists:
    case KeyType::KeyRanges:
    case KeyType::Maps: return false;
  }
  return false;
}

bool is_list_type(KeyType t) { return t == KeyType::Strings || t == KeyType::Ints || t == KeyType::Floats; }

void check_value(const KeySpec& spec, const std::string& path, const ConfigNode& node,
                 std::vector<std::string>& problems) {
  auto problem = [&](const ConfigNode& at, const std::string& where, const std::string& expected,
                     const std::string& extra = "") {
    problems.push_back(at.origin.str() + ": " + where + ": expected " + expected + ", got " + at.describe() + extra);
  };
  if (spec.type == KeyType::KeyLists || spec.type == KeyType::KeyRanges) {  // only the shape here; sweep.cpp, search.cpp check the rest
    if (!node.is_map()) return problem(node, path, spec.type_text());
    return;
  }
  if (spec.type == KeyType::Maps) {  // only the shape here; the key's reader checks each map
    if (!node.is_list()) return problem(node, path, spec.type_text());
    for (std::size_t i = 0; i < node.items.size(); ++i)
      if (!node.items[i].is_map()) problem(node.items[i], path + "[" + std::to_string(i) + "]", "a map");
    return;
  }
  if (is_list_type(spec.type)) {
    if (!node.is_list()) return problem(node, path, spec.type_text());
    KeySpec element = spec;  // "eval.policies[1]: expected string, ..." names the element's type
    element.type = spec.type == KeyType::Strings ? KeyType::String
                   : spec.type == KeyType::Ints  ? KeyType::Int
                                                 : KeyType::Float;
    for (std::size_t i = 0; i < node.items.size(); ++i)
      if (!scalar_fits(spec, spec.type, node.items[i]))
        problem(node.items[i], path + "[" + std::to_string(i) + "]", element.type_text());
    return;
  }
  if (scalar_fits(spec, spec.type, node)) return;
  const bool bad_choice = spec.type == KeyType::Enum && node.is_scalar();
  problem(node, path, spec.type_text(), bad_choice ? did_you_mean(closest(node.text, spec.choices)) : "");
}

void check_map(const Schema& schema, const ConfigNode& map, const std::string& prefix,
               std::vector<std::string>& problems) {
  for (const auto& [key, value] : map.fields) {
    const std::string path = prefix + key;
    if (value.is_null()) continue;  // unset
    if (const KeySpec* spec = find_key(schema, path)) {
      check_value(*spec, path, value, problems);
    } else if (is_section(schema, path)) {
      if (value.is_map()) {
        check_map(schema, value, path + ".", problems);
      } else {
        std::string keys;
        for (const auto& k : schema)
          if (k.path.rfind(path + ".", 0) == 0) keys += (keys.empty() ? "" : ", ") + k.path.substr(path.size() + 1);
        problems.push_back(value.origin.str() + ": " + path + ": expected a section (keys " + keys + "), got " +
                           value.describe());
      }
    } else {
      problems.push_back(value.key_origin.str() + ": " + path + ": unknown key" +
                         did_you_mean(suggest_key(schema, path)));
    }
  }
}

// "runs/{name}" -> "runs/" + the resolved name.
std::string expand(std::string text, const Config& resolved) {
  for (std::size_t open = text.find('{'); open != text.npos; open = text.find('{', open + 1)) {
    const std::size_t close = text.find('}', open);
    if (close == text.npos) break;
    const ConfigNode* value = resolved.find(text.substr(open + 1, close - open - 1));
    if (!value || !value->is_scalar()) continue;
    text.replace(open, close - open + 1, value->text);
  }
  return text;
}

}  // namespace

// Suggestions for an unknown key: a near-miss of a full path ("trian.epochs" -> train.epochs),
// or else the same (or nearly the same) name in another section ("epochs" -> train.epochs).
std::vector<std::string> suggest_key(const Schema& schema, const std::string& path) {
  std::vector<std::string> paths;
  for (const auto& k : schema) {
    paths.push_back(k.path);
    for (auto dot = k.path.find('.'); dot != k.path.npos; dot = k.path.find('.', dot + 1))
      paths.push_back(k.path.substr(0, dot));  // sections too: "trian:" -> train
  }
  if (auto near = closest(path, paths); !near.empty()) return near;

  std::vector<std::string> names;
  for (const auto& k : schema) names.push_back(last_part(k.path));
  const auto near_names = closest(last_part(path), names);
  std::vector<std::string> out;
  for (const auto& k : schema)
    for (const auto& n : near_names)
      if (last_part(k.path) == n) out.push_back(k.path);
  return out;
}

std::vector<std::string> check(const Config& config, const Schema& schema) {
  std::vector<std::string> problems;
  check_map(schema, config.root(), "", problems);
  return problems;
}

Config resolve(const Config& config, const Schema& schema) {
  if (const auto problems = check(config, schema); !problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    throw ConfigError(message);
  }
  Config resolved;
  const Origin from_default = Origin::label("default");
  for (const auto& spec : schema) {
    ConfigNode value;
    if (const ConfigNode* given = config.find(spec.path)) {
      value = *given;
    } else if (spec.default_value) {
      const bool text = spec.type == KeyType::String;
      value = parse_value(text ? expand(*spec.default_value, resolved) : *spec.default_value, from_default);
      if (value.is_null()) continue;
    } else {
      continue;  // optional and unset
    }
    // A string key's value is a string whatever it looks like: print `name: "123"`, not `name: 123`.
    if (spec.type == KeyType::String || spec.type == KeyType::Enum) value.quoted = true;
    if (spec.type == KeyType::Strings)
      for (auto& item : value.items) item.quoted = true;
    resolved.set(spec.path, std::move(value));
  }
  return resolved;
}

Config load_run_config(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       const Schema& schema) {
  Config config = Config::load(file);
  for (const auto& assignment : overrides) config.apply_override(assignment);
  return resolve(config, schema);
}

}  // namespace saccade
