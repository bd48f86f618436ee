#include "core/files.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace saccade {
namespace {

std::ifstream open_file(const std::string& path, const std::string& who) {
  if (!path_exists(path)) throw std::runtime_error(who + ": " + path + " not found");
  if (is_directory(path)) throw std::runtime_error(who + ": " + path + " is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(who + ": cannot read " + path);
  return in;
}

}  // namespace

bool path_exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string read_text_file(const std::string& path, const std::string& who) {
  std::ifstream in = open_file(path, who);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw std::runtime_error(who + ": cannot read " + path);
  return std::move(s).str();
}

std::string read_first_line(const std::string& path, const std::string& who) {
  std::ifstream in = open_file(path, who);
  std::string line;
  if (!std::getline(in, line) && line.empty()) throw std::runtime_error(who + ": " + path + " is empty");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string_view strip_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

}  // namespace saccade
