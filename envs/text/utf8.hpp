// UTF-8 checks for text files: the corpora are read as UTF-8, and a file that is not (Latin-1 saved
// by an old editor, a binary file named .csv) should fail with the line and byte column of the first
// bad byte, not turn into tokens nobody can read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace saccade {

// Bytes in the sequence a lead byte starts: 1 for ASCII, 2..4 for a valid lead, 0 for a byte that
// cannot start a sequence (a continuation byte, 0xC0/0xC1, 0xF5..0xFF).
std::size_t utf8_sequence_length(unsigned char lead);

// Byte offset of the first byte that is not part of a well-formed sequence (overlong forms,
// surrogates and code points above U+10FFFF are ill-formed too), or std::string_view::npos.
std::size_t find_invalid_utf8(std::string_view text);

// Throws std::runtime_error "PATH:LINE:COLUMN: invalid UTF-8 (byte 0xNN) ..." if `text` (the whole
// file, or a piece of it starting at line `first_line`) is not UTF-8. COLUMN counts bytes from 1.
void require_utf8(std::string_view text, const std::string& path, std::size_t first_line = 1);

}  // namespace saccade
