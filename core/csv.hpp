// CSV as RFC 4180 and pandas have it, written and read in one place: results files (experiments/report/csv.hpp
// builds tables on these records) and users' labelled text files (envs/text/labelled_file.hpp).
//
// Writing: a field holding a comma, a quote or a line break is quoted, quotes doubled.
// Reading:
//   - fields are separated by commas; a record ends at a line break (LF, CRLF or a lone CR);
//   - a field that starts with " is quoted: it may hold commas, line breaks and "" for a quote, and
//     its closing quote must be followed by a comma or the end of the record; a quote elsewhere in
//     an unquoted field is an ordinary character;
//   - a record of one field that is empty or only white space (a blank line) is skipped;
//   - each record carries the line it starts on (1-based; line breaks inside quoted fields count).
// Errors are std::runtime_error "SOURCE:LINE: what": an unterminated quoted field (naming the line
// where the quote opened) or text after a closing quote.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace saccade {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // where the record starts (1-based)
};

// One field, quoted only when it must be.
std::string csv_field(std::string_view text);
// A header line or a row: fields joined by commas, ending in '\n'.
std::string csv_line(const std::vector<std::string>& fields);

// The records of `text` (without a byte order mark: callers strip it). `complete` false: `text` is
// only the start of a file (e.g. its first line), so a quote still open at its end may close later:
// reading stops there and returns the records before it instead of throwing.
std::vector<CsvRecord> parse_csv_records(std::string_view text, const std::string& source, bool complete = true);

}  // namespace saccade
