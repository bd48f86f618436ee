// Progress lines: the JSON the sweep reads back, the fraction and ETA text people read, and the
// pipe mode of ProgressReporter (throttled, epoch ends always sent, a closed pipe never fatal).
#define BOOST_TEST_MODULE test_progress
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/run/progress.hpp"

using saccade::ProgressUpdate;

namespace {

ProgressUpdate sample() {
  ProgressUpdate u;
  u.run = "003-budget=4-seed=1";
  u.policy = "adaptive";
  u.policy_index = 1;
  u.policies = 4;
  u.epoch = 2;
  u.epochs = 3;
  u.batch = 5;
  u.batches = 10;
  u.loss = 1.234;
  u.accuracy = 0.712;
  u.regions = 4.0;
  u.val_accuracy = 0.7;
  u.elapsed_seconds = 12.5;
  u.eta_seconds = 65;
  u.epoch_done = true;
  return u;
}

// Points SACCADE_PROGRESS_FD at the write end of a fresh pipe for the life of the object.
struct ProgressPipe {
  int fds[2] = {-1, -1};
  ProgressPipe() {
    BOOST_REQUIRE_EQUAL(pipe(fds), 0);
    setenv("SACCADE_PROGRESS_FD", std::to_string(fds[1]).c_str(), 1);
  }
  ~ProgressPipe() {
    unsetenv("SACCADE_PROGRESS_FD");
    close_read();
    close_write();
  }
  void close_read() {
    if (fds[0] >= 0) close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) close(fds[1]);
    fds[1] = -1;
  }
  // Everything written so far, split into lines (closes the write end to see the end of it).
  std::vector<std::string> lines() {
    close_write();
    std::string all;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) all.append(buf, static_cast<std::size_t>(n));
    std::vector<std::string> out;
    std::istringstream in(all);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    BOOST_CHECK(all.empty() || all.back() == '\n');
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_every_field) {
  const ProgressUpdate u = sample();
  const std::string line = saccade::progress_json(u);
  BOOST_CHECK(line.find('\n') == std::string::npos);
  const auto back = saccade::parse_progress_json(line);
  BOOST_REQUIRE(back);
  BOOST_CHECK_EQUAL(back->run, u.run);
  BOOST_CHECK_EQUAL(back->policy, u.policy);
  BOOST_CHECK_EQUAL(back->policy_index, u.policy_index);
  BOOST_CHECK_EQUAL(back->policies, u.policies);
  BOOST_CHECK_EQUAL(back->epoch, u.epoch);
  BOOST_CHECK_EQUAL(back->epochs, u.epochs);
  BOOST_CHECK_EQUAL(back->batch, u.batch);
  BOOST_CHECK_EQUAL(back->batches, u.batches);
  BOOST_CHECK_EQUAL(back->loss, u.loss);
  BOOST_CHECK_EQUAL(back->accuracy, u.accuracy);
  BOOST_CHECK_EQUAL(back->regions, u.regions);
  BOOST_CHECK_EQUAL(back->val_accuracy, u.val_accuracy);
  BOOST_CHECK_EQUAL(back->elapsed_seconds, u.elapsed_seconds);
  BOOST_CHECK_EQUAL(back->eta_seconds, u.eta_seconds);
  BOOST_CHECK_EQUAL(back->epoch_done, u.epoch_done);

  // The defaults (no validation yet, unknown ETA, mid-epoch) survive too.
  ProgressUpdate d;
  d.run = "name with \"quotes\"\nand a newline";
  const std::string dl = saccade::progress_json(d);
  BOOST_CHECK(dl.find('\n') == std::string::npos);
  const auto db = saccade::parse_progress_json(dl);
  BOOST_REQUIRE(db);
  BOOST_CHECK_EQUAL(db->run, d.run);
  BOOST_CHECK_EQUAL(db->val_accuracy, -1.0);
  BOOST_CHECK_EQUAL(db->eta_seconds, -1.0);
  BOOST_CHECK(!db->epoch_done);

  // A NaN loss (what a diverging run reports last) comes back as NaN, not as a rejected line.
  d.loss = std::nan("");
  const auto nb = saccade::parse_progress_json(saccade::progress_json(d));
  BOOST_REQUIRE(nb);
  BOOST_CHECK(std::isnan(nb->loss));
}

