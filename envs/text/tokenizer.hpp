// Words and punctuation from raw text, the same way for every corpus (fortunes, CSV, JSONL).
//
// clean_text first undoes what terminals draw rather than print: a backspace erases the character
// before it (fortune files underline and embolden with `_\bX` and `X\bX`, and `____\b\b\b\bword`),
// tabs and line breaks become spaces, other control characters (bells, escapes) are dropped.
// tokenize then lowercases ASCII letters and cuts:
//   - words: runs of [a-z0-9] and of any non-ASCII character (accented letters, CJK, emoji) — we
//     cannot lowercase or classify those without Unicode tables, so they stay word characters;
//   - apostrophes: part of a word only between two word characters ("don't", "o'clock",
//     "rock'n'roll"), so quoting ('like this') and trailing possessives ("dogs'") give a separate
//     "'" token and the word stays the same word. A typographic ’ counts as an apostrophe and is
//     written "'", so "don’t" and "don't" are one word;
//   - every other printable ASCII character is a token of its own ("?", "(", "-"); so are the
//     common Unicode quotes, dashes and ellipsis (U+2010..U+205E, « » ¡ ¿), and Unicode spaces
//     separate like a space.
// Bytes that are not UTF-8 are kept as word characters (corpus loaders reject such files first).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace saccade {

std::string clean_text(std::string_view text);

std::vector<std::string> tokenize(std::string_view text);

// Sentences end after a run of ".", "!" or "?" tokens, taking the closing quotes and brackets that
// follow ("Stop!" he said -> [" stop ! "] [he said]). Tokens after the last end form a last
// sentence. Abbreviations ("e.g.", "Mr.") end sentences too: there is no list of them.
// sentence_starts gives the index of each sentence's first token (empty for no tokens).
std::vector<std::size_t> sentence_starts(const std::vector<std::string>& tokens);
std::vector<std::vector<std::string>> split_sentences(const std::vector<std::string>& tokens);

}  // namespace saccade
