#include "envs/text/utf8.hpp"

#include <cstdio>
#include <stdexcept>

namespace saccade {

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;  // continuation byte, or an overlong 2-byte lead
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF5) return 4;
  return 0;
}

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t len = utf8_sequence_length(s[i]);
    if (len == 0 || i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
    }
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    if (len == 3 && ((s[i] == 0xE0 && s[i + 1] < 0xA0) || (s[i] == 0xED && s[i + 1] >= 0xA0))) return i;
    if (len == 4 && ((s[i] == 0xF0 && s[i + 1] < 0x90) || (s[i] == 0xF4 && s[i + 1] >= 0x90))) return i;
    i += len;
  }
  return std::string_view::npos;
}

void require_utf8(std::string_view text, const std::string& path, std::size_t first_line) {
  const std::size_t bad = find_invalid_utf8(text);
  if (bad == std::string_view::npos) return;
  std::size_t line = first_line, line_start = 0;
  for (std::size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') ++line, line_start = i + 1;
  }
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
  throw std::runtime_error(path + ":" + std::to_string(line) + ":" + std::to_string(bad - line_start + 1) +
                           ": invalid UTF-8 (byte " + byte + "); text files are read as UTF-8 (convert with iconv)");
}

}  // namespace saccade