BOOST_AUTO_TEST_CASE(parse_rejects_anything_else) {
  const std::string good = saccade::progress_json(sample());
  BOOST_CHECK(saccade::parse_progress_json(good + "\n"));  // a trailing newline is fine
  for (const std::string& bad : {std::string(), std::string("hello"), std::string("epoch 2/3"), std::string("[1,2]"),
                                std::string("42"), std::string("{}"), std::string("null"),
                                good.substr(0, good.size() / 2), good.substr(0, good.size() - 1), good + "x",
                                good + good}) {
    BOOST_TEST_CONTEXT("line: " << bad) { BOOST_CHECK(!saccade::parse_progress_json(bad)); }
  }
  // A missing field or a field of the wrong type.
  std::string missing = good;
  missing.replace(missing.find("\"epochs\""), 8, "\"epochz\"");
  BOOST_CHECK(!saccade::parse_progress_json(missing));
  std::string wrong = good;
  const auto at = wrong.find("\"epoch\":2");
  BOOST_REQUIRE(at != std::string::npos);
  wrong.replace(at, 9, "\"epoch\":\"2\"");
  BOOST_CHECK(!saccade::parse_progress_json(wrong));
  std::string negative = good;
  negative.replace(at, 9, "\"epoch\":-2");
  BOOST_CHECK(!saccade::parse_progress_json(negative));
}

BOOST_AUTO_TEST_CASE(fraction_at_hand_computed_points) {
  ProgressUpdate u = sample();
  u.epoch_done = false;
  BOOST_CHECK_CLOSE(saccade::progress_fraction(u), (1 + (1 + 0.5) / 3) / 4, 1e-9);
  u.epoch_done = true;  // the epoch counts whole
  BOOST_CHECK_CLOSE(saccade::progress_fraction(u), (1 + 2.0 / 3) / 4, 1e-9);

  ProgressUpdate start;  // policy 0 of 1, epoch 1 of 1, nothing done
  BOOST_CHECK_EQUAL(saccade::progress_fraction(start), 0.0);
  ProgressUpdate last = sample();  // last policy, last epoch, done
  last.policy_index = 3;
  last.epoch = 3;
  BOOST_CHECK_CLOSE(saccade::progress_fraction(last), 1.0, 1e-9);
  last.batches = 0;  // unknown batch count: the epoch's share is 0 until it is done
  last.epoch_done = false;
  BOOST_CHECK_CLOSE(saccade::progress_fraction(last), (3 + 2.0 / 3) / 4, 1e-9);

  ProgressUpdate odd;  // out-of-range numbers stay in [0, 1]
  odd.policies = 0;
  odd.epochs = 0;
  odd.epoch = 7;
  odd.batch = 20;
  odd.batches = 10;
  odd.policy_index = 5;
  const double f = saccade::progress_fraction(odd);
  BOOST_CHECK(f >= 0.0 && f <= 1.0);
}

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_CHECK_EQUAL(saccade::format_duration(0), "0s");
  BOOST_CHECK_EQUAL(saccade::format_duration(42), "42s");
  BOOST_CHECK_EQUAL(saccade::format_duration(42.4), "42s");
  BOOST_CHECK_EQUAL(saccade::format_duration(59.6), "1m00s");
  BOOST_CHECK_EQUAL(saccade::format_duration(65), "1m05s");
  BOOST_CHECK_EQUAL(saccade::format_duration(3599), "59m59s");
  BOOST_CHECK_EQUAL(saccade::format_duration(3600), "1h00m");
  BOOST_CHECK_EQUAL(saccade::format_duration(2 * 3600 + 3 * 60 + 59), "2h03m");
  BOOST_CHECK_EQUAL(saccade::format_duration(30 * 3600), "30h00m");
  BOOST_CHECK_EQUAL(saccade::format_duration(-1), "?");
  BOOST_CHECK_EQUAL(saccade::format_duration(std::nan("")), "?");
  BOOST_CHECK_EQUAL(saccade::format_duration(HUGE_VAL), "?");
}

