#include "experiments/sweep/sweep_jobs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/run/progress.hpp"
#include "experiments/run/results_files.hpp"

namespace fs = std::filesystem;

namespace saccade {

namespace {

constexpr int kProgressFd = 3;  // where a run finds the pipe to the sweep (SACCADE_PROGRESS_FD)
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

enum class Status { Pending, Running, Done, Failed, Interrupted };

const char* status_name(Status s) {
  switch (s) {
    case Status::Pending: return "pending";
    case Status::Running: return "running";
    case Status::Done: return "done";
    case Status::Failed: return "failed";
    case Status::Interrupted: return "interrupted";
  }
  return "?";
}

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

// First line where two config texts differ, for the message about a changed sweep.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga || !gb || la != lb) return "line " + std::to_string(line) + ": `" + (ga ? la : "") + "` now `" + (gb ? lb : "") + "`";
  }
}

std::size_t terminal_width() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 120;
}

class Sweep {
 public:
  Sweep(const SweepPlan& plan, const SweepOptions& options) : plan_(plan), o_(options) {
    live_ = ::isatty(STDERR_FILENO) == 1;
    for (const auto& run : plan.runs) {
      Job j;
      j.run = &run;
      j.dir = o_.out_dir + "/" + run.name;
      j.log = j.dir + "/log.txt";
      jobs_.push_back(std::move(j));
    }
  }

