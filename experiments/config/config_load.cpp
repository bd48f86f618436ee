// From YAML text (files, includes, command-line overrides) to a ConfigNode tree that remembers
// positions. yaml-cpp's marks are 0-based; everything we print is 1-based like a compiler's.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "experiments/config/config.hpp"
#include "experiments/config/scalar.hpp"

namespace saccade {

namespace fs = std::filesystem;

namespace {

Origin mark_origin(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return Origin::label(file);
  return Origin::file(file, mark.line + 1, mark.column + 1);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == text.npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

ConfigNode convert(const YAML::Node& node, const std::string& file, const Origin& key_origin,
                   const Origin* fixed);

// Puts `value` at `parts` under `map`. Dotted keys in a file ("train.lr: 0.1") nest like overrides
// do, so a short sweep file can say what it changes in one line. Setting the same leaf twice in
// one file is almost always a mistake, so it is an error rather than "last one wins".
void insert_path(ConfigNode& map, const std::vector<std::string>& parts, std::size_t i, ConfigNode value,
                 const Origin& key_origin) {
  ConfigNode* existing = map.find(parts[i]);
  const bool leaf = i + 1 == parts.size();
  if (!existing) {
    if (leaf) {
      value.key_origin = key_origin;
      map.fields.emplace_back(parts[i], std::move(value));
      return;
    }
    map.fields.emplace_back(parts[i], ConfigNode::map(key_origin));
    existing = &map.fields.back().second;
  } else if (leaf && existing->is_map() && value.is_map()) {
    for (auto& [k, v] : value.fields) {
      const Origin at = v.key_origin;
      insert_path(*existing, {k}, 0, std::move(v), at);
    }
    return;
  } else if (leaf || !existing->is_map()) {
    std::string path;
    for (std::size_t j = 0; j <= i; ++j) path += (j ? "." : "") + parts[j];
    throw ConfigError(key_origin.str() + ": " + path + ": duplicate key (already set at " +
                      existing->key_origin.str() + ")");
  }
  insert_path(*existing, parts, i + 1, std::move(value), key_origin);
}

ConfigNode convert(const YAML::Node& node, const std::string& file, const Origin& key_origin,
                   const Origin* fixed) {
  const Origin here = fixed ? *fixed : mark_origin(file, node.Mark());
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!": "3" in quotes is a string.
      return ConfigNode::scalar(node.Scalar(), here, node.Tag() == "!");
    case YAML::NodeType::Sequence: {
      ConfigNode list;
      list.kind = ConfigNode::Kind::List;
      list.origin = here;
      for (const auto& item : node) list.items.push_back(convert(item, file, here, fixed));
      return list;
    }
    case YAML::NodeType::Map: {
      ConfigNode map = ConfigNode::map(here);
      for (auto it = node.begin(); it != node.end(); ++it) {
        const Origin key_at = fixed ? *fixed : mark_origin(file, it->first.Mark());
        if (!it->first.IsScalar())
          throw ConfigError(key_at.str() + ": a key must be a plain name, not a list or map");
        const std::string key = it->first.Scalar();
        insert_path(map, split_key_path(key, key_at.str()), 0, convert(it->second, file, key_at, fixed), key_at);
      }
      return map;
    }
    default: {  // null or undefined: `seed:` with nothing after it
      ConfigNode null;
      null.origin = key_origin;  // a null's own mark is wherever the next token is; the key is clearer
      return null;
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(mark_origin(name, e.mark).str() + ": YAML syntax error: " + e.msg);
  }
}

// One include entry is a path or a list of paths.
std::vector<std::pair<std::string, Origin>> include_paths(const std::string& key, const ConfigNode& entry) {
  std::vector<std::pair<std::string, Origin>> out;
  auto add = [&](const ConfigNode& n) {
    if (!n.is_scalar() || n.text.empty())
      throw ConfigError(n.origin.str() + ": " + key + ": expected a file path, got " + n.describe());
    out.emplace_back(n.text, n.origin);
  };
  if (entry.is_list()) {
    for (const auto& item : entry.items) add(item);
  } else if (!entry.is_null()) {
    add(entry);
  }
  return out;
}

Config load_file(const fs::path& file, const std::string& name, std::vector<fs::path>& stack,
                 const std::string& opened_from);

Config from_text(const std::string& text, const std::string& name, const fs::path& dir,
                 std::vector<fs::path>& stack) {
  const YAML::Node doc = parse_yaml(text, name);
  ConfigNode root = convert(doc, name, Origin::file(name, 1, 1), nullptr);
  if (root.is_null()) root = ConfigNode::map(Origin::file(name, 1, 1));  // an empty file is an empty config
  if (!root.is_map())
    throw ConfigError(root.origin.str() + ": expected settings (key: value lines) at the top level, got " +
                      root.describe());

  // Includes first, in the order written, then this file's keys on top of them.
  Config merged;
  for (const char* key : {"defaults", "include"}) {
    const ConfigNode* entry = root.find(key);
    if (!entry) continue;
    for (const auto& [path, at] : include_paths(key, *entry)) {
      const fs::path target = fs::path(path).is_absolute() ? fs::path(path) : dir / path;
      merged.merge(load_file(target, target.lexically_normal().string(), stack,
                             at.str() + ": " + key));
    }
    root.erase(key);
  }
  Config self;
  self.root() = std::move(root);
  merged.merge(self);
  return merged;
}

Config load_file(const fs::path& file, const std::string& name, std::vector<fs::path>& stack,
                 const std::string& opened_from) {
  // Name the file, and for an include also the line that asked for it.
  const std::string asker = opened_from.empty() ? name : opened_from + ": " + name;
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw ConfigError(asker + ": cannot read config file: it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(asker + ": cannot read config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();

  const fs::path canonical = fs::weakly_canonical(file, ec);
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
    std::string cycle;
    for (const auto& p : stack) cycle += p.filename().string() + " -> ";
    throw ConfigError(asker + ": include cycle: " + cycle + canonical.filename().string());
  }
  stack.push_back(canonical);
  Config config = from_text(text.str(), name, file.parent_path(), stack);
  stack.pop_back();
  return config;
}

}  // namespace

ConfigNode parse_value(std::string_view text, const Origin& origin) {
  const std::string value = trim(text);
  if (!value.empty() && std::string_view("[{\"'").find(value[0]) != std::string_view::npos) {
    // Flow lists/maps and quoted strings go through YAML; everything else is taken literally, so
    // `name=a: b` is the string "a: b" rather than a surprise map.
    try {
      return convert(YAML::Load(value), origin.where, origin, &origin);
    } catch (const YAML::Exception& e) {
      throw ConfigError(origin.where + ": YAML syntax error in the value: " + e.msg);
    }
  }
  ConfigNode node;
  node.origin = node.key_origin = origin;
  if (!is_null_text(value)) node = ConfigNode::scalar(value, origin);
  return node;
}

Config Config::load(const fs::path& file) {
  std::vector<fs::path> stack;
  return load_file(file, file.string(), stack, "");
}

Config Config::parse(std::string_view yaml, const std::string& source_name) {
  std::vector<fs::path> stack;
  return from_text(std::string(yaml), source_name, fs::path(source_name).parent_path(), stack);
}

void Config::apply_override(std::string_view assignment) {
  const Origin origin = Origin::label("command line: " + std::string(assignment));
  const auto eq = assignment.find('=');
  if (eq == assignment.npos || trim(assignment.substr(0, eq)).empty())
    throw ConfigError(origin.where + ": expected key.path=value");
  const std::string key = trim(assignment.substr(0, eq));
  const std::string value = trim(assignment.substr(eq + 1));
  split_key_path(key, origin.where);  // reject "a..b" before touching the tree

  set(key, parse_value(value, origin));
}

}  // namespace saccade
