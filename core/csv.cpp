#include "core/csv.hpp"

#include <algorithm>
#include <stdexcept>

namespace saccade {
namespace {

[[noreturn]] void fail(const std::string& source, std::size_t line, const std::string& what) {
  throw std::runtime_error(source + ":" + std::to_string(line) + ": " + what);
}

bool blank(const CsvRecord& r) {
  return r.fields.size() == 1 && r.fields[0].find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + '\n';
}

std::vector<CsvRecord> parse_csv_records(std::string_view text, const std::string& source, bool complete) {
  std::vector<CsvRecord> records;
  const std::size_t n = text.size();
  std::size_t i = 0, line = 1;
  auto at = [&](char c) { return i < n && text[i] == c; };
  while (i < n) {
    CsvRecord r;
    r.line = line;
    for (;;) {  // one field a pass
      std::string field;
      if (at('"')) {
        const std::size_t open_line = line;
        ++i;
        for (;;) {
          if (i >= n) {
            if (!complete) return records;
            fail(source, open_line, "unterminated quoted field: the \" opened on this line is never closed");
          }
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line;
          field += c;
          ++i;
        }
        if (i < n && !at(',') && !at('\n') && !at('\r')) {
          fail(source, line, "unexpected text after a closing quote (a quote inside a quoted field is written \"\")");
        }
      } else {
        const std::size_t end = std::min(text.find_first_of(",\r\n", i), n);
        field.assign(text.substr(i, end - i));
        i = end;
      }
      r.fields.push_back(std::move(field));
      if (at(',')) {
        ++i;
        continue;
      }
      if (i < n) {  // a line break: LF, CRLF or a lone CR
        if (text[i++] == '\r' && at('\n')) ++i;
        ++line;
      }
      break;
    }
    if (!blank(r)) records.push_back(std::move(r));
  }
  return records;
}

}  // namespace saccade
