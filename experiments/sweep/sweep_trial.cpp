#include "experiments/sweep/sweep_trial.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "experiments/config/config.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/tasks/tasks.hpp"

namespace fs = std::filesystem;

namespace saccade {

namespace {

// The name of run `trial` in OUT/manifest.json.
std::string run_name(const std::string& sweep_dir, std::size_t trial) {
  const std::string path = sweep_dir + "/manifest.json";
  if (!fs::exists(path))
    throw ConfigError("run --sweep " + sweep_dir + ": no " + path + " (make the sweep ready first: saccade sweep CONFIG --out " +
                      sweep_dir + " --emit slurm, or --backend dask)");
  const auto manifest = nlohmann::json::parse(read_text_file(path, "run --sweep"), nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object() || !manifest.contains("runs") || !manifest["runs"].is_array())
    throw ConfigError(path + ": not a sweep manifest (no list of runs)");
  const auto& runs = manifest["runs"];
  for (const auto& r : runs)
    if (r.value("index", std::size_t{0}) == trial && r.contains("name")) return r["name"].get<std::string>();
  throw ConfigError("run --sweep " + sweep_dir + " --trial " + std::to_string(trial) + ": the sweep has runs 0 to " +
                    std::to_string(runs.size() - 1));
}

// Waits for (and then holds, until this process ends) the lock of the run's directory.
void lock_run_dir(const std::string& dir) {
  const std::string path = dir + "/.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return;
  std::fprintf(stderr, "waiting for an earlier attempt at %s to end\n", dir.c_str());
  if (::flock(fd, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
}

// Ends the process when its parent is gone (it has been re-parented): a Dask worker or Slurm step
// that died must not leave its run writing on.
void end_with_parent() {
  const pid_t parent = ::getppid();
  std::thread([parent] {
    while (::getppid() == parent) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::_Exit(137);
  }).detach();
}

}  // namespace

int run_sweep_trial(const std::string& sweep_dir, std::size_t trial) {
  const std::string name = run_name(sweep_dir, trial);
  const std::string dir = sweep_dir + "/" + name;
  if (!fs::exists(dir + "/config.yaml"))
    throw ConfigError("run --sweep: no " + dir + "/config.yaml (make the sweep ready first: saccade sweep CONFIG --out " +
                      sweep_dir + " --emit slurm)");
  end_with_parent();
  lock_run_dir(dir);
  if (finished_run(dir)) {
    std::fprintf(stderr, "trial %zu: %s finished already\n", trial, name.c_str());
    return 0;
  }
  const bool resume = fs::exists(dir + "/resolved.yaml");
  std::fprintf(stderr, "trial %zu: %s %s, log: %s/log.txt\n", trial, resume ? "resuming" : "running", name.c_str(), dir.c_str());
  std::fflush(stderr);
  // From here on the output goes where a local sweep puts it.
  const std::string log = dir + "/log.txt";
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log + ": " + std::strerror(errno));
  std::fflush(stdout);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  ::close(log_fd);
  try {
    const Config resolved = run_dir_config(dir, resume ? "resolved.yaml" : "config.yaml");
    check_task_config(resolved);
    const int status = run_task(resolved, resume);
    std::fflush(stdout);
    return status;
  } catch (const std::exception& e) {  // into the log, where the run's other lines are
    std::cerr << "saccade: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace saccade
