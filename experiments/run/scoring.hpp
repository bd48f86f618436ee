// Scoring a trained policy and its reader, once, after training: the test split (and the
// out-of-vocabulary test split where the task has one), then the traces of where it read on the first
// test examples. The test split is scored here only, never during training.
#pragma once

#include "experiments/run/runner.hpp"

namespace saccade {

// Fills result.test (and result.oov_accuracy) and writes OUT/traces/POLICY.csv.
void score_policy(PolicySetup& setup, const RunOptions& options, PolicyResult& result);

}  // namespace saccade
