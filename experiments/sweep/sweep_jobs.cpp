// The local backend: a sweep's runs as child processes of this one, N at once (run_sweep). The loop
// launches pending runs, reads their progress pipes, reaps the ones that ended and, on SIGINT or
// SIGTERM, stops the rest so that re-running the same command resumes them. The Sweep class is in
// sweep_jobs_impl.hpp; its live display is sweep_live.cpp, its manifest and results sweep_manifest.cpp.
#include "experiments/sweep/sweep_jobs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "experiments/run/progress.hpp"
#include "experiments/run/results_files.hpp"
#include "experiments/sweep/sweep_jobs_impl.hpp"

namespace fs = std::filesystem;

namespace saccade {

namespace sweep_jobs {

namespace {

constexpr int kProgressFd = 3;  // where a run finds the pipe to the sweep (SACCADE_PROGRESS_FD)

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

}  // namespace

int Sweep::run() {
  fs::create_directories(o_.out_dir);
  check_and_mark_finished();
  write_manifest();
  gather_results(plan_, o_.out_dir);
  const std::size_t skipped = count(Status::Done);
  say("sweep: " + std::to_string(jobs_.size()) + " runs in " + o_.out_dir + ", " + std::to_string(o_.jobs) +
      " at once" + (skipped ? ", " + std::to_string(skipped) + " already finished (skipped)" : ""));

  struct sigaction sa{}, old_int{}, old_term{};
  sa.sa_handler = on_signal;
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  g_interrupted = 0;
  start_ = Clock::now();

  while (!g_interrupted && (count(Status::Pending) > 0 || count(Status::Running) > 0)) {
    for (auto& j : jobs_) {
      if (count(Status::Running) >= o_.jobs) break;
      if (j.status == Status::Pending) launch(j);
    }
    poll_pipes(250);
    reap();
    show();
  }
  if (g_interrupted) stop_all();
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  clear_live();
  return summary();
}

void Sweep::launch(Job& j) {
  prepare_dir(j);  // an interrupted run's log is appended to
  const std::string config_path = j.dir + "/config.yaml";
  const int log_fd = ::open(j.log.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (j.resume ? O_APPEND : O_TRUNC), 0644);
  if (log_fd < 0) throw std::runtime_error("sweep: cannot open " + j.log + ": " + std::strerror(errno));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("sweep: pipe: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  const std::string argv0 = o_.executable;
  const char* run_argv[] = {argv0.c_str(), "run", config_path.c_str(), nullptr};
  const char* resume_argv[] = {argv0.c_str(), "run", "--resume", j.dir.c_str(), nullptr};
  const char** argv = j.resume ? resume_argv : run_argv;
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("sweep: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // The child: dies with the sweep, writes to its log, reports progress on fd 3.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (fds[1] == kProgressFd) ::fcntl(kProgressFd, F_SETFD, 0);
    else ::dup2(fds[1], kProgressFd);
    ::setenv("SACCADE_PROGRESS_FD", std::to_string(kProgressFd).c_str(), 1);  // the sweep is single-threaded
    ::execv(argv[0], const_cast<char* const*>(argv));
    const std::string msg = std::string("sweep: cannot start ") + argv[0] + ": " + std::strerror(errno) + "\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  j.pid = pid;
  j.pipe_fd = fds[0];
  j.status = Status::Running;
  j.started = Clock::now();
  j.last.reset();
  if (!live_) say((j.resume ? "resume " : "start ") + j.run->name + "  (log: " + j.log + ")");
  write_manifest();
}

void Sweep::read_pipe(Job& j) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(j.pipe_fd, buf, sizeof buf);
    if (n <= 0) break;
    j.pipe_buffer.append(buf, static_cast<std::size_t>(n));
  }
  for (std::size_t nl; (nl = j.pipe_buffer.find('\n')) != std::string::npos;) {
    if (auto u = parse_progress_json(std::string_view(j.pipe_buffer).substr(0, nl))) {
      u->run = j.run->name;
      if (!live_ && u->epoch_done) say(progress_text(*u));
      j.last = std::move(u);
    }
    j.pipe_buffer.erase(0, nl + 1);
  }
}

void Sweep::poll_pipes(int timeout_ms) {
  std::vector<pollfd> fds;
  std::vector<Job*> owners;
  for (auto& j : jobs_) {
    if (j.status == Status::Running && j.pipe_fd >= 0) {
      fds.push_back({j.pipe_fd, POLLIN, 0});
      owners.push_back(&j);
    }
  }
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;  // timeout, or EINTR from a signal
  for (std::size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents) read_pipe(*owners[i]);
}

void Sweep::reap() {
  int status = 0;
  for (pid_t pid; (pid = ::waitpid(-1, &status, WNOHANG)) > 0;) {
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [pid](const Job& j) { return j.pid == pid; });
    if (it == jobs_.end()) continue;
    Job& j = *it;
    read_pipe(j);
    ::close(j.pipe_fd);
    j.pipe_fd = -1;
    j.pid = -1;
    j.seconds = std::chrono::duration<double>(Clock::now() - j.started).count();
    const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (exited_ok && finished_run(j.dir)) {
      j.status = Status::Done;
      gather_results(plan_, o_.out_dir);
      say("done   " + j.run->name + "  in " + format_duration(j.seconds) + "  (" + std::to_string(count(Status::Done)) +
          "/" + std::to_string(jobs_.size()) + ")");
    } else if (g_interrupted) {
      j.status = Status::Interrupted;
    } else {
      j.status = Status::Failed;
      j.failure = WIFEXITED(status)  ? (exited_ok ? "exited 0 without writing status.json"
                                                  : "exit status " + std::to_string(WEXITSTATUS(status)))
                  : WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                        : "ended abnormally";
      say("FAILED " + j.run->name + "  (" + j.failure + "); see " + j.log);
    }
    write_manifest();
  }
}

void Sweep::stop_all() {
  for (auto& j : jobs_)
    if (j.status == Status::Running && j.pid > 0) ::kill(j.pid, SIGTERM);
  for (auto& j : jobs_) {
    if (j.status != Status::Running || j.pid <= 0) continue;
    int status = 0;
    ::waitpid(j.pid, &status, 0);
    if (j.pipe_fd >= 0) ::close(j.pipe_fd);
    j.pid = -1;
    j.pipe_fd = -1;
    j.status = finished_run(j.dir) ? Status::Done : Status::Interrupted;
  }
  gather_results(plan_, o_.out_dir);
  write_manifest();
  clear_live();
  say("interrupted: re-run the same command to resume");
}

int Sweep::summary() {
  const std::size_t done = count(Status::Done), failed = count(Status::Failed);
  std::cout << "\nsweep: " << done << "/" << jobs_.size() << " runs finished";
  if (failed) std::cout << ", " << failed << " failed";
  std::cout << "  (" << format_duration(std::chrono::duration<double>(Clock::now() - start_).count()) << ")\n";
  for (const auto& j : jobs_)
    if (j.status == Status::Failed) std::cout << "  failed: " << j.run->name << " (" << j.failure << "), log: " << j.log << "\n";
  std::cout << "results: " << o_.out_dir << "/results.csv  manifest: " << o_.out_dir << "/manifest.json\n";
  if (g_interrupted) return 130;
  if (failed) return 1;
  std::cout << "report:  saccade report " << o_.out_dir << "\n";
  return 0;
}

}  // namespace sweep_jobs

int run_sweep(const SweepPlan& plan, const SweepOptions& options) {
  SweepOptions o = options;
  o.jobs = std::max<std::size_t>(1, o.jobs);
  return sweep_jobs::Sweep(plan, o).run();
}

}  // namespace saccade
