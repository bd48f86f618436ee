// The CSV half of labelled_file.hpp: the `text` / `label` columns of core/csv.hpp's records.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "core/csv.hpp"
#include "envs/text/labelled_file.hpp"
#include "core/files.hpp"
#include "envs/text/utf8.hpp"

namespace saccade {
namespace {

const char* const kWho = "CSV text source";

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

struct Columns {
  std::size_t text = 0, label = SIZE_MAX, count = 0;
};

Columns find_columns(const CsvRecord& header, const std::string& header_line, const std::string& path, bool need_label) {
  Columns c;
  c.count = header.fields.size();
  std::size_t found = 0;
  bool has_text = false, has_label = false;
  for (std::size_t k = 0; k < header.fields.size(); ++k) {
    const std::string name = lower(trim(header.fields[k]));
    if (name == "text" && !has_text) c.text = k, has_text = true, ++found;
    if (name == "label" && !has_label) c.label = k, has_label = true, ++found;
  }
  if (!has_label && !need_label && has_text) return c;
  if (found < 2) {
    const std::string missing = !has_text && !has_label ? "`text` and `label` columns" : !has_text ? "`text` column" : "`label` column";
    fail(path, header.line, "the header \"" + header_line + "\" has no " + missing +
                                "; a CSV text source needs a header row naming `text` and `label`");
  }
  return c;
}

}  // namespace

std::vector<LabelledText> read_labelled_csv(const std::string& path, bool need_label) {
  const std::string raw = read_text_file(path, kWho);
  const std::string_view text = strip_bom(raw);
  if (trim(text).empty()) throw std::runtime_error(path + ":1: empty file; expected a header row naming `text` and `label`");
  require_utf8(text, path);
  std::vector<CsvRecord> records = parse_csv_records(text, path);
  // Blank records are skipped: a file of only those (e.g. `" "`) has no header (found by tests/fuzz).
  if (records.empty()) throw std::runtime_error(path + ":1: no header row; expected one naming `text` and `label`");
  const std::string header_line(text.substr(0, text.find_first_of("\r\n")));
  const Columns c = find_columns(records.front(), header_line, path, need_label);
  if (records.size() == 1) fail(path, records.front().line, "the file has a header but no rows");

  std::vector<LabelledText> out;
  out.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    CsvRecord& rec = records[r];
    const bool has_label = c.label != SIZE_MAX;
    const std::size_t need = (need_label ? std::max(c.text, c.label) : c.text) + 1;
    if (rec.fields.size() < need) {
      fail(path, rec.line, "the row has " + std::to_string(rec.fields.size()) + " fields, the header " +
                               std::to_string(c.count) + ": no " + (rec.fields.size() <= c.text ? "text" : "label"));
    }
    LabelledText t{std::move(rec.fields[c.text]),
                   has_label && c.label < rec.fields.size() ? trim(rec.fields[c.label]) : "", rec.line};
    if (need_label && t.label.empty()) fail(path, rec.line, "empty label");
    if (trim(t.text).empty()) fail(path, rec.line, "empty text");
    out.push_back(std::move(t));
  }
  return out;
}

void check_labelled_csv(const std::string& path, bool need_label) {
  const std::string first = read_first_line(path, kWho);
  const std::string_view line = strip_bom(first);
  if (trim(line).empty()) return;  // blank lines before the header: checked when the file is read
  require_utf8(line, path);
  const std::vector<CsvRecord> header = parse_csv_records(line, path, /*complete=*/false);
  if (header.empty()) return;  // a header with a quoted line break: checked when the file is read
  find_columns(header.front(), std::string(line), path, need_label);
}

}  // namespace saccade
