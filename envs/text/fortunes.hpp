// Debian's fortune cookies (package `fortunes`): one file per category in /usr/share/games/fortunes
// (computers, food, law, ... 43 of them, 15,217 entries), entries separated by lines holding only
// "%". A category is a file with a `.dat` index beside it, which is what the `fortune` program reads
// (the `.u8` names are symlinks to the same files).
#pragma once

#include <string>
#include <vector>

namespace saccade {

const std::string& default_fortunes_dir();

// The default label set: eight categories whose subjects barely overlap.
const std::vector<std::string>& default_fortune_categories();

// Every category in `dir`, sorted. Throws std::runtime_error when the directory is missing (naming
// the package for the default directory) or holds no categories.
std::vector<std::string> fortune_categories(const std::string& dir);

// Throws std::invalid_argument for a requested category that is not in `available`, listing the
// available ones with a did-you-mean; and for a category named twice.
void check_fortune_categories(const std::vector<std::string>& requested, const std::vector<std::string>& available,
                              const std::string& dir);

struct FortuneEntry {
  std::string text;       // as in the file, lines joined with '\n'
  std::size_t line = 0;   // the entry's first line in the file (1-based)
};

// The non-blank entries of one category file. Throws std::runtime_error naming the file for a
// missing file or invalid UTF-8 (line and byte column).
std::vector<FortuneEntry> read_fortune_file(const std::string& path);

}  // namespace saccade
