// The two models bench/reference/ mirrors in PyTorch, built from their configs through the task's plan,
// so each is exactly what `saccade run bench/configs/MODEL.yaml` trains:
//   ram    bench/configs/ram.yaml: 6 glimpses of a 12x12 retina at 3 scales, hidden 256, Gaussian
//          locations, REINFORCE with a learned baseline (bench/reference/ram_torch.py)
//   patch  bench/configs/patch.yaml: 8 of 16 patches chosen one-shot from the thumbnail, self-critical
//          baseline, the patch reader (bench/reference/patch_torch.py)
// BM_<Model>TrainStep/B: one training step at batch B (the env's regions + forward + backward + Adam),
// with its effective GFLOP/s. BM_<Model>Latency: batch-1 greedy inference, no gradient.
// BM_<Model>StepGemms/B: the matrix products one training step makes (recorded through core/gemm),
// replayed alone: what OpenBLAS itself reaches on exactly those shapes, the ceiling of the step's GFLOP/s.
// BM_PatchRead/k: evaluation (no gradient, batch 250) reading k of the 16 patches with a fixed policy:
// the time per example against k, for "reading k of N regions costs time in proportion".
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "agents/reinforce.hpp"
#include "core/gemm.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/tasks/tasks.hpp"

using namespace saccade;

namespace {

TaskPlan bench_plan(const std::string& model, std::size_t batch, const std::vector<std::string>& overrides = {}) {
  Config c = Config::load(SACCADE_SOURCE_DIR "/bench/configs/" + model + ".yaml");
  c.apply_override("out=/tmp/saccade-bench");
  c.apply_override("train.batch_size=" + std::to_string(batch));
  // OpenBLAS threads: SACCADE_THREADS (bench/run.sh measures 1 and 2), as train.threads sets them.
  const char* threads = std::getenv("SACCADE_THREADS");
  c.apply_override(std::string("train.threads=") + (threads ? threads : "1"));
  for (const auto& o : overrides) c.apply_override(o);
  const Config resolved = resolve(c);
  check_task_config(resolved);
  return plan_task(resolved);
}

// The adaptive policy of `model` at `batch`, with its trainer, seeded the same for every benchmark.
struct Training {
  TaskPlan plan;
  PolicySetup s;
  Rng init{1}, rng{2};
  std::unique_ptr<Trainer> trainer;  // train.algorithm's (experiments/tables/trainers.cpp)
  Training(const std::string& model, std::size_t batch)
      : plan(bench_plan(model, batch)),
        s(plan.setup("adaptive")),
        trainer(plan.options.make_trainer(*s.train_env, *s.reader, *s.policy, init)) {}
};

void train_step(benchmark::State& state, const std::string& model) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  Training t(model, batch);
  PolicySetup& s = t.s;
  Rng& rng = t.rng;
  Trainer& trainer = *t.trainer;
  const std::size_t n = s.train_env->num_examples();
  // FLOPs of a training step per sample: the episode's forward (reader and policy, as results.csv
  // counts them) times 3, the usual count for forward + backward (the backward of a matmul is two).
  // A self-critical baseline's greedy episode is not counted: the figure is the model's, not the method's.
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

void latency(benchmark::State& state, const std::string& model) {
  TaskPlan plan = bench_plan(model, 1);
  PolicySetup s = plan.setup("adaptive");
  Rng rng(3);
  std::size_t next = 0;
  for (auto _ : state) {
    NoGrad no_grad;
    const Episode ep = run_episode(*s.test_env, *s.reader, *s.policy, {next++ % s.test_env->num_examples()}, 7, rng, true);
    benchmark::DoNotOptimize(ep.logits.data());
  }
}

void step_gemms(benchmark::State& state, const std::string& model) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  Training t(model, batch);
  Rng& rng = t.rng;
  Trainer& trainer = *t.trainer;
  std::vector<std::size_t> examples(batch);
  for (std::size_t i = 0; i < batch; ++i) examples[i] = i;
  trainer.train_batch(examples, 0, rng);  // the first step allocates Adam's state: record the second
  std::vector<GemmCall> calls;
  {
    GemmRecorder recorder;
    trainer.train_batch(examples, 1, rng);
    calls = recorder.calls();
  }
  struct Buffers {
    std::vector<float> a, b, c;
  };
  std::vector<Buffers> buffers;
  double flops = 0.0;
  for (const auto& g : calls) {
    buffers.push_back({std::vector<float>(g.m * g.k, 0.5f), std::vector<float>(g.k * g.n, 0.25f), std::vector<float>(g.m * g.n)});
    flops += 2.0 * static_cast<double>(g.m * g.n * g.k);
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const GemmCall& g = calls[i];
      gemm(g.transpose_a, g.transpose_b, g.m, g.n, g.k, 1.0f, buffers[i].a.data(), buffers[i].b.data(), 0.0f, buffers[i].c.data());
    }
    benchmark::DoNotOptimize(buffers.back().c.data());
  }
  state.counters["calls"] = static_cast<double>(calls.size());
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

void BM_RamTrainStep(benchmark::State& state) { train_step(state, "ram"); }
void BM_RamStepGemms(benchmark::State& state) { step_gemms(state, "ram"); }
void BM_PatchStepGemms(benchmark::State& state) { step_gemms(state, "patch"); }
BENCHMARK(BM_RamStepGemms)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PatchStepGemms)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_RamLatency(benchmark::State& state) { latency(state, "ram"); }
void BM_PatchTrainStep(benchmark::State& state) { train_step(state, "patch"); }
void BM_PatchLatency(benchmark::State& state) { latency(state, "patch"); }
BENCHMARK(BM_RamTrainStep)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RamLatency)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_PatchTrainStep)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PatchLatency)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Evaluation reading k of the 16 patches, per example: `random` (a fixed policy, so no policy network is
// timed) for k < 16, and `all` for the full view.
void BM_PatchRead(benchmark::State& state) {
  const auto k = static_cast<std::size_t>(state.range(0));
  const std::size_t batch = 250;  // eval.batch_size's default
  TaskPlan plan = bench_plan("patch", batch, {"policy.budget=" + std::to_string(k)});
  PolicySetup s = plan.setup(k == 16 ? "all" : "random");
  Rng rng(4);
  std::size_t next = 0;
  const std::size_t n = s.test_env->num_examples();
  for (auto _ : state) {
    NoGrad no_grad;
    std::vector<std::size_t> examples(batch);
    for (auto& e : examples) e = next++ % n;
    const Episode ep = run_episode(*s.test_env, *s.reader, *s.policy, examples, 7, rng, true);
    benchmark::DoNotOptimize(ep.logits.data());
  }
  state.counters["examples_per_s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PatchRead)->Arg(2)->Arg(4)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
