// The JSONL half of labelled_file.hpp. envs link core only (no nlohmann-json), so this is a small
// JSON reader that decodes what it needs (the "text" and "label" values) and skips everything else.
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "envs/text/labelled_file.hpp"
#include "core/files.hpp"
#include "envs/text/utf8.hpp"

namespace saccade {
namespace {

const char* const kWho = "JSONL text source";

// One line of the file as a JSON object; errors name PATH:LINE:COLUMN.
class JsonLine {
 public:
  JsonLine(std::string_view s, const std::string& path, std::size_t line, bool need_label)
      : s_(s), path_(path), line_(line), need_label_(need_label) {}

  LabelledText read() {
    LabelledText t;
    t.line = line_;
    bool has_text = false, has_label = false;
    ws();
    expect('{', "a JSON object {\"text\": ..., \"label\": ...}");
    ws();
    if (peek() != '}') {
      while (true) {
        ws();
        if (peek() != '"') fail("expected a key in double quotes");
        const std::string key = string();
        ws();
        expect(':', "':' after the key");
        ws();
        if (key == "text") {
          if (peek() != '"') fail("\"text\" must be a string");
          t.text = string();
          has_text = true;
        } else if (key == "label") {
          t.label = label();
          has_label = true;
        } else {
          skip_value(0);
        }
        ws();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        break;
      }
    }
    expect('}', "',' or '}'");
    ws();
    if (i_ < s_.size()) fail("text after the JSON object (one object per line)");
    if (!has_text || (need_label_ && !has_label)) {
      throw std::runtime_error(path_ + ":" + std::to_string(line_) + ": the object has no \"" +
                               (has_text ? "label" : "text") + "\" field");
    }
    if (need_label_ && t.label.empty()) throw std::runtime_error(path_ + ":" + std::to_string(line_) + ": empty label");
    if (t.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw std::runtime_error(path_ + ":" + std::to_string(line_) + ": empty text");
    }
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(path_ + ":" + std::to_string(line_) + ":" + std::to_string(i_ + 1) + ": " + what);
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c, const char* what) {
    if (peek() != c) fail(std::string("expected ") + what);
    ++i_;
  }

  static void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }

  std::uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("\\u needs 4 hex digits");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else fail("\\u needs 4 hex digits");
    }
    return v;
  }

  // A JSON string at i_ (which is '"'), decoded.
  std::string string() {
    ++i_;
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string (a JSON string cannot span lines)");
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string (write it as an escape, e.g. \\n)");
      if (c != '\\') {
        out.push_back(c);
        ++i_;
        continue;
      }
      ++i_;
      const char e = peek();
      ++i_;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {  // a surrogate pair
            i_ += 2;
            const std::uint32_t lo = hex4();
            cp = (lo >= 0xDC00 && lo < 0xE000) ? 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00) : 0xFFFD;
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;  // a lone surrogate is not a character
          }
          append_utf8(out, cp);
          break;
        }
        default: --i_, fail("unknown escape in a string");
      }
    }
  }

  // A label: a string, or a number / true / false kept as written.
  std::string label() {
    if (peek() == '"') {
      std::string s = string();
      const auto b = s.find_first_not_of(" \t\r\n");
      return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && std::string_view("+-.0123456789eEtruefals").find(s_[i_]) != std::string_view::npos) ++i_;
    if (i_ == start) fail("\"label\" must be a string or a number");
    return std::string(s_.substr(start, i_ - start));
  }

  void skip_value(int depth) {
    if (depth > 64) fail("nested too deeply");
    const char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      ws();
      if (peek() == close) {
        ++i_;
        return;
      }
      while (true) {
        ws();
        if (c == '{') {
          if (peek() != '"') fail("expected a key in double quotes");
          string();
          ws();
          expect(':', "':' after the key");
          ws();
        }
        skip_value(depth + 1);
        ws();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(close, c == '{' ? "',' or '}'" : "',' or ']'");
        return;
      }
    } else {
      const std::size_t start = i_;
      while (i_ < s_.size() && std::string_view("+-.0123456789eEtruefalsn").find(s_[i_]) != std::string_view::npos) ++i_;
      if (i_ == start) fail("expected a JSON value");
    }
  }

  std::string_view s_;
  const std::string& path_;
  std::size_t line_;
  bool need_label_;
  std::size_t i_ = 0;
};

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t start = 0, line = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") != std::string_view::npos) f(l, line);
    if (end == text.size()) break;
    start = end + 1;
    ++line;
  }
}

}  // namespace

std::vector<LabelledText> read_labelled_jsonl(const std::string& path, bool need_label) {
  const std::string raw = read_text_file(path, kWho);
  const std::string_view text = strip_bom(raw);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw std::runtime_error(path + ":1: empty file; expected one JSON object {\"text\": ..., \"label\": ...} per line");
  }
  require_utf8(text, path);
  std::vector<LabelledText> out;
  for_each_line(text, [&](std::string_view l, std::size_t line) { out.push_back(JsonLine(l, path, line, need_label).read()); });
  return out;
}

void check_labelled_jsonl(const std::string& path, bool need_label) {
  const std::string first = read_first_line(path, kWho);
  const std::string_view line = strip_bom(first);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;  // checked when the file is read
  require_utf8(line, path);
  JsonLine(line, path, 1, need_label).read();
}

}  // namespace saccade
