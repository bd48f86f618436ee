// The tree itself: paths, merging, setting, typed reading. Parsing lives in config_load.cpp and
// printing in config_emit.cpp.
#include "experiments/config/config.hpp"

#include <limits>

#include "experiments/config/scalar.hpp"

namespace saccade {

std::string Origin::str() const {
  if (line <= 0) return where;
  return where + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ConfigNode ConfigNode::scalar(std::string text, Origin origin, bool quoted) {
  ConfigNode node;
  node.kind = Kind::Scalar;
  node.text = std::move(text);
  node.quoted = quoted;
  node.origin = origin;
  node.key_origin = std::move(origin);
  return node;
}

ConfigNode ConfigNode::map(Origin origin) {
  ConfigNode node;
  node.kind = Kind::Map;
  node.origin = origin;
  node.key_origin = std::move(origin);
  return node;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  for (auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

bool ConfigNode::erase(std::string_view key) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first == key) {
      fields.erase(it);
      return true;
    }
  }
  return false;
}

std::string ConfigNode::describe() const {
  switch (kind) {
    case Kind::Null: return "nothing (null)";
    case Kind::Scalar:
      // Bare text for things that read as numbers/booleans, quotes around strings, so
      // "expected int, got \"abc\"" and "expected int >= 0, got -1" both read naturally.
      return (!quoted && reads_as_non_string(text)) ? text : "\"" + text + "\"";
    case Kind::List: return "a list of " + std::to_string(items.size()) + (items.size() == 1 ? " item" : " items");
    case Kind::Map: {
      std::string keys;
      for (const auto& [k, v] : fields) keys += (keys.empty() ? "" : ", ") + k;
      return keys.empty() ? "an empty map" : "a map with keys " + keys;
    }
  }
  return "?";
}

std::vector<std::string> split_key_path(std::string_view path, std::string_view context) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string_view part = path.substr(start, dot == std::string_view::npos ? path.npos : dot - start);
    if (part.empty())
      throw ConfigError(std::string(context) + ": `" + std::string(path) + "` is not a key path (empty part)");
    parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

Config::Config() : root_(ConfigNode::map()) {}

namespace {

void merge_into(ConfigNode& base, const ConfigNode& over) {
  if (!(base.is_map() && over.is_map())) {
    base = over;
    return;
  }
  for (const auto& [key, value] : over.fields) {
    ConfigNode* existing = base.find(key);
    if (value.is_null()) {
      base.erase(key);  // null unsets: the default (if any) applies again
    } else if (existing) {
      merge_into(*existing, value);
    } else {
      base.fields.emplace_back(key, value);
    }
  }
}

}  // namespace

void Config::merge(const Config& over) { merge_into(root_, over.root_); }

void Config::set(std::string_view path, ConfigNode value) {
  const auto parts = split_key_path(path, value.origin.str());
  if (value.key_origin.where.empty()) value.key_origin = value.origin;
  ConfigNode* node = &root_;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    ConfigNode* child = node->find(parts[i]);
    if (!child) {
      node->fields.emplace_back(parts[i], ConfigNode::map(value.origin));
      child = &node->fields.back().second;
    } else if (!child->is_map()) {
      *child = ConfigNode::map(value.origin);  // a.b=1 where a was a scalar: a becomes a section
    }
    node = child;
  }
  ConfigNode wrapper = ConfigNode::map(value.origin);
  wrapper.fields.emplace_back(parts.back(), std::move(value));
  merge_into(*node, wrapper);
}

const ConfigNode* Config::find(std::string_view path) const {
  const ConfigNode* node = &root_;
  std::size_t start = 0;
  while (node) {
    const std::size_t dot = path.find('.', start);
    node = node->is_map() ? node->find(path.substr(start, dot == path.npos ? path.npos : dot - start)) : nullptr;
    if (dot == path.npos) break;
    start = dot + 1;
  }
  return (node && !node->is_null()) ? node : nullptr;
}

Origin Config::origin(std::string_view path) const {
  const ConfigNode* node = find(path);
  return node ? node->origin : Origin{};
}

void Config::fail(std::string_view path, std::string_view message) const {
  const Origin where = origin(path);
  const std::string prefix = where.where.empty() ? "" : where.str() + ": ";
  throw ConfigError(prefix + std::string(path) + ": " + std::string(message));
}

// ---- typed reading ---------------------------------------------------------------------------

namespace {

template <class T>
T convert(const Config& cfg, std::string_view path, const ConfigNode& node);

template <>
std::string convert<std::string>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  if (!node.is_scalar()) cfg.fail(path, "expected a string, got " + node.describe());
  return node.text;
}

template <>
bool convert<bool>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  auto value = node.is_scalar() && !node.quoted ? parse_bool(node.text) : std::nullopt;
  if (!value) cfg.fail(path, "expected true or false, got " + node.describe());
  return *value;
}

template <>
std::int64_t convert<std::int64_t>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  auto value = node.is_scalar() && !node.quoted ? parse_int(node.text) : std::nullopt;
  if (!value) cfg.fail(path, "expected an integer, got " + node.describe());
  return *value;
}

template <>
int convert<int>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  const std::int64_t value = convert<std::int64_t>(cfg, path, node);
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
    cfg.fail(path, "expected an integer that fits in 32 bits, got " + node.text);
  return static_cast<int>(value);
}

template <>
double convert<double>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  auto value = node.is_scalar() && !node.quoted ? parse_float(node.text) : std::nullopt;
  if (!value) cfg.fail(path, "expected a number, got " + node.describe());
  return *value;
}

template <class T>
std::vector<T> convert_list(const Config& cfg, std::string_view path, const ConfigNode& node) {
  if (!node.is_list()) cfg.fail(path, "expected a list, got " + node.describe());
  std::vector<T> out;
  for (std::size_t i = 0; i < node.items.size(); ++i)
    out.push_back(convert<T>(cfg, path, node.items[i]));
  return out;
}

template <>
std::vector<std::string> convert<std::vector<std::string>>(const Config& cfg, std::string_view path,
                                                           const ConfigNode& node) {
  return convert_list<std::string>(cfg, path, node);
}
template <>
std::vector<int> convert<std::vector<int>>(const Config& cfg, std::string_view path, const ConfigNode& node) {
  return convert_list<int>(cfg, path, node);
}
template <>
std::vector<double> convert<std::vector<double>>(const Config& cfg, std::string_view path,
                                                 const ConfigNode& node) {
  return convert_list<double>(cfg, path, node);
}

}  // namespace

template <class T>
T Config::get(std::string_view path) const {
  const ConfigNode* node = find(path);
  if (!node) throw ConfigError(std::string(path) + ": not set, and it has no default");
  return convert<T>(*this, path, *node);
}

template bool Config::get<bool>(std::string_view) const;
template int Config::get<int>(std::string_view) const;
template std::int64_t Config::get<std::int64_t>(std::string_view) const;
template double Config::get<double>(std::string_view) const;
template std::string Config::get<std::string>(std::string_view) const;
template std::vector<std::string> Config::get<std::vector<std::string>>(std::string_view) const;
template std::vector<int> Config::get<std::vector<int>>(std::string_view) const;
template std::vector<double> Config::get<std::vector<double>>(std::string_view) const;

}  // namespace saccade
