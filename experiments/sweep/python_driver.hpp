// The drivers written in Python (a Dask sweep, a search, its report) run as `/usr/bin/python3 -m
// saccade.MODULE ARGS...` in place of this process: Debian's python3, where python3-distributed and
// python3-optuna live. The build tree keeps the package beside the binary (BUILD/python/saccade),
// which is put on PYTHONPATH; an installed one is on Python's own path.
#pragma once

#include <string>
#include <vector>

namespace saccade {

inline constexpr const char* kPython = "/usr/bin/python3";

// Never returns: execs Python, or throws std::runtime_error naming `packages` (what
// scripts/install-deps.sh installs for it) when Python cannot be started.
[[noreturn]] void exec_python_module(const std::string& executable, const std::string& module,
                                     const std::vector<std::string>& args, const std::string& packages);

}  // namespace saccade
