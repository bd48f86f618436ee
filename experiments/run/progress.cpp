#include "experiments/run/progress.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

namespace saccade {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPipeInterval = std::chrono::milliseconds(500);     // at most 2 JSON lines a second
constexpr auto kTerminalInterval = std::chrono::milliseconds(250);  // live line at most 4 Hz
constexpr auto kPlainInterval = std::chrono::seconds(30);           // a line every 30 s in long epochs
constexpr std::size_t kDefaultWidth = 160;

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Cuts `s` to at most `width` bytes without splitting a UTF-8 sequence.
std::string cut(std::string s, std::size_t width) {
  if (s.size() <= width) return s;
  std::size_t n = width;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

std::size_t terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col - 1u;  // no wrap
  return kDefaultWidth;
}

void write_stderr(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

// The fd named by SACCADE_PROGRESS_FD if it is open for writing, else -1 (with a warning if set).
int progress_fd_from_env() {
  const char* v = std::getenv("SACCADE_PROGRESS_FD");
  if (!v || !*v) return -1;
  char* end = nullptr;
  errno = 0;
  const long fd = std::strtol(v, &end, 10);
  bool ok = errno == 0 && end && *end == '\0' && fd >= 0 && fd <= 1 << 20;
  if (ok) {
    const int flags = fcntl(static_cast<int>(fd), F_GETFL);
    ok = flags != -1 && (flags & O_ACCMODE) != O_RDONLY;
  }
  if (!ok) {
    std::fprintf(stderr, "warning: SACCADE_PROGRESS_FD=%s is not a file descriptor open for writing; "
                         "progress goes to stderr\n", v);
    return -1;
  }
  return static_cast<int>(fd);
}

bool get_size(const nlohmann::json& j, const char* key, std::size_t& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  out = it->get<std::size_t>();
  return true;
}

// A number, or null (what nlohmann writes for NaN and infinities), read back as NaN.
bool get_double(const nlohmann::json& j, const char* key, double& out) {
  const auto it = j.find(key);
  if (it == j.end()) return false;
  if (it->is_null()) {
    out = std::nan("");
    return true;
  }
  if (!it->is_number()) return false;
  out = it->get<double>();
  return true;
}

bool get_string(const nlohmann::json& j, const char* key, std::string& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

}  // namespace

double progress_fraction(const ProgressUpdate& u) {
  const double policies = static_cast<double>(std::max<std::size_t>(u.policies, 1));
  const std::size_t epochs = std::max<std::size_t>(u.epochs, 1);
  const double in_epoch = u.epoch_done ? 1.0
                          : u.batches  ? std::min(1.0, static_cast<double>(u.batch) / static_cast<double>(u.batches))
                                       : 0.0;
  const double epochs_done = static_cast<double>(std::clamp<std::size_t>(u.epoch, 1, epochs) - 1) + in_epoch;
  const double policy_done = epochs_done / static_cast<double>(epochs);
  const double f = (static_cast<double>(std::min<std::size_t>(u.policy_index, u.policies)) + policy_done) / policies;
  return std::clamp(f, 0.0, 1.0);
}

std::string progress_json(const ProgressUpdate& u) {
  const nlohmann::json j = {{"run", u.run},
                            {"policy", u.policy},
                            {"policy_index", u.policy_index},
                            {"policies", u.policies},
                            {"epoch", u.epoch},
                            {"epochs", u.epochs},
                            {"batch", u.batch},
                            {"batches", u.batches},
                            {"loss", u.loss},
                            {"accuracy", u.accuracy},
                            {"regions", u.regions},
                            {"val_accuracy", u.val_accuracy},
                            {"elapsed_seconds", u.elapsed_seconds},
                            {"eta_seconds", u.eta_seconds},
                            {"epoch_done", u.epoch_done}};
  // Invalid UTF-8 in a name must not throw in the middle of a run; control characters are escaped,
  // so the line never contains a newline.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<ProgressUpdate> parse_progress_json(std::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  ProgressUpdate u;
  const auto done = j.find("epoch_done");
  const bool ok = get_string(j, "run", u.run) && get_string(j, "policy", u.policy) &&
                  get_size(j, "policy_index", u.policy_index) && get_size(j, "policies", u.policies) &&
                  get_size(j, "epoch", u.epoch) && get_size(j, "epochs", u.epochs) && get_size(j, "batch", u.batch) &&
                  get_size(j, "batches", u.batches) && get_double(j, "loss", u.loss) &&
                  get_double(j, "accuracy", u.accuracy) && get_double(j, "regions", u.regions) &&
                  get_double(j, "val_accuracy", u.val_accuracy) &&
                  get_double(j, "elapsed_seconds", u.elapsed_seconds) &&
                  get_double(j, "eta_seconds", u.eta_seconds) && done != j.end() && done->is_boolean();
  if (!ok) return std::nullopt;
  u.epoch_done = done->get<bool>();
  return u;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(std::min(seconds, 1e9));
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string progress_text(const ProgressUpdate& u, std::size_t width) {
  struct Piece {
    std::string text;
    int drop_order;  // 0: always kept; otherwise dropped first when smaller
  };
  std::vector<Piece> pieces;
  if (!u.run.empty()) pieces.push_back({u.run, 0});
  pieces.push_back({u.policy + " " + std::to_string(u.policy_index + 1) + "/" + std::to_string(u.policies), 0});
  pieces.push_back({"epoch " + std::to_string(u.epoch) + "/" + std::to_string(u.epochs), 0});
  pieces.push_back({std::to_string(static_cast<int>(std::floor(progress_fraction(u) * 100.0))) + "%", 0});
  pieces.push_back({"loss " + format("%.3f", u.loss), 2});
  pieces.push_back({"acc " + format("%.3f", u.accuracy), 4});
  pieces.push_back({"regions " + format("%.2f", u.regions), 1});
  if (u.val_accuracy >= 0) pieces.push_back({"val " + format("%.3f", u.val_accuracy), 3});
  pieces.push_back({"ETA " + format_duration(u.eta_seconds), 0});

  const auto join = [&] {
    std::string s;
    for (const auto& p : pieces) {
      if (!s.empty()) s += "  ";
      s += p.text;
    }
    return s;
  };
  std::string line = join();
  for (int order = 1; line.size() > width && order <= 4; ++order) {
    std::erase_if(pieces, [order](const Piece& p) { return p.drop_order == order; });
    line = join();
  }
  return cut(std::move(line), width);
}

ProgressReporter::ProgressReporter() {
  fd_ = progress_fd_from_env();
  if (fd_ >= 0) {
    mode_ = Mode::Pipe;
    // A sweep that went away must not kill the run: write() then fails with EPIPE instead.
    std::signal(SIGPIPE, SIG_IGN);
  } else if (isatty(STDERR_FILENO)) {
    mode_ = Mode::Terminal;
  } else {
    mode_ = Mode::Plain;
    last_shown_ = Clock::now();  // the first 30 s line comes 30 s into the run
  }
}

ProgressReporter::~ProgressReporter() { finish(); }

void ProgressReporter::write_pipe_line(const std::string& line, bool must_send) {
  if (fd_ < 0) return;
  if (!must_send) {
    // A sweep that is slow to read must not stall training: skip a routine update when the pipe is full.
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
        std::fprintf(stderr, "note: progress pipe (fd %d) is closed; the run goes on without it\n", fd_);
        fd_ = -1;
      }
      return;
    }
  }
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) {
      const int err = errno;
      std::fprintf(stderr, "note: progress pipe (fd %d) failed (%s); the run goes on without it\n", fd_,
                   std::strerror(err));
      fd_ = -1;
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

void ProgressReporter::update(const ProgressUpdate& u) {
  const auto now = Clock::now();
  switch (mode_) {
    case Mode::Pipe:
      if (fd_ < 0) return;
      if (!u.epoch_done && now - last_shown_ < kPipeInterval) return;
      write_pipe_line(progress_json(u), u.epoch_done);
      last_shown_ = now;
      return;
    case Mode::Terminal:
      if (u.epoch_done) {
        clear_live_line();  // the permanent epoch line follows
        return;
      }
      if (live_line_open_ && now - last_shown_ < kTerminalInterval) return;
      write_stderr("\r" + progress_text(u, terminal_width()) + "\x1b[K");
      live_line_open_ = true;
      last_shown_ = now;
      return;
    case Mode::Plain:
      if (u.epoch_done || now - last_shown_ < kPlainInterval) return;
      write_stderr(progress_text(u, kDefaultWidth) + "\n");
      last_shown_ = now;
      return;
  }
}

void ProgressReporter::print_line(const std::string& line) {
  clear_live_line();
  write_stderr(line + "\n");
  if (mode_ == Mode::Plain) last_shown_ = Clock::now();
}

void ProgressReporter::clear_live_line() {
  if (!live_line_open_) return;
  write_stderr("\r\x1b[K");
  live_line_open_ = false;
}

void ProgressReporter::finish() { clear_live_line(); }

}  // namespace saccade
