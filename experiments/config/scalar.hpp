// How YAML scalar text reads as a typed value. One place, so validation, get<T>() and the YAML
// printer agree on what "3", "1e-3", "yes" and "~" mean.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace saccade {

std::optional<std::int64_t> parse_int(std::string_view text);  // [+-]digits, nothing else
std::optional<double> parse_float(std::string_view text);      // finite decimal/scientific; YAML .inf/.nan rejected
std::optional<bool> parse_bool(std::string_view text);         // true/false, yes/no, on/off (any case)
bool is_null_text(std::string_view text);                      // "", ~, null, Null, NULL

// True if an unquoted scalar with this text would not read back as a string in YAML.
bool reads_as_non_string(std::string_view text);

}  // namespace saccade
