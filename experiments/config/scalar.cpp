#include "experiments/config/scalar.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace saccade {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// from_chars rejects a leading '+', YAML allows it.
std::string_view strip_plus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  return text;
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = strip_plus(text);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_float(std::string_view text) {
  text = strip_plus(text);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  // from_chars accepts "inf" and "nan"; a learning rate of nan is never what anyone meant.
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string t = lower(text);
  if (t == "true" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "no" || t == "off") return false;
  return std::nullopt;
}

bool is_null_text(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

bool reads_as_non_string(std::string_view text) {
  if (is_null_text(text) || parse_bool(text) || parse_int(text) || parse_float(text)) return true;
  const std::string t = lower(text);  // YAML's own spellings that from_chars does not know
  return t == ".inf" || t == "+.inf" || t == "-.inf" || t == ".nan" || t == "inf" || t == "nan" ||
         t == "y" || t == "n";
}

}  // namespace saccade
