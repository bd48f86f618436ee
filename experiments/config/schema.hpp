// The schema: every config key saccade knows, with its type, default, allowed range and a one-line
// doc. The table itself is in schema.cpp; a new task adds its keys there and nowhere else
// (validation, defaults, `--print-config` order and docs/CONFIG.md all follow from it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saccade {

// KeyLists: a map from config key paths to lists of values (the `sweep.grid` and `sweep.zip` maps);
// the keys and values inside are checked against the schema when the sweep is expanded (sweep.hpp).
// Maps: a list of maps (`train.stages`); only the shape is checked here, the code that reads the key
// checks each map's keys and values, naming their positions (experiments/tasks/train_stages.hpp).
// KeyRanges: a map from config key paths to ranges or choices (`search.parameters`); checked in
// full by experiments/sweep/search.cpp.
enum class KeyType { Int, Float, Bool, String, Enum, Strings, Ints, Floats, KeyLists, KeyRanges, Maps };

struct KeySpec {
  std::string path;                          // "train.lr"
  KeyType type = KeyType::String;
  std::optional<std::string> default_value;  // YAML text; "{name}" is replaced by that key's value
  std::string doc;                           // one line, for docs/CONFIG.md
  std::optional<double> min, max;            // for numbers (each element, for lists)
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> choices;          // for Enum

  // Chainable refinements, so a table row reads left to right.
  KeySpec at_least(double v) const;  // >= v
  KeySpec above(double v) const;     // >  v
  KeySpec at_most(double v) const;   // <= v
  KeySpec below(double v) const;     // <  v
  KeySpec one_of(std::vector<std::string> allowed) const;

  std::string type_text() const;  // "int >= 0", "float > 0", "one of image, text, dialogue", "list of strings"
};

using Schema = std::vector<KeySpec>;

inline constexpr std::nullopt_t no_default = std::nullopt;
KeySpec key(std::string path, KeyType type, std::optional<std::string> default_value, std::string doc);

// saccade's schema (schema.cpp), in the order keys are printed and documented.
const Schema& schema();

const KeySpec* find_key(const Schema& schema, std::string_view path);
// True for "env" and "env.clutter": a prefix of some key, which must be a map.
bool is_section(const Schema& schema, std::string_view path);

}  // namespace saccade
