// Small helpers shared by the C++ tests: a temp dir, an exception's message, discrete env actions and
// rows, and a module's parameter by name.
#pragma once

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "core/module.hpp"
#include "envs/env.hpp"

namespace saccade::testing {

// A fresh directory under the system's temp dir for one test process, removed at the end.
struct TempDir {
  std::filesystem::path dir;
  explicit TempDir(const std::string& prefix)
      : dir(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  // Writes `content` to dir/name and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
};

// Runs f and returns the std::exception message it throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// A discrete action: region r[b] for example b (-1: STOP).
inline Action regions(std::vector<int> r) {
  Action a;
  a.region = std::move(r);
  return a;
}

// Whether row i of a batch-first array is all zeros.
inline bool row_is_zero(const Array& x, std::size_t i) {
  const std::size_t per = x.size() / x.shape()[0];
  return std::all_of(x.data() + i * per, x.data() + (i + 1) * per, [](float v) { return v == 0.0f; });
}

// The module's parameter `name` (as named_parameters() names it), a handle: writing through it writes
// the module's. std::runtime_error if it has none.
inline Var param(const Module& m, const std::string& name) {
  for (const auto& [n, v] : m.named_parameters())
    if (n == name) return v;
  throw std::runtime_error("no parameter " + name);
}

}  // namespace saccade::testing
