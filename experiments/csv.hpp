// CSV as pandas reads and writes it (RFC 4180): a field holding a comma, a quote or a line break is
// quoted, quotes doubled. Results files are written and read with these two functions only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace saccade {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header

  // Index of a column, or -1.
  int column(std::string_view name) const;
};

// One field, quoted only when it must be.
std::string csv_field(std::string_view text);
// A header line or a row: fields joined by commas, ending in '\n'.
std::string csv_line(const std::vector<std::string>& fields);
std::string to_csv(const CsvTable& table);

// Parses text; a row whose field count differs from the header's, or an unterminated quote, throws
// std::runtime_error naming `source` and the line.
CsvTable parse_csv(std::string_view text, const std::string& source);
// Reads and parses a file (std::runtime_error naming it if it cannot be read).
CsvTable read_csv(const std::string& path);

}  // namespace saccade
