// Private to experiments/sweep/: the `Sweep` class behind sweep_jobs.hpp, shared by the three files
// that implement it, one idea each:
//   sweep_jobs.cpp      the runs as child processes here: the loop, launching, pipes, reaping, stopping
//   sweep_live.cpp      what a terminal or a log sees while they run: live lines, ETA, status lines
//   sweep_manifest.cpp  the sweep directory: finished runs, run directories, manifest.json, results.csv
// Nothing outside experiments/sweep/ includes it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "experiments/run/progress.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/sweep/sweep_jobs.hpp"

namespace saccade::sweep_jobs {

using Clock = std::chrono::steady_clock;

enum class Status { Pending, Running, Done, Failed, Interrupted };

const char* status_name(Status s);

struct Job {
  const SweepRun* run = nullptr;
  std::string dir, log;
  Status status = Status::Pending;
  bool finished_before = false;  // done in an earlier invocation: skipped
  pid_t pid = -1;
  int pipe_fd = -1;
  std::string pipe_buffer;       // a partial line read from the pipe
  std::optional<ProgressUpdate> last;
  Clock::time_point started{};
  double seconds = 0;
  std::string failure;           // "exit status 1", "killed by signal 9"
  bool resume = false;           // interrupted earlier with this config: continue it (saccade run --resume)
};

class Sweep {
 public:
  Sweep(const SweepPlan& plan, const SweepOptions& options);

  int run();  // sweep_jobs.cpp

  // For runs started elsewhere (a Slurm array, Dask workers): every unfinished run's directory made
  // ready as `launch` would, and the manifest written. Returns the indices still to run.
  std::vector<std::size_t> prepare();

  // After runs elsewhere: each run's state read from its directory (done; interrupted: started
  // training; pending), the manifest and results.csv rewritten. 0 when every run has finished.
  int gather();

 private:
  std::size_t count(Status s) const;

  // sweep_manifest.cpp
  void check_and_mark_finished();
  void prepare_dir(const Job& j);
  void write_manifest() const;

  // sweep_jobs.cpp
  void launch(Job& j);
  void read_pipe(Job& j);
  void poll_pipes(int timeout_ms);
  void reap();
  void stop_all();
  int summary();

  // sweep_live.cpp
  double eta() const;
  std::string header() const;
  void show();
  void clear_live();
  void say(const std::string& line);

  const SweepPlan& plan_;
  SweepOptions o_;
  std::vector<Job> jobs_;
  bool live_ = false;
  std::size_t live_lines_ = 0;
  Clock::time_point start_{}, last_live_{}, last_plain_{};
};

}  // namespace saccade::sweep_jobs