BOOST_AUTO_TEST_CASE(text_names_the_run_and_fits_the_width) {
  ProgressUpdate u = sample();
  u.epoch_done = false;
  const std::string t = saccade::progress_text(u);
  BOOST_TEST_MESSAGE(t);
  for (const char* part : {"003-budget=4-seed=1", "adaptive 2/4", "epoch 2/3", "37%", "loss 1.234", "acc 0.712",
                           "regions 4.00", "val 0.700", "ETA 1m05s"}) {
    BOOST_TEST_CONTEXT(part) { BOOST_CHECK(t.find(part) != std::string::npos); }
  }
  BOOST_CHECK(t.find('\n') == std::string::npos);

  // No validation accuracy yet: no "val".
  u.val_accuracy = -1;
  BOOST_CHECK(saccade::progress_text(u).find("val") == std::string::npos);
  u.val_accuracy = 0.7;

  // Narrower: the metrics go before the run, policy, epoch and ETA do.
  const std::string narrow = saccade::progress_text(u, 60);
  BOOST_TEST_MESSAGE(narrow);
  BOOST_CHECK_LE(narrow.size(), 60u);
  for (const char* part : {"003-budget=4-seed=1", "adaptive 2/4", "epoch 2/3", "ETA 1m05s"}) {
    BOOST_TEST_CONTEXT(part) { BOOST_CHECK(narrow.find(part) != std::string::npos); }
  }
  for (std::size_t w : {0u, 1u, 10u, 30u, 59u, 80u, 200u}) {
    BOOST_TEST_CONTEXT("width " << w) { BOOST_CHECK_LE(saccade::progress_text(u, w).size(), w); }
  }
  // A cut never splits a UTF-8 character.
  u.run = "r\xC3\xA9sum\xC3\xA9";
  for (std::size_t w = 0; w < 12; ++w) {
    const std::string c = saccade::progress_text(u, w);
    BOOST_CHECK(c.empty() || (static_cast<unsigned char>(c.back()) & 0xC0) != 0xC0);
  }
}

BOOST_AUTO_TEST_CASE(pipe_mode_writes_throttled_json_lines) {
  ProgressPipe p;
  {
    saccade::ProgressReporter reporter;
    BOOST_REQUIRE(reporter.writing_to_pipe());
    ProgressUpdate u = sample();
    u.epoch_done = false;
    for (std::size_t b = 1; b <= 10; ++b) {  // ten batches in a burst: only the first gets through
      u.batch = b;
      reporter.update(u);
    }
    u.epoch_done = true;  // the epoch's end always does
    u.val_accuracy = 0.75;
    reporter.update(u);
    reporter.print_line("[adaptive] epoch 2/3  (plain line on stderr)");
    BOOST_CHECK(reporter.writing_to_pipe());
  }
  const std::vector<std::string> lines = p.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  const auto first = saccade::parse_progress_json(lines[0]);
  const auto second = saccade::parse_progress_json(lines[1]);
  BOOST_REQUIRE(first && second);
  BOOST_CHECK_EQUAL(first->batch, 1u);
  BOOST_CHECK(!first->epoch_done);
  BOOST_CHECK(second->epoch_done);
  BOOST_CHECK_EQUAL(second->val_accuracy, 0.75);
  BOOST_CHECK_EQUAL(second->run, "003-budget=4-seed=1");
}

BOOST_AUTO_TEST_CASE(pipe_mode_lets_updates_through_after_the_interval) {
  ProgressPipe p;
  {
    saccade::ProgressReporter reporter;
    ProgressUpdate u = sample();
    u.epoch_done = false;
    u.batch = 1;
    reporter.update(u);
    usleep(600 * 1000);  // past the 0.5 s throttle
    u.batch = 2;
    reporter.update(u);
  }
  const std::vector<std::string> lines = p.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_CHECK_EQUAL(saccade::parse_progress_json(lines[1])->batch, 2u);
}

BOOST_AUTO_TEST_CASE(a_closed_pipe_does_not_kill_the_run) {
  ProgressPipe p;
  p.close_read();  // the sweep went away
  saccade::ProgressReporter reporter;
  BOOST_REQUIRE(reporter.writing_to_pipe());
  ProgressUpdate u = sample();
  reporter.update(u);  // epoch_done: written, fails with EPIPE, which must not raise SIGPIPE
  BOOST_CHECK(!reporter.writing_to_pipe());
  for (int i = 0; i < 3; ++i) reporter.update(u);  // and later updates are no-ops
  reporter.print_line("still alive");
  BOOST_CHECK(!reporter.writing_to_pipe());
}

BOOST_AUTO_TEST_CASE(a_bad_fd_falls_back_to_stderr) {
  setenv("SACCADE_PROGRESS_FD", "not-a-number", 1);
  {
    saccade::ProgressReporter reporter;
    BOOST_CHECK(!reporter.writing_to_pipe());
  }
  setenv("SACCADE_PROGRESS_FD", "987", 1);  // not open
  {
    saccade::ProgressReporter reporter;
    BOOST_CHECK(!reporter.writing_to_pipe());
    reporter.update(sample());
    reporter.finish();
  }
  unsetenv("SACCADE_PROGRESS_FD");
}
