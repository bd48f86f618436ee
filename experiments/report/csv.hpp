// Results tables in CSV (core/csv.hpp: the format, as pandas reads and writes it): a header row and
// rows as long as it. Results files are written with csv_line / to_csv and read with these only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/csv.hpp"

namespace saccade {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header

  // Index of a column, or -1.
  int column(std::string_view name) const;
};

std::string to_csv(const CsvTable& table);

// Parses text (core/csv.hpp's records: blank lines are skipped); no header, a row whose field count
// differs from the header's, or a malformed quote throws std::runtime_error naming `source` and the line.
CsvTable parse_csv(std::string_view text, const std::string& source);
// Reads and parses a file (std::runtime_error naming it if it cannot be read).
CsvTable read_csv(const std::string& path);

}  // namespace saccade
