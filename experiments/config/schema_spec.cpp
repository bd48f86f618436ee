// KeySpec's helpers. The table of keys is in schema.cpp.
#include <charconv>

#include "experiments/config/schema.hpp"

namespace saccade {

namespace {

std::string number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest form: 0, 1, 0.5, 1e-05
  return std::string(buf, end);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

KeySpec key(std::string path, KeyType type, std::optional<std::string> default_value, std::string doc) {
  KeySpec spec;
  spec.path = std::move(path);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.doc = std::move(doc);
  return spec;
}

KeySpec KeySpec::at_least(double v) const {
  KeySpec k = *this;
  k.min = v;
  k.min_exclusive = false;
  return k;
}

KeySpec KeySpec::above(double v) const {
  KeySpec k = *this;
  k.min = v;
  k.min_exclusive = true;
  return k;
}

KeySpec KeySpec::below(double v) const {
  KeySpec k = *this;
  k.max = v;
  k.max_exclusive = true;
  return k;
}

KeySpec KeySpec::at_most(double v) const {
  KeySpec k = *this;
  k.max = v;
  k.max_exclusive = false;
  return k;
}

KeySpec KeySpec::one_of(std::vector<std::string> allowed) const {
  KeySpec k = *this;
  k.type = KeyType::Enum;
  k.choices = std::move(allowed);
  return k;
}

std::string KeySpec::type_text() const {
  std::string base;
  switch (type) {
    case KeyType::Int: base = "int"; break;
    case KeyType::Float: base = "float"; break;
    case KeyType::Bool: base = "bool"; break;
    case KeyType::String: base = "string"; break;
    case KeyType::Enum: return "one of " + joined(choices);
    case KeyType::Strings: base = "list of strings"; break;
    case KeyType::Ints: base = "list of ints"; break;
    case KeyType::Floats: base = "list of floats"; break;
    case KeyType::KeyLists: return "map of key path to list of values";
    case KeyType::KeyRanges: return "map of key path to {low, high, log, type} or {choices}";
    case KeyType::Maps: return "list of maps";
  }
  std::string range;
  if (min && max && !min_exclusive && !max_exclusive) {
    range = " in [" + number(*min) + ", " + number(*max) + "]";
  } else {
    if (min) range += std::string(min_exclusive ? " > " : " >= ") + number(*min);
    if (min && max) range += " and";
    if (max) range += std::string(max_exclusive ? " < " : " <= ") + number(*max);
  }
  const bool list = type == KeyType::Ints || type == KeyType::Floats;
  return base + (range.empty() ? "" : list ? ", each" + range : range);
}

const KeySpec* find_key(const Schema& schema, std::string_view path) {
  for (const auto& k : schema)
    if (k.path == path) return &k;
  return nullptr;
}

bool is_section(const Schema& schema, std::string_view path) {
  for (const auto& k : schema)
    if (k.path.size() > path.size() && k.path.compare(0, path.size(), path) == 0 && k.path[path.size()] == '.')
      return true;
  return false;
}

}  // namespace saccade
