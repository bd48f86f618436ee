// The files a run leaves in its output directory:
//   metrics.jsonl  one JSON object per (policy, epoch), appended and flushed as training goes
//   results.csv    one row per evaluated policy, written whole at the end (temporary file + rename,
//                  so a reader never sees half of it)
//   checkpoints/POLICY.npz  each policy's trained reader and policy (and optimizer state)
//   checkpoints/POLICY.last.npz  the state after its latest epoch, replaced atomically every epoch:
//                  what `saccade run --resume` continues from (experiments/run/epoch_checkpoint.hpp)
//   traces/POLICY.csv       where each policy read on the first test examples (write_traces); with
//                  eval.test=false, on the first validation examples
//   scores/POLICY.csv       each test example's score (write_scores), what `saccade report` pairs
//                  policies on; none with eval.test=false
//   status.json    {"status": "done", "policies": N, "seconds": total wall seconds}, written
//                  atomically by run_policies as the very last thing, after results.csv is complete,
//                  and removed when a run starts: `saccade sweep` takes it as "this run finished".
//                  Nothing else writes it; a run that fails or is killed leaves none.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/run/runner.hpp"

namespace saccade {

class MetricsLog {
 public:
  // append: go on after the lines already there (a resumed run), else start the file empty.
  explicit MetricsLog(const std::string& path, bool append = false);
  void write(const nlohmann::json& row);

 private:
  std::ofstream out_;
  std::string path_;
};

// accuracy, mean_regions, flops_per_example, us_per_example: on the test split; empty (with
// policy_us_per_example, evidence_read and oov_accuracy) when eval.test=false. policy_us_per_example:
// the part of us_per_example spent on the policy's behalf (EvalResult::policy_us_per_example); empty
// in a row resumed from a file written before the column. val_accuracy: the validation accuracy of the
// epoch kept; epochs: epochs trained; best_epoch: the epoch kept (train.keep=best: the one with the
// best validation accuracy; else the last). evidence_read: the fraction of the test reads on the
// example's evidence; empty when the env cannot tell (images). oov_accuracy: the accuracy on a second
// test split of values no training example has (dialogue); empty when the task has none. Files
// written before a column existed lack it: readers look columns up by name. (New columns go before
// train_seconds: tests and scripts take the last ones by position.)
inline const char* kResultsHeader =
    "run,seed,env,policy,budget,accuracy,mean_regions,flops_per_example,us_per_example,policy_us_per_example,"
    "val_accuracy,epochs,best_epoch,train_seconds,evidence_read,oov_accuracy";

// Whether the run in `dir` finished: its status.json says "done".
bool finished_run(const std::string& dir);

void write_results_csv(const std::string& path, const RunOptions& options, const std::vector<PolicyResult>& results);

// OUT/scores/POLICY.csv
std::string scores_path(const std::string& out_dir, const std::string& policy);

// Writes (atomically) `split,example,draws,score`: a row per test example in index order (split
// "test"), then one per out-of-vocabulary test example (split "oov") if there are any. score is 1 or
// 0 (answered right, every slot) or, with draws = eval.repeats > 1, the mean over the example's draws.
void write_scores(const std::string& path, std::size_t draws, const std::vector<double>& test,
                  const std::vector<double>& oov);

// Where a policy read on the first `count` test examples (greedy, as scored): one row per region read,
// `example,label,correct,step,row,col,region,evidence,weight` (row, col in [-1,1]; region -1 for glimpses;
// evidence 1 where the region read holds the example's evidence, 0 where not, empty when unknown; label is
// the slots' labels separated by spaces when the env has several; weight the reader's own soft attention
// on that region at the end, Reader::attention_weights, summing to 1 over an example's rows; empty for a
// reader that has none).
void write_traces(const std::string& path, Env& env, const Reader& reader, Policy& policy, std::size_t count,
                  std::uint64_t seed, Rng& rng);

}  // namespace saccade
