#include "experiments/sweep/python_driver.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace saccade {

namespace {

void find_package(const std::string& executable) {
  const std::filesystem::path beside = std::filesystem::path(executable).parent_path() / "python";
  if (!std::filesystem::exists(beside / "saccade" / "__init__.py")) return;
  const char* old = std::getenv("PYTHONPATH");
  const std::string path = beside.string() + (old && *old ? ":" + std::string(old) : "");
  ::setenv("PYTHONPATH", path.c_str(), 1);
}

}  // namespace

void exec_python_module(const std::string& executable, const std::string& module, const std::vector<std::string>& args,
                        const std::string& packages) {
  std::vector<std::string> all = {kPython, "-m", "saccade." + module};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  find_package(executable);
  std::cout.flush();
  ::execv(kPython, argv.data());
  throw std::runtime_error(std::string("cannot start ") + kPython + ": " + std::strerror(errno) +
                           " (scripts/install-deps.sh installs " + packages + ")");
}

}  // namespace saccade
