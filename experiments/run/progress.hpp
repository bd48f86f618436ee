// Progress of a run while it trains, for people and for the sweep that launched it.
//
// The runner reports every batch; a ProgressReporter decides what to show:
//   - launched by `saccade sweep` (SACCADE_PROGRESS_FD names the write end of a pipe): one JSON line
//     (progress_json) per update on that pipe, at most 2 per second but always the epoch_done ones,
//     which the sweep turns into one live line per running job; the permanent per-epoch lines still
//     go to stderr (the sweep sends stderr to the run's log file);
//   - stderr is a terminal: one live line, redrawn in place at most 4 times a second, plus a
//     permanent line per finished epoch;
//   - otherwise (a log file, CI): a plain line per finished epoch, and one every 30 s in long epochs.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace saccade {

struct ProgressUpdate {
  std::string run;                   // the run's name
  std::string policy;                // the policy whose reader is training
  std::size_t policy_index = 0;      // 0-based, of `policies`
  std::size_t policies = 1;
  std::size_t epoch = 1, epochs = 1;  // 1-based epoch
  std::size_t batch = 0, batches = 0;  // batches done in this epoch, of `batches`
  double loss = 0, accuracy = 0, regions = 0;  // running means over the epoch so far
  double val_accuracy = -1;          // last validation accuracy, < 0 if none yet
  double elapsed_seconds = 0;        // since the run started
  double eta_seconds = -1;           // to the end of the whole run (every policy), < 0 if unknown
  bool epoch_done = false;           // this update closes an epoch
};

// Fraction of the whole run done, in [0, 1]: policies, epochs and batches all count, e.g. policy
// index 1 of 4, epoch 2 of 3, batch 5 of 10: (1 + (1 + 5/10) / 3) / 4. An epoch_done update counts
// its epoch as whole.
double progress_fraction(const ProgressUpdate& u);

// One line of JSON (no newline), an object with one key per field of ProgressUpdate, named as the
// field; and back. parse returns nullopt for anything that is not one such object with every field
// of the right type (junk, a cut-off line, another JSON value); extra keys are ignored.
std::string progress_json(const ProgressUpdate& u);
std::optional<ProgressUpdate> parse_progress_json(std::string_view line);

// One human line, no newline, at most `width` characters, e.g.
// "003-budget=4-seed=1  adaptive 1/4  epoch 2/3  8%  loss 1.234  acc 0.712  regions 4.00  ETA 1m05s"
// The percentage is progress_fraction (the whole run, which the ETA is for); "val 0.700" appears
// once a validation accuracy is known. When the line is too long, regions, loss, val and acc are
// dropped (in that order) before the line is cut at the end.
std::string progress_text(const ProgressUpdate& u, std::size_t width = 160);

// "1m05s", "2h03m", "42s"; "?" for a negative (or non-finite) value.
std::string format_duration(double seconds);

class ProgressReporter {
 public:
  // Chooses its mode from the environment (SACCADE_PROGRESS_FD) and whether stderr is a terminal.
  // In pipe mode SIGPIPE is ignored for the whole process, so that a sweep that went away does not
  // kill the run: a failed write (EPIPE or any other error) only stops the JSON lines. The reporter
  // never closes the pipe.
  ProgressReporter();
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Called by the runner after every batch (epoch_done false) and at the end of every epoch
  // (epoch_done true, with val_accuracy). Cheap when it decides to show nothing.
  void update(const ProgressUpdate& u);
  // A permanent line for people (the per-epoch summary), written to stderr in every mode, after
  // clearing the live line if one is shown. `line` has no newline.
  void print_line(const std::string& line);
  // Ends a live line so later output starts on a clean line.
  void finish();

  // True while JSON lines are being written to SACCADE_PROGRESS_FD (false after a write failed).
  bool writing_to_pipe() const { return mode_ == Mode::Pipe && fd_ >= 0; }

 private:
  enum class Mode { Pipe, Terminal, Plain };
  void clear_live_line();
  void write_pipe_line(const std::string& line, bool must_send);

  Mode mode_ = Mode::Plain;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_shown_{};
  bool live_line_open_ = false;
};

}  // namespace saccade
