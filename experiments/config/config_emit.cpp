// Config -> YAML text. Hand-written (not YAML::Emitter) so the output is exactly the tree's order,
// block maps with flow lists of scalars, and quotes only where a reader would misread the value.
#include <sstream>

#include "experiments/config/config.hpp"
#include "experiments/config/scalar.hpp"

namespace saccade {

namespace {

bool plain_safe(std::string_view text) {
  if (text.empty()) return false;
  // Characters that start YAML syntax when first: indicators, quotes, comments, anchors, tags...
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(text.front()) != std::string_view::npos &&
      !(text.front() == '-' && text.size() > 1 && text[1] != ' '))
    return false;
  if (text.back() == ' ' || text.back() == ':') return false;
  for (char c : text) {
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '\n' || c == '\t' ||
        c == '"' || c == '\\')
      return false;
  }
  return text.find(": ") == text.npos;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string scalar_text(const ConfigNode& node) {
  const bool ambiguous = node.quoted && reads_as_non_string(node.text);
  return (!ambiguous && plain_safe(node.text)) ? node.text : quote(node.text);
}

std::string flow(const ConfigNode& node) {
  switch (node.kind) {
    case ConfigNode::Kind::Null: return "null";
    case ConfigNode::Kind::Scalar: return scalar_text(node);
    case ConfigNode::Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < node.items.size(); ++i) out += (i ? ", " : "") + flow(node.items[i]);
      return out + "]";
    }
    case ConfigNode::Kind::Map: {
      std::string out = "{";
      for (std::size_t i = 0; i < node.fields.size(); ++i)
        out += (i ? ", " : "") + scalar_text(ConfigNode::scalar(node.fields[i].first, {})) + ": " +
               flow(node.fields[i].second);
      return out + "}";
    }
  }
  return "";
}

void block(std::ostream& out, const ConfigNode& map, int indent) {
  for (const auto& [key, value] : map.fields) {
    out << std::string(indent, ' ') << scalar_text(ConfigNode::scalar(key, {})) << ":";
    if (value.is_map() && !value.fields.empty()) {
      out << "\n";
      block(out, value, indent + 2);
    } else {
      out << " " << flow(value) << "\n";
    }
  }
}

}  // namespace

std::string Config::to_yaml() const {
  std::ostringstream out;
  if (root_.is_map())
    block(out, root_, 0);
  else
    out << flow(root_) << "\n";
  return out.str();
}

}  // namespace saccade
