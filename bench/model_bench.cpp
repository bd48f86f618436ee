// The four models bench/reference/ mirrors in PyTorch, built from their configs through the task's plan,
// so each is exactly what `saccade run bench/configs/MODEL.yaml` trains:
//   ram    bench/configs/ram.yaml: 6 glimpses of a 12x12 retina at 3 scales, hidden 256, Gaussian
//          locations, REINFORCE with a learned baseline (bench/reference/ram_torch.py)
//   patch  bench/configs/patch.yaml: 8 of 16 patches chosen one-shot from the thumbnail, self-critical
//          baseline, the patch reader (bench/reference/patch_torch.py)
//   chunk  bench/configs/chunk.yaml: 4 of 16 text chunks chosen one-shot from their hashed previews,
//          self-critical, the chunk reader (bench/reference/chunk_torch.py)
//   turn   bench/configs/turn.yaml: 4 of 24 dialogue turns chosen one-shot from their previews,
//          self-critical, the turn reader (bench/reference/turn_torch.py)
// For each model (registered by one loop over kModels, so the four sets cannot drift apart):
// BM_<Model>TrainStep/B: one training step at batch B (the env's regions + forward + backward + Adam),
// with its effective GFLOP/s. BM_<Model>Latency: batch-1 greedy inference, no gradient.
// BM_<Model>StepGemms/B: the matrix products one training step makes (recorded through core/gemm),
// replayed alone: what OpenBLAS itself reaches on exactly those shapes, the ceiling of the step's GFLOP/s.
// The recorder sees every call to core/gemm's gemm(): 2-D, affine and batched matmuls alike, the
// batched ones as one call per batch entry, as they run (embeddings are gathers, not products). One
// product does not go through it: the chunk policy's first layer over its hashed bag-of-tokens
// previews is a sparse product (Linear::forward(BagRows), core/layers.cpp: bag_sum, and its backward a
// scatter-add), about 6% of the chunk step in a perf profile; the step's FLOPs count it, the replay
// does not. The turn policy's previews are dense rows, so its first layer is a gemm.
// Reading k of N regions: bench/read_bench.cpp.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "agents/reinforce.hpp"
#include "bench/bench_plan.hpp"
#include "core/gemm.hpp"

using namespace saccade;
using saccade::bench::bench_plan;

namespace {

// The adaptive policy of `model` at `batch`, with its trainer, seeded the same for every benchmark.
struct Training {
  TaskPlan plan;
  PolicySetup s;
  Rng init{1}, rng{2};
  std::unique_ptr<Trainer> trainer;  // train.algorithm's (experiments/tables/trainers.cpp)
  Training(const std::string& model, std::size_t batch)
      : plan(bench_plan(model, batch)),
        s(plan.setup("adaptive")),
        trainer(plan.options.make_trainer({.env = *s.train_env, .reader = *s.reader, .policy = *s.policy, .init = init})) {}
};

std::vector<std::size_t> first_examples(std::size_t batch) {
  std::vector<std::size_t> examples(batch);
  for (std::size_t i = 0; i < batch; ++i) examples[i] = i;
  return examples;
}

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
    const Episode ep = run_episode(*s.train_env, *s.reader, *s.policy, first_examples(batch), 1, rng, false);
    step_flops = 3.0 * (ep.reader_flops + ep.policy_flops) / static_cast<double>(batch);
  }
  // The first step allocates Adam's state and grows every buffer: a one-off, not the step's cost (at
  // batch 128 the chunk model's took 0.5 s, and a short run times only a few steps).
  trainer.train_batch(first_examples(batch), 0, rng);
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
  const std::vector<std::size_t> examples = first_examples(batch);
  t.trainer->train_batch(examples, 0, t.rng);  // the first step allocates Adam's state: record the second
  std::vector<GemmCall> calls;
  {
    GemmRecorder recorder;
    t.trainer->train_batch(examples, 1, t.rng);
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
  // Through gemm() itself, so each product takes the path it takes in the step (BLAS, or the plain
  // loop core/gemm.cpp keeps for tiny ones).
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

// A model's config name (bench/configs/NAME.yaml) and its benchmarks' prefix (BM_<Prefix>TrainStep);
// bench/compare.py reads the same names.
struct ModelRow {
  const char* name;
  const char* prefix;
};
constexpr ModelRow kModels[] = {{"ram", "Ram"}, {"patch", "Patch"}, {"chunk", "Chunk"}, {"turn", "Turn"}};

using ModelBenchmark = void (*)(benchmark::State&, const std::string&);

benchmark::internal::Benchmark* add(const std::string& name, ModelBenchmark fn, const std::string& model) {
  return benchmark::RegisterBenchmark(name.c_str(), [fn, model](benchmark::State& state) { fn(state, model); })
      ->UseRealTime();
}

const bool registered = [] {
  for (const ModelRow& m : kModels) {
    const std::string p = std::string("BM_") + m.prefix;
    add(p + "TrainStep", train_step, m.name)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond);
    add(p + "Latency", latency, m.name)->Unit(benchmark::kMicrosecond);
    add(p + "StepGemms", step_gemms, m.name)->Arg(128)->Arg(32)->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
