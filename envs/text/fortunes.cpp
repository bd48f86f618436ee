#include "envs/text/fortunes.hpp"

#include <algorithm>
#include <dirent.h>
#include <stdexcept>
#include <string_view>

#include "core/files.hpp"
#include "core/suggest.hpp"
#include "envs/text/utf8.hpp"

namespace saccade {
namespace {

const char* const kPackageHint = "; it ships with the Debian package fortunes (apt-get install fortunes)";

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string in_dir(const std::string& dir, const std::string& name) {
  return dir + (dir.empty() || dir.back() == '/' ? "" : "/") + name;
}

}  // namespace

const std::string& default_fortunes_dir() {
  static const std::string dir = "/usr/share/games/fortunes";
  return dir;
}

// The 8 categories a bag-of-words probe tells best from all the others, among those with 200 entries
// or more (scripts/fortune_categories.py; its table: docs/results/fortune-categories.csv). Topical sets
// such as computers, food, law, politics or science overlap too much to be "clearly distinct".
const std::vector<std::string>& default_fortune_categories() {
  static const std::vector<std::string> c = {"definitions", "disclaimer", "knghtbrd", "literature",
                                             "men-women",   "perl",       "startrek", "zippy"};  // sorted, as labels are
  return c;
}

std::vector<std::string> fortune_categories(const std::string& dir) {
  if (!is_directory(dir)) {
    std::string msg = "text source fortunes: directory " + dir + " not found";
    if (dir == default_fortunes_dir()) msg += kPackageHint;
    throw std::runtime_error(msg);
  }
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw std::runtime_error("text source fortunes: cannot read directory " + dir);
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.ends_with(".dat")) {
      const std::string category = name.substr(0, name.size() - 4);
      if (path_exists(in_dir(dir, category)) && !is_directory(in_dir(dir, category))) names.push_back(category);
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    std::string msg = "text source fortunes: no fortune files (NAME with NAME.dat beside it) in " + dir;
    if (dir == default_fortunes_dir()) msg += kPackageHint;
    throw std::runtime_error(msg);
  }
  return names;
}

void check_fortune_categories(const std::vector<std::string>& requested, const std::vector<std::string>& available,
                              const std::string& dir) {
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const std::string& c = requested[i];
    if (std::find(requested.begin(), requested.begin() + static_cast<std::ptrdiff_t>(i), c) !=
        requested.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("text source fortunes: category `" + c + "` is named twice");
    }
    if (std::binary_search(available.begin(), available.end(), c)) continue;
    std::string msg = "text source fortunes: unknown category `" + c + "`" + did_you_mean(closest(c, available)) +
                      "; " + dir + " has " + std::to_string(available.size()) + ": " + join(available);
    if (dir == default_fortunes_dir() && available.size() < 43) msg += " (the Debian package fortunes has 43)";
    throw std::invalid_argument(msg);
  }
}

std::vector<FortuneEntry> read_fortune_file(const std::string& path) {
  const std::string text = read_text_file(path, "text source fortunes");
  require_utf8(text, path);
  std::vector<FortuneEntry> out;
  FortuneEntry cur;
  std::size_t line = 1, start = 0;
  const auto finish = [&] {
    if (cur.text.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(std::move(cur));
    cur = FortuneEntry{};
  };
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view l(text.data() + start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l == "%") {
      finish();
    } else {
      if (cur.line == 0) cur.line = line;
      if (!cur.text.empty() || cur.line != line) cur.text += '\n';
      cur.text.append(l);
    }
    start = end + 1;
    ++line;
  }
  finish();
  return out;
}

}  // namespace saccade
