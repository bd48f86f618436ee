#include "experiments/report/csv.hpp"

#include <stdexcept>

#include "core/files.hpp"

namespace saccade {

int CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

std::string to_csv(const CsvTable& table) {
  std::string out = csv_line(table.header);
  for (const auto& row : table.rows) out += csv_line(row);
  return out;
}

CsvTable parse_csv(std::string_view text, const std::string& source) {
  std::vector<CsvRecord> records = parse_csv_records(text, source);
  if (records.empty()) throw std::runtime_error(source + ": empty CSV file (no header)");
  CsvTable table;
  table.header = std::move(records[0].fields);
  table.rows.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != table.header.size()) {
      throw std::runtime_error(source + ":" + std::to_string(records[r].line) + ": " +
                               std::to_string(records[r].fields.size()) + " fields, the header has " +
                               std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(records[r].fields));
  }
  return table;
}

CsvTable read_csv(const std::string& path) { return parse_csv(read_text_file(path, "read_csv"), path); }

}  // namespace saccade
