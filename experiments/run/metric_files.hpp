// What a run keeps of each scored policy's answers beyond its results.csv row, one file each for all
// policies (policy and split in every row, so pandas reads them whole):
//   class_metrics.csv  policy,split,class,precision,recall,f1,support: a row per class (per slot and
//                      value in a multi-slot env, "SLOT/VALUE"), as agents/confusion.hpp scores them
//   confusion.csv      policy,split,true,predicted,count: every pair of classes (of the same slot),
//                      zeros included
//   anytime.csv        policy,split,regions,accuracy,examples: accuracy after 1, 2, ... regions read
//                      (agents/anytime.hpp); none for a preview-only reference
// split is "test", or "validation" when eval.test is false. With eval.repeats > 1 every draw's answer
// is counted: supports, counts and `examples` are over examples x draws.
//
// A policy's rows are added when it is scored, by rewriting the file whole (never half-written); a
// resumed run first drops the rows of every policy results.csv does not list as finished, so a policy
// scored again is never counted twice; a fresh run removes the files.
#pragma once

#include <string>
#include <vector>

#include "agents/evaluate.hpp"

namespace saccade {

inline const char* kClassMetricsHeader = "policy,split,class,precision,recall,f1,support";
inline const char* kConfusionHeader = "policy,split,true,predicted,count";
inline const char* kAnytimeHeader = "policy,split,regions,accuracy,examples";

// Adds `policy`'s rows for `split` to OUT's three files (anytime.csv only when r.anytime has points).
void add_metric_rows(const std::string& out_dir, const std::string& policy, const std::string& split, const EvalResult& r);

// Keeps only the rows of the `finished` policies (resume).
void keep_metric_rows(const std::string& out_dir, const std::vector<std::string>& finished);

// Removes the three files (a fresh run in a directory an earlier run used).
void remove_metric_files(const std::string& out_dir);

}  // namespace saccade
