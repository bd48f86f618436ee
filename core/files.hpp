// Reading files whole, with errors that name the file: text corpora, CSV results, run status files.
#pragma once

#include <string>
#include <string_view>

namespace saccade {

bool path_exists(const std::string& path);
bool is_directory(const std::string& path);

// The whole file. Throws std::runtime_error "PATH not found" / "PATH is a directory" / "cannot read
// PATH", prefixed with `who` (e.g. "text source").
std::string read_text_file(const std::string& path, const std::string& who);

// The first line (without its line break), reading no more of the file; the same errors, plus
// "PATH is empty". For checking a header before any work starts.
std::string read_first_line(const std::string& path, const std::string& who);

// Without a leading UTF-8 byte order mark (Windows editors write one; it is not part of the text).
std::string_view strip_bom(std::string_view text);

}  // namespace saccade
