// Running the Python scripts `saccade report` carries compiled in (plot_report.py, plot_curves.py): the
// script's text is piped to `/usr/bin/python3 - ARGS...`, so the binary needs no file of its own beside it.
// Debian's python3, never the first python3 on PATH (a virtualenv's may lack matplotlib).
#pragma once

#include <string>
#include <vector>

namespace saccade {

inline constexpr const char* kPython = "/usr/bin/python3";

// Whether kPython exists and is executable.
bool python_available();

// Runs `script` (its text) as `kPython - args...`, its stdout and stderr the caller's. Returns its exit
// status; -1 when it could not be started or did not exit normally.
int run_embedded_python(const char* script, const std::vector<std::string>& args);

}  // namespace saccade
