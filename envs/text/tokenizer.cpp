#include "envs/text/tokenizer.hpp"

#include <cstdint>

#include "envs/text/utf8.hpp"

namespace saccade {
namespace {

enum class Kind { space, word, apostrophe, punct };

// One character of cleaned text: its bytes (ASCII lowercased) and what it is.
struct Char {
  std::string_view bytes;
  Kind kind;
};

std::uint32_t code_point(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  switch (s.size()) {
    case 2: return ((b[0] & 0x1Fu) << 6) | (b[1] & 0x3Fu);
    case 3: return ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu);
    case 4: return ((b[0] & 0x07u) << 18) | ((b[1] & 0x3Fu) << 12) | ((b[2] & 0x3Fu) << 6) | (b[3] & 0x3Fu);
    default: return b[0];
  }
}

Kind classify_unicode(std::uint32_t c) {
  if (c == 0x2019) return Kind::apostrophe;  // ’ (right single quotation mark, the usual typographic apostrophe)
  if (c == 0x00A0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000) return Kind::space;
  if (c == 0x00A1 || c == 0x00AB || c == 0x00BB || c == 0x00BF || (c >= 0x2010 && c <= 0x205E)) return Kind::punct;
  return Kind::word;
}

// The length of the UTF-8 sequence at s[i], 1 for a byte that is not valid UTF-8.
std::size_t char_length(std::string_view s, std::size_t i) {
  const std::size_t len = utf8_sequence_length(static_cast<unsigned char>(s[i]));
  if (len <= 1 || i + len > s.size()) return 1;
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return len;
}

Kind classify(std::string_view ch) {
  if (ch.size() > 1) return classify_unicode(code_point(ch));
  const unsigned char c = static_cast<unsigned char>(ch[0]);
  if (c >= 0x80) return Kind::word;  // a stray non-UTF-8 byte
  if (c == ' ') return Kind::space;
  if (c == '\'') return Kind::apostrophe;
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return Kind::word;
  return Kind::punct;
}

bool is_terminator(const std::string& t) { return t == "." || t == "!" || t == "?"; }
bool is_closer(const std::string& t) {
  return t == "\"" || t == "'" || t == ")" || t == "]" || t == "}" || t == "\xE2\x80\x9D" /* ” */ ||
         t == "\xC2\xBB" /* » */;
}

}  // namespace

std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\b') {
      // Erase the previous character: all of it when it is a multi-byte UTF-8 sequence.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty()) out.pop_back();
    } else if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      out.push_back(' ');
    } else if (u >= 0x20 && u != 0x7F) {
      out.push_back(c);
    }  // other control characters are dropped
  }
  return out;
}

std::vector<std::string> tokenize(std::string_view text) {
  std::string s = clean_text(text);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::vector<Char> chars;
  chars.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = char_length(s, i);
    const std::string_view ch(s.data() + i, len);
    chars.push_back({ch, classify(ch)});
    i += len;
  }

  std::vector<std::string> tokens;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const Char& c = chars[i];
    switch (c.kind) {
      case Kind::word: word.append(c.bytes); break;
      case Kind::space: flush(); break;
      case Kind::apostrophe:
        if (!word.empty() && i + 1 < chars.size() && chars[i + 1].kind == Kind::word) {
          word.push_back('\'');
        } else {
          flush();
          tokens.emplace_back("'");
        }
        break;
      case Kind::punct:
        flush();
        tokens.emplace_back(c.bytes);
        break;
    }
  }
  flush();
  return tokens;
}

std::vector<std::size_t> sentence_starts(const std::vector<std::string>& tokens) {
  std::vector<std::size_t> starts;
  const std::size_t n = tokens.size();
  std::size_t start = 0, i = 0;
  while (i < n) {
    if (!is_terminator(tokens[i])) {
      ++i;
      continue;
    }
    while (i < n && is_terminator(tokens[i])) ++i;
    while (i < n && is_closer(tokens[i])) ++i;
    starts.push_back(start);
    start = i;
  }
  if (start < n) starts.push_back(start);
  return starts;
}

std::vector<std::vector<std::string>> split_sentences(const std::vector<std::string>& tokens) {
  const std::vector<std::size_t> starts = sentence_starts(tokens);
  std::vector<std::vector<std::string>> out;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : tokens.size();
    out.emplace_back(tokens.begin() + static_cast<std::ptrdiff_t>(starts[k]),
                     tokens.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

}  // namespace saccade
