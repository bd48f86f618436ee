// Every value saccade writes into a script it generates (slurm.sbatch and gather.sh of `--emit slurm`)
// or hands to a shell (the report's plot) goes through here: quoted for where it goes, or refused with
// an error naming the option it came from. Where a value can go:
//   a shell word      shell_quote: POSIX single quotes stand for any bytes (the same output as Python's
//                     shlex.quote, which the Python writer uses)
//   a #SBATCH line    read by sbatch, not by a shell: Slurm's own tokenizer (src/sbatch/opt.c,
//                     get_argument) splits it at white space, groups '...' or "...", takes the character
//                     after a backslash literally and ends the line at an unquoted #. sbatch_word writes
//                     one word for it; an --output path also has Slurm's %-patterns (slurm_output_dir).
//   any line at all   a newline would end the line, and in a #-comment or an #SBATCH line what follows
//                     would be a shell command: a value must be one line (one_line), or it is refused.
// pybind/saccade/script_quote.py holds the same rules for the search's writer; tests/py/test_script_quote.py
// checks that both give the same text and the same errors, docs/reliability.md ("Generated scripts").
#pragma once

#include <string>

#include "experiments/config/config.hpp"

namespace saccade {

namespace script_quote_detail {

// Characters that mean nothing to a shell nor to sbatch's tokenizer (shlex's safe set).
inline bool plain(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string("_@%+=:,./-").find(static_cast<char>(c)) == std::string::npos) return false;
  }
  return true;
}

}  // namespace script_quote_detail

// A POSIX shell word that stands for `s` exactly.
inline std::string shell_quote(const std::string& s) {
  if (script_quote_detail::plain(s)) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

// Refuses a value that would not stay on its line: "WHAT 'VALUE' holds a newline" (VALUE with \n, \r
// and NUL shown escaped), plus `hint`.
inline void one_line(const std::string& what, const std::string& value, const std::string& hint = "") {
  const char* held = nullptr;
  std::string shown;
  for (char c : value) {
    const char* name = c == '\n' ? "a newline" : c == '\r' ? "a carriage return" : c == '\0' ? "a NUL byte" : nullptr;
    if (name && !held) held = name;
    shown += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : c == '\0' ? std::string("\\0") : std::string(1, c);
  }
  if (held)
    throw ConfigError(what + " '" + shown + "' holds " + held + ": a value written into a generated script must be one line" +
                      (hint.empty() ? "" : "; " + hint));
}

// One word of a #SBATCH line that sbatch reads back as `s` (which must be one line).
inline std::string sbatch_word(const std::string& s) {
  if (script_quote_detail::plain(s)) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

// `--sbatch KEY=VALUE` (or a bare KEY) as the word of its #SBATCH line: "--KEY=" + sbatch_word(VALUE).
inline std::string sbatch_directive(const std::string& value) {
  one_line("--sbatch value", value, "one #SBATCH directive per --sbatch");
  const std::string key = value.substr(0, value.find('='));
  bool ok = !key.empty() && key.front() != '-';
  for (unsigned char c : key) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok)
    throw ConfigError("--sbatch value '" + value +
                      "': expected KEY=VALUE, KEY an sbatch option without its dashes (e.g. partition=cpu)");
  return "--" + key + (key.size() < value.size() ? "=" + sbatch_word(value.substr(key.size() + 1)) : "");
}

// The directory `dir` as the start of an --output pattern: % doubled (Slurm reads %A, %a, ... there);
// a backslash is refused, since Slurm drops it and then expands no pattern at all.
inline std::string slurm_output_dir(const std::string& what, const std::string& dir) {
  one_line(what, dir);
  if (dir.find('\\') != std::string::npos)
    throw ConfigError(what + " '" + dir + "' holds a backslash, which Slurm's --output drops (and then writes every "
                             "array task's log to one file): choose a directory without one");
  std::string out;
  for (char c : dir) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

}  // namespace saccade
