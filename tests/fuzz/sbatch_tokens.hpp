// How sbatch reads an #SBATCH line: a port of Slurm's get_argument (SchedMD/slurm, src/sbatch/opt.c),
// the tokenizer _opt_batch_script runs over the text after the magic word. Words split at white space
// (isspace); '...' or "..." group (quotes may start mid-word: --comment="a b"); a backslash takes the
// next character literally (a backslash-space is a space); an unquoted # ends the line. Slurm stops with
// "Unmatched quote" on an open quote, and calls a word `hetjob` or `packjob` a component separator and
// a word starting with ':' an error: both reported here as `bad`. The test side of
// experiments/sweep/script_quote.hpp: what saccade writes must read back as the values it was given.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace saccade::fuzz {

struct SbatchWords {
  std::vector<std::string> words;
  bool bad = false;  // sbatch would stop, or read a separator rather than an option
};

inline SbatchWords sbatch_words(const std::string& line) {
  SbatchWords out;
  std::size_t p = 0;
  auto space = [&](std::size_t i) { return i < line.size() && std::isspace(static_cast<unsigned char>(line[i])); };
  auto at = [&](std::size_t i) { return i < line.size() ? line[i] : '\0'; };
  for (;;) {
    while (space(p)) ++p;
    const std::string rest = line.substr(p, 7);
    for (const std::string sep : {"hetjob", "packjob"})
      if (rest.size() >= sep.size() && std::equal(sep.begin(), sep.end(), rest.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
          }) && (at(p + sep.size()) == '\0' || space(p + sep.size())))
        out.bad = true;
    if (at(p) == ':') out.bad = true;
    if (at(p) == '\0') return out;
    std::string word;
    bool any = false, quoted = false, escape = false;
    char q = '\0';
    while ((quoted || !space(p)) && at(p) != '\n' && at(p) != '\0') {
      const char c = at(p);
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        ++p;
        if (at(p) == ' ') {
          word += ' ', any = true, ++p;
        } else {
          escape = true;
        }
        continue;
      } else if (quoted) {
        if (c == q) {
          quoted = false, ++p;
          continue;
        }
      } else if (c == '"' || c == '\'') {
        quoted = true, q = c, ++p;
        continue;
      } else if (c == '#') {
        break;
      }
      word += c, any = true, ++p;
    }
    if (quoted) out.bad = true;
    if (!any) return out;  // get_argument returns NULL: no more words
    out.words.push_back(word);
    if (quoted) return out;
  }
}

}  // namespace saccade::fuzz
