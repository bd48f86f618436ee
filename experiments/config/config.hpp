// The configuration tree: what a YAML file (plus its includes and command-line overrides) says,
// before and after validation. Every value remembers where it was written, so an error found later
// (by the schema, or by a task that rejects a combination) can point at FILE:LINE:COLUMN.
//
// The tree is deliberately untyped: scalars keep their text. The schema (schema.hpp) decides what a
// key's type is; resolve() (resolve.hpp) checks it and fills defaults; get<T>() converts on demand.
// yaml-cpp stays inside the .cpp files so including this header is cheap.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace saccade {

// A bad config: the message is ready for people ("FILE:LINE:COLUMN: key.path: expected ..., got ...").
// It may hold several lines, one per problem, so a user fixes everything in one go.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a value came from: a file position (1-based line and column), or a label with no position
// ("command line: train.epochs=3", "default").
struct Origin {
  std::string where;  // file name as the user gave it, or a label
  int line = 0;       // 0: no position
  int column = 0;

  static Origin file(std::string name, int line, int column) { return {std::move(name), line, column}; }
  static Origin label(std::string text) { return {std::move(text), 0, 0}; }
  std::string str() const;  // "FILE:LINE:COLUMN" or the label
};

struct ConfigField;

struct ConfigNode {
  enum class Kind { Null, Scalar, List, Map };

  Kind kind = Kind::Null;
  std::string text;     // Scalar: the text as written (quotes removed)
  bool quoted = false;  // Scalar: written in quotes, so a string even if it looks like 3 or true
  std::vector<ConfigNode> items;                         // List
  std::vector<ConfigField> fields;  // Map, in the order written
  Origin origin;      // where the value starts
  Origin key_origin;  // where its key was written (for map entries): unknown-key errors point here

  static ConfigNode scalar(std::string text, Origin origin, bool quoted = false);
  static ConfigNode map(Origin origin = {});

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_list() const { return kind == Kind::List; }
  bool is_map() const { return kind == Kind::Map; }

  const ConfigNode* find(std::string_view key) const;  // direct child of a map, or nullptr
  ConfigNode* find(std::string_view key);
  bool erase(std::string_view key);
  std::string describe() const;  // for "got ...": abc, "3", a list, a map with keys a, b
};

// A map's entry: key and value. A struct rather than std::pair<std::string, ConfigNode>, which cannot
// be named inside ConfigNode while ConfigNode is incomplete (clang rejects it; the fuzz build uses clang).
struct ConfigField {
  ConfigField(std::string key, ConfigNode value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  ConfigNode second;
};

// A value as written after `key=` on the command line: a YAML scalar, or a flow list/map/quoted
// string if it starts with [ { " or '. Unquoted text is taken literally ("a: b" stays a string);
// "", ~ and null give a null node (unset). Every node gets `origin`.
ConfigNode parse_value(std::string_view text, const Origin& origin);

// Splits "a.b.c" into {"a", "b", "c"}; empty parts are an error (ConfigError naming `context`).
std::vector<std::string> split_key_path(std::string_view path, std::string_view context);

class Config {
 public:
  Config();  // an empty map

  // Reads FILE and everything it includes (`include:` / `defaults:`: a path or a list of paths,
  // relative to the including file, merged in order, then the including file's own keys on top).
  // Syntax errors, missing files and include cycles throw ConfigError.
  static Config load(const std::filesystem::path& file);
  // Same, from text; `source_name` stands for the file name in messages and includes are resolved
  // relative to its directory.
  static Config parse(std::string_view yaml, const std::string& source_name);

  // Deep merge: maps merge key by key, anything else in `over` replaces; a null in `over` removes
  // the key (so a child config can unset something its base set).
  void merge(const Config& over);
  // "key.path=value": value is a YAML scalar, or a flow list/map if it starts with [ or {.
  // Creates intermediate maps. Errors name "command line: key.path=value".
  void apply_override(std::string_view assignment);
  // Sets (or with a null node, removes) one path, creating intermediate maps.
  void set(std::string_view path, ConfigNode value);

  const ConfigNode& root() const { return root_; }
  ConfigNode& root() { return root_; }
  const ConfigNode* find(std::string_view path) const;  // nullptr if absent or null
  bool has(std::string_view path) const { return find(path) != nullptr; }
  Origin origin(std::string_view path) const;  // of the value; empty Origin if absent

  // Typed reading of a resolved config. T: bool, int, std::int64_t, double, std::string,
  // std::vector<std::string>, std::vector<int>, std::vector<double>. A missing key or a value
  // that does not convert throws ConfigError pointing at the value.
  template <class T>
  T get(std::string_view path) const;
  template <class T>
  T get_or(std::string_view path, T fallback) const {
    return has(path) ? get<T>(path) : fallback;
  }

  // For checks the schema cannot express ("env.canvas must be >= the glimpse size"):
  // throws ConfigError "ORIGIN: path: message" pointing at the value.
  [[noreturn]] void fail(std::string_view path, std::string_view message) const;

  // YAML text in the tree's order (resolve() builds it in schema order). Strings that would read
  // back as something else (a number, true, null) are quoted.
  std::string to_yaml() const;

 private:
  ConfigNode root_;
};

}  // namespace saccade
