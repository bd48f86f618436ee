// What the model benchmarks share (bench/model_bench.cpp, bench/read_bench.cpp): a model's plan built
// from its config in bench/configs/ through the task's planner, so each benchmark times exactly what
// `saccade run bench/configs/MODEL.yaml` runs.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "experiments/config/resolve.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade::bench {

// bench/configs/MODEL.yaml at train.batch_size=batch, with OpenBLAS threads from SACCADE_THREADS
// (bench/run.sh measures 1 and 2; train.threads sets them, as in a run), then `overrides`.
// Google Benchmark calls a benchmark's function several times (to size the iteration count, then once
// per repetition) and loading Fashion-MNIST takes about 2.5 s, so the last plan asked for is kept and
// handed out again while the same one is asked for. A plan's data is read-only and plan.setup()
// builds fresh envs, reader and policy at every call, so a reused plan times the same thing.
inline TaskPlan bench_plan(const std::string& model, std::size_t batch, const std::vector<std::string>& overrides = {}) {
  static std::string last_key;
  static TaskPlan last;
  std::string key = model + " " + std::to_string(batch);
  for (const auto& o : overrides) key += " " + o;
  if (key == last_key) return last;
  Config c = Config::load(SACCADE_SOURCE_DIR "/bench/configs/" + model + ".yaml");
  c.apply_override("out=/tmp/saccade-bench");
  c.apply_override("train.batch_size=" + std::to_string(batch));
  const char* threads = std::getenv("SACCADE_THREADS");
  c.apply_override(std::string("train.threads=") + (threads ? threads : "1"));
  for (const auto& o : overrides) c.apply_override(o);
  const Config resolved = resolve(c);
  check_task_config(resolved);
  last = plan_task(resolved);
  last_key = key;
  return last;
}

}  // namespace saccade::bench
