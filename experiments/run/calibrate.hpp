// Setting a fixed confidence stop's threshold (agents/confidence_stop.hpp) after its reader is trained
// and before it is scored: on the validation split only, so that its validation mean of regions read
// equals the learned policy's (`adaptive`, trained earlier in the same run: its kept epoch's
// val_mean_regions in OUT/metrics.jsonl). The two are then compared on test at the same compute.
#pragma once

#include "experiments/run/runner.hpp"

namespace saccade {

// Calibrates setup.policy if it is a confidence stop (else does nothing), and then scores it on
// validation again: result.val_accuracy becomes the calibrated stop's (what choosing the best fixed
// policy on validation must compare). Without an `adaptive` in the run, the stop keeps reading its
// whole plan and says so on stderr.
void calibrate_stop(PolicySetup& setup, const RunOptions& options, PolicyResult& result);

// `adaptive`'s validation mean regions read at the epoch its run keeps (the best validation accuracy's
// with keep_best, the first of equals; else the last), from the metrics.jsonl at `path`; < 0: none.
double adaptive_val_regions(const std::string& path, bool keep_best);

}  // namespace saccade
