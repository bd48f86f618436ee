// `saccade run --resume DIR`: reading back what an interrupted run left in its directory.
//
// A run writes, in order: each epoch's metrics line, then that epoch's checkpoint
// (experiments/run/epoch_checkpoint.hpp); each finished policy's row, as the whole results.csv replaced
// atomically; status.json last. So after a kill at any point:
//   - the policies with a row in results.csv are finished: they are kept, not run again;
//   - the next policy continues after the epoch its checkpoint holds (from scratch without one);
//   - metrics.jsonl may run ahead of that checkpoint by one epoch, or end in a torn line: it is cut
//     back to the finished policies' lines and the next policy's up to its checkpoint's epoch, and the
//     resumed run appends from there, so the file ends as an uninterrupted run's would.
#pragma once

#include <string>
#include <vector>

#include "experiments/run/runner.hpp"

namespace saccade {

struct ResumePoint {
  std::vector<PolicyResult> finished;  // from results.csv: the plan's first policies, in order
  std::size_t next_epochs = 0;         // epochs the next policy's checkpoint holds
};

// Reads OUT/results.csv and the next policy's checkpoint, and cuts OUT/metrics.jsonl back (rewritten
// atomically). Throws std::runtime_error naming the file when results.csv is not this run's (another
// seed, or policies out of the plan's order).
ResumePoint prepare_resume(const RunOptions& options, const std::vector<std::string>& policies);

// A fresh run into a directory an earlier run used: the earlier results.csv, epoch checkpoints and
// scores are removed first, so that resuming this run later (or a report) cannot take them for its own.
void clear_earlier_run(const std::string& out_dir);

}  // namespace saccade
