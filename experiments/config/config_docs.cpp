#include "experiments/config/config_docs.hpp"

namespace saccade {

namespace {

// A table cell: a literal '|' would end the cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string schema_markdown(const Schema& schema) {
  std::string out = std::string(kDocsBegin) + "\n\n";
  out += "| key | type | default | meaning |\n";
  out += "|---|---|---|---|\n";
  for (const auto& k : schema) {
    const std::string def = k.default_value ? "`" + *k.default_value + "`" : "unset";
    out += "| `" + k.path + "` | " + cell(k.type_text()) + " | " + cell(def) + " | " + cell(k.doc) + " |\n";
  }
  out += "\n" + std::string(kDocsEnd) + "\n";
  return out;
}

}  // namespace saccade