  int run() {
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

  // For runs started elsewhere (a Slurm array, Dask workers): every unfinished run's directory made
  // ready as `launch` would, and the manifest written. Returns the indices still to run.
  std::vector<std::size_t> prepare() {
    fs::create_directories(o_.out_dir);
    check_and_mark_finished();
    std::vector<std::size_t> todo;
    for (auto& j : jobs_) {
      if (j.status == Status::Done) continue;
      prepare_dir(j);
      todo.push_back(j.run->index);
    }
    write_manifest();
    gather_results(plan_, o_.out_dir);
    return todo;
  }

  // After runs elsewhere: each run's state read from its directory (done; interrupted: started
  // training; pending), the manifest and results.csv rewritten. 0 when every run has finished.
  int gather() {
    check_and_mark_finished();
    for (auto& j : jobs_)
      if (j.status != Status::Done && fs::exists(j.dir + "/resolved.yaml")) j.status = Status::Interrupted;
    write_manifest();
    gather_results(plan_, o_.out_dir);
    const std::size_t done = count(Status::Done);
    std::cout << "sweep: " << done << "/" << jobs_.size() << " runs finished";
    if (const std::size_t started = count(Status::Interrupted)) std::cout << ", " << started << " started but not finished";
    std::cout << "\nresults: " << o_.out_dir << "/results.csv  manifest: " << o_.out_dir << "/manifest.json\n";
    return done == jobs_.size() ? 0 : 1;
  }

 private:
  std::size_t count(Status s) const {
    return static_cast<std::size_t>(std::count_if(jobs_.begin(), jobs_.end(), [s](const Job& j) { return j.status == s; }));
  }

  // A finished run is kept only if it was made with the same config. An interrupted one with the same
  // config continues from its last epoch checkpoint (`saccade run --resume`); anything else starts again.
  void check_and_mark_finished() {
    std::vector<std::string> conflicts;
    for (auto& j : jobs_) {
      const std::string config = j.run->resolved.to_yaml();
      if (!fs::exists(j.dir + "/config.yaml")) continue;
      const std::string before = read_text_file(j.dir + "/config.yaml", "sweep");
      if (!finished_run(j.dir)) {
        j.resume = before == config && fs::exists(j.dir + "/resolved.yaml");
        continue;
      }
      if (before != config) {
        conflicts.push_back(j.dir + ": finished with a different config (" + first_difference(before, config) + ")");
        continue;
      }
      j.status = Status::Done;
      j.finished_before = true;
    }
    if (!conflicts.empty()) {
      std::string message;
      for (const auto& c : conflicts) message += c + "\n";
      throw ConfigError(message + "the sweep changed since these runs finished: use another --out, or delete those "
                                  "directories to run them again");
    }
  }

  // An interrupted run keeps its directory, to go on where it stopped; any other unfinished attempt is
  // cleared and the run starts from nothing: its config.yaml alone.
  void prepare_dir(const Job& j) {
    if (j.resume) return;
    fs::remove_all(j.dir);
    fs::create_directories(j.dir);
    write_file_atomic(j.dir + "/config.yaml", j.run->resolved.to_yaml(), "sweep");
  }

  void launch(Job& j) {
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

  void read_pipe(Job& j) {
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

  void poll_pipes(int timeout_ms) {
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

  void reap() {
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

  void stop_all() {
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

  // Estimated seconds until every run has finished: running runs report their own ETA; pending
  // ones are assumed to take as long as the average run so far.
  double eta() const {
    double known = 0, remaining = 0;
    std::size_t n = 0;
    for (const auto& j : jobs_) {
      if (j.status == Status::Done && !j.finished_before) known += j.seconds, ++n;
      if (j.status == Status::Running && j.last && j.last->eta_seconds >= 0) {
        known += j.last->elapsed_seconds + j.last->eta_seconds, ++n;
        remaining += j.last->eta_seconds;
      }
    }
    if (n == 0) return -1;
    remaining += static_cast<double>(count(Status::Pending)) * known / static_cast<double>(n);
    return remaining / static_cast<double>(std::max<std::size_t>(1, std::min(o_.jobs, count(Status::Pending) + count(Status::Running))));
  }

  std::string header() const {
    return "sweep " + std::to_string(count(Status::Done)) + "/" + std::to_string(jobs_.size()) + " done, " +
           std::to_string(count(Status::Running)) + " running, " + std::to_string(count(Status::Failed)) +
           " failed  ETA " + format_duration(eta());
  }

  // A terminal gets one live line per running run under a header line, redrawn in place; a log gets
  // each run's finished epochs (read_pipe) and a status line every minute.
  void show() {
    const auto now = Clock::now();
    if (!live_) {
      if (now - last_plain_ < std::chrono::seconds(60)) return;
      last_plain_ = now;
      if (count(Status::Running)) say(header());
      return;
    }
    if (now - last_live_ < std::chrono::milliseconds(250)) return;
    last_live_ = now;
    const std::size_t width = terminal_width() - 1;
    std::string block = header().substr(0, width) + "\x1b[K\n";
    std::size_t lines = 1;
    for (const auto& j : jobs_) {
      if (j.status != Status::Running) continue;
      block += "  " + (j.last ? progress_text(*j.last, width - 2) : j.run->name + "  starting") + "\x1b[K\n";
      ++lines;
    }
    std::string out = live_lines_ ? "\x1b[" + std::to_string(live_lines_) + "F" : "";
    out += block;
    for (std::size_t i = lines; i < live_lines_; ++i) out += "\x1b[2K\n";  // rows left over from a longer block
    if (lines < live_lines_) out += "\x1b[" + std::to_string(live_lines_ - lines) + "F";
    std::cerr << out << std::flush;
    live_lines_ = lines;
  }

  void clear_live() {
    if (!live_ || live_lines_ == 0) return;
    std::cerr << "\x1b[" << live_lines_ << "F\x1b[J" << std::flush;
    live_lines_ = 0;
  }

  // A permanent line: above the live block on a terminal.
  void say(const std::string& line) {
    clear_live();
    std::cerr << line << "\n" << std::flush;
  }

  void write_manifest() const {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& j : jobs_) {
      nlohmann::json swept = nlohmann::json::object();
      for (const auto& [k, v] : j.run->swept) swept[k] = v;
      nlohmann::json r = {{"index", j.run->index}, {"name", j.run->name}, {"dir", j.dir}, {"status", status_name(j.status)},
                          {"swept", swept}, {"log", j.log}};
      if (j.status == Status::Done && !j.finished_before) r["seconds"] = j.seconds;
      if (j.status == Status::Failed) r["failure"] = j.failure;
      if (j.status == Status::Running) r["pid"] = j.pid;
      runs.push_back(std::move(r));
    }
    nlohmann::json counts = nlohmann::json::object();
    for (Status s : {Status::Pending, Status::Running, Status::Done, Status::Failed, Status::Interrupted})
      counts[status_name(s)] = count(s);
    const nlohmann::json manifest = {{"sweep", o_.sweep_file}, {"out", o_.out_dir}, {"swept_keys", plan_.swept_keys},
                                     {"counts", counts}, {"runs", runs}};
    write_file_atomic(o_.out_dir + "/manifest.json", manifest.dump(2) + "\n", "sweep manifest");
  }

  int summary() {
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

  const SweepPlan& plan_;
  SweepOptions o_;
  std::vector<Job> jobs_;
  bool live_ = false;
  std::size_t live_lines_ = 0;
  Clock::time_point start_{}, last_live_{}, last_plain_{};
};

}  // namespace

void gather_results(const SweepPlan& plan, const std::string& out_dir) {
  CsvTable all;
  std::vector<std::string> extra;  // swept keys, seed already being a column
  for (const auto& k : plan.swept_keys)
    if (k != "seed") extra.push_back(k);
  all.header = parse_csv(std::string(kResultsHeader) + "\n", "kResultsHeader").header;
  all.header.insert(all.header.end(), extra.begin(), extra.end());
  for (const auto& run : plan.runs) {
    const std::string dir = out_dir + "/" + run.name;
    if (!finished_run(dir)) continue;
    const CsvTable rows = read_csv(dir + "/results.csv");
    for (const auto& row : rows.rows) {
      std::vector<std::string> out;
      for (std::size_t c = 0; c + extra.size() < all.header.size(); ++c) {
        const int at = rows.column(all.header[c]);
        out.push_back(at >= 0 ? row[static_cast<std::size_t>(at)] : "");
      }
      for (const auto& k : extra) {
        auto it = std::find_if(run.swept.begin(), run.swept.end(), [&](const auto& kv) { return kv.first == k; });
        out.push_back(it == run.swept.end() ? "" : it->second);
      }
      all.rows.push_back(std::move(out));
    }
  }
  write_file_atomic(out_dir + "/results.csv", to_csv(all), "gather_results");
}

int run_sweep(const SweepPlan& plan, const SweepOptions& options) {
  SweepOptions o = options;
  o.jobs = std::max<std::size_t>(1, o.jobs);
  return Sweep(plan, o).run();
}

std::vector<std::size_t> prepare_sweep(const SweepPlan& plan, const SweepOptions& options) {
  return Sweep(plan, options).prepare();
}

int gather_sweep(const SweepPlan& plan, const SweepOptions& options) { return Sweep(plan, options).gather(); }

}  // namespace saccade
