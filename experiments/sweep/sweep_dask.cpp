#include "experiments/sweep/sweep_dask.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace saccade {

namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-distributed lives

// The build tree keeps the package beside the binary (BUILD/python/saccade); an installed one is on
// Python's own path.
void find_package(const std::string& executable) {
  const std::filesystem::path beside = std::filesystem::path(executable).parent_path() / "python";
  if (!std::filesystem::exists(beside / "saccade" / "dask_sweep.py")) return;
  const char* old = std::getenv("PYTHONPATH");
  const std::string path = beside.string() + (old && *old ? ":" + std::string(old) : "");
  ::setenv("PYTHONPATH", path.c_str(), 1);
}

}  // namespace

int run_sweep_on_dask(const SweepPlan& plan, const SweepOptions& o, const std::string& scheduler,
                      const std::vector<std::string>& gather_args) {
  const std::vector<std::size_t> todo = prepare_sweep(plan, o);
  if (todo.empty()) {
    std::cout << "sweep: every one of the " << plan.runs.size() << " runs has finished already\n"
              << "results: " << o.out_dir << "/results.csv\n";
    return 0;
  }
  std::string trials;
  for (std::size_t i : todo) trials += (trials.empty() ? "" : ",") + std::to_string(i);
  std::vector<std::string> args = {kPython, "-m", "saccade.dask_sweep", "--scheduler", scheduler, "--cli", o.executable,
                                   "--out", o.out_dir, "--trials", trials, "--"};
  args.insert(args.end(), gather_args.begin(), gather_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  find_package(o.executable);
  std::cout.flush();
  ::execv(kPython, argv.data());
  throw std::runtime_error(std::string("sweep --backend dask: cannot start ") + kPython + ": " + std::strerror(errno) +
                           " (scripts/install-deps.sh installs python3-distributed)");
}

}  // namespace saccade
