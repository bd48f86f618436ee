// What is seen while a local sweep runs (sweep_jobs.cpp). A terminal gets a header line (counts and
// ETA) and one live line per running run, redrawn in place, with permanent lines (`say`) printed
// above them; a log gets each run's finished epochs and a status line every minute.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "experiments/run/progress.hpp"
#include "experiments/sweep/sweep_jobs_impl.hpp"

namespace saccade::sweep_jobs {

namespace {

std::size_t terminal_width() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 120;
}

}  // namespace

// Estimated seconds until every run has finished: running runs report their own ETA; pending
// ones are assumed to take as long as the average run so far.
double Sweep::eta() const {
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

std::string Sweep::header() const {
  return "sweep " + std::to_string(count(Status::Done)) + "/" + std::to_string(jobs_.size()) + " done, " +
         std::to_string(count(Status::Running)) + " running, " + std::to_string(count(Status::Failed)) +
         " failed  ETA " + format_duration(eta());
}

// A terminal gets one live line per running run under a header line, redrawn in place; a log gets
// each run's finished epochs (read_pipe) and a status line every minute.
void Sweep::show() {
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

void Sweep::clear_live() {
  if (!live_ || live_lines_ == 0) return;
  std::cerr << "\x1b[" << live_lines_ << "F\x1b[J" << std::flush;
  live_lines_ = 0;
}

// A permanent line: above the live block on a terminal.
void Sweep::say(const std::string& line) {
  clear_live();
  std::cerr << line << "\n" << std::flush;
}

}  // namespace saccade::sweep_jobs
