// A POSIX shell word that stands for `s` exactly: for commands saccade writes out (Slurm scripts,
// gather commands) or hands to a shell (the report's plot).
#pragma once

#include <string>

namespace saccade {

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace saccade
