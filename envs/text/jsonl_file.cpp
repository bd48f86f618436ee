// The JSONL half of labelled_file.hpp: each line is parsed by nlohmann-json; its "text" and "label"
// are taken and every other key is ignored.
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "envs/text/labelled_file.hpp"
#include "envs/text/utf8.hpp"

namespace saccade {
namespace {

const char* const kWho = "JSONL text source";

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string trim(const std::string& s) {
  if (blank(s)) return "";
  const auto b = s.find_first_not_of(" \t\r\n");
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// One line of the file as a JSON object; errors name PATH:LINE (and :COLUMN where a byte is at fault).
LabelledText read_line(std::string_view text, const std::string& path, std::size_t line, bool need_label) {
  const std::string at = path + ":" + std::to_string(line) + ":";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message without its "[json.exception...] parse error at line 1, column N: " prefix.
    const std::string what = e.what();
    const std::size_t column = what.find("column "), colon = what.find(": ", column);
    std::string detail = column == std::string::npos || colon == std::string::npos ? what : what.substr(colon + 2);
    if (detail.find("missing closing quote") != std::string::npos) detail += " (a JSON string cannot span lines)";
    throw std::runtime_error(at + std::to_string(e.byte) + ": malformed JSON: " + detail);
  }
  if (!j.is_object()) throw std::runtime_error(at + "1: expected a JSON object {\"text\": ..., \"label\": ...}");
  const auto text_it = j.find("text"), label_it = j.find("label");
  if (text_it == j.end() || (need_label && label_it == j.end())) {
    throw std::runtime_error(at + " the object has no \"" + (text_it == j.end() ? "text" : "label") + "\" field");
  }
  if (!text_it->is_string()) throw std::runtime_error(at + " \"text\" must be a string");
  LabelledText t;
  t.line = line;
  t.text = text_it->get<std::string>();
  if (label_it != j.end()) {
    if (label_it->is_string()) t.label = trim(label_it->get<std::string>());
    else if (label_it->is_number() || label_it->is_boolean()) t.label = label_it->dump();  // as written
    else throw std::runtime_error(at + " \"label\" must be a string or a number");
  }
  if (need_label && t.label.empty()) throw std::runtime_error(at + " empty label");
  if (blank(t.text)) throw std::runtime_error(at + " empty text");
  return t;
}

// f(line, line number) for every line that is not blank (a trailing \r is not part of the line).
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t start = 0, line = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!blank(l)) f(l, line);
    if (end == text.size()) break;
    start = end + 1;
    ++line;
  }
}

}  // namespace

std::vector<LabelledText> read_labelled_jsonl(const std::string& path, bool need_label) {
  const std::string raw = read_text_file(path, kWho);
  const std::string_view text = strip_bom(raw);
  if (blank(text)) {
    throw std::runtime_error(path + ":1: empty file; expected one JSON object {\"text\": ..., \"label\": ...} per line");
  }
  require_utf8(text, path);
  std::vector<LabelledText> out;
  for_each_line(text, [&](std::string_view l, std::size_t line) { out.push_back(read_line(l, path, line, need_label)); });
  return out;
}

void check_labelled_jsonl(const std::string& path, bool need_label) {
  const std::string first = read_first_line(path, kWho);
  const std::string_view line = strip_bom(first);
  if (blank(line)) return;  // checked when the file is read
  require_utf8(line, path);
  read_line(line, path, 1, need_label);
}

}  // namespace saccade
