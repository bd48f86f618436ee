// One RAM training step, the setting of issue 8 and of bench/reference/ram_torch.py: Fashion-MNIST
// 28x28 on a 28x28 canvas (no clutter), 6 glimpses of a 12x12 retina at 3 scales, hidden 256,
// Gaussian locations, REINFORCE with a learned baseline, Adam: glimpses + forward + backward + step.
// Built from a config through the task's plan, so it is exactly what `saccade run` trains.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "agents/reinforce.hpp"
#include "experiments/resolve.hpp"
#include "experiments/tasks.hpp"

using namespace saccade;

namespace {

TaskPlan ram_plan(std::size_t batch) {
  Config c = Config::parse(
      "env: {type: image, dataset: fashion-mnist, region: glimpse, canvas: 28, clutter: {pieces: 0}, retina: {size: 12, scales: 3}}\n"
      "reader: {type: ram, hidden: 256, glimpse_hidden: 128}\n"
      "policy: {type: gaussian, budget: 6, std: 0.1, baseline: learned}\n"
      "train: {lr: 0.001}\n"
      "out: /tmp/saccade-bench\n",
      "bench/ram_bench.cpp");
  c.apply_override("train.batch_size=" + std::to_string(batch));
  // OpenBLAS threads: SACCADE_THREADS (bench/run.sh measures 1 and 2), as train.threads sets them.
  const char* threads = std::getenv("SACCADE_THREADS");
  c.apply_override(std::string("train.threads=") + (threads ? threads : "1"));
  const Config resolved = resolve(c);
  check_task_config(resolved);
  return plan_task(resolved);
}

void BM_RamTrainStep(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  TaskPlan plan = ram_plan(batch);
  PolicySetup s = plan.setup("adaptive");
  Rng init(1), rng(2);
  ReinforceTrainer trainer(*s.train_env, *s.reader, *s.policy, plan.options.rl, init);
  const std::size_t n = s.train_env->num_examples();
  // FLOPs of a training step per sample: the episode's forward (reader and policy, as results.csv
  // counts them) times 3, the usual count for forward + backward (the backward of a matmul is two).
  double step_flops = 0.0;
  {
    NoGrad no_grad;
    std::vector<std::size_t> examples(batch);
    for (std::size_t i = 0; i < batch; ++i) examples[i] = i;
    const Episode ep = run_episode(*s.train_env, *s.reader, *s.policy, examples, 1, rng, false);
    step_flops = 3.0 * (ep.reader_flops + ep.policy_flops) / static_cast<double>(batch);
  }
  std::size_t next = 0;
  for (auto _ : state) {
    std::vector<std::size_t> examples(batch);
    for (auto& e : examples) e = next++ % n;
    benchmark::DoNotOptimize(trainer.train_batch(examples, next, rng).loss);
  }
  const double samples = static_cast<double>(batch * state.iterations());
  state.counters["samples_per_s"] = benchmark::Counter(samples, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(samples * step_flops / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RamTrainStep)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();

// Batch-1 greedy inference: 6 glimpses and the prediction, no gradient.
void BM_RamLatency(benchmark::State& state) {
  TaskPlan plan = ram_plan(1);
  PolicySetup s = plan.setup("adaptive");
  Rng rng(3);
  std::size_t next = 0;
  for (auto _ : state) {
    NoGrad no_grad;
    const Episode ep = run_episode(*s.test_env, *s.reader, *s.policy, {next++ % s.test_env->num_examples()}, 7, rng, true);
    benchmark::DoNotOptimize(ep.logits.data());
  }
}
BENCHMARK(BM_RamLatency)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
