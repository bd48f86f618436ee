// Evaluation (no gradient, eval.batch_size examples a batch, greedy) per example, as results.csv's
// us_per_example measures it, on the bench models of bench/configs/:
// BM_PatchRead/k: the patch model reading k of its 16 patches, for "reading k of N regions costs time
// in proportion": `random` (a fixed policy, so no policy network is timed) for 0 < k < 16, `all` at 16,
// and at k = 0 a policy that STOPs at once (policy.budget must be at least 1, so the config cannot
// say it). k = 0 is the fixed per-example cost every k pays: rendering the canvas and its 7x7
// thumbnail (the env's reset), one decision, and the reader's prediction from an empty memory, whose
// pooling is skipped (a zero summary, attention/set_reader.cpp), so only the head is timed.
// BM_TurnRead/fixed and /adaptive: the dialogue turn model reading 4 of 24 turns with the `last` rule
// and with the (untrained) learned top-k policy. Fixed dialogue policies once measured 400-900
// us/example against adaptive's 51-107: glibc returned freed blocks to the kernel at every step and
// the pages were mapped and zeroed again (core/allocator.hpp). Here, without keep_freed_memory (a
// saccade_bench built before main.cpp called it, 3 repetitions, a busy 2-core VM), both read at 663
// us/example against 64 (`last`) and 107 (adaptive) with it: the anomaly shows as a tenfold time in
// both, not as a gap between them, so read each against its own past figure. Its first short run
// without repetitions did not show it (glibc's thresholds move with the heap's history);
// tests/cpp/experiments/test_freed_memory.cpp counts the page faults behind it, which do not vary.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "agents/fixed_policy.hpp"
#include "bench/bench_plan.hpp"

using namespace saccade;
using saccade::bench::bench_plan;

namespace {

constexpr std::size_t kEvalBatch = 250;  // eval.batch_size's default

// Times one evaluation batch of `s`'s test split per iteration; the counters are per example.
void evaluate_batches(benchmark::State& state, PolicySetup& s) {
  Rng rng(4);
  std::size_t next = 0;
  const std::size_t n = s.test_env->num_examples();
  for (auto _ : state) {
    NoGrad no_grad;
    std::vector<std::size_t> examples(kEvalBatch);
    for (auto& e : examples) e = next++ % n;
    const Episode ep = run_episode(*s.test_env, *s.reader, *s.policy, examples, 7, rng, true);
    benchmark::DoNotOptimize(ep.logits.data());
  }
  const double examples = static_cast<double>(kEvalBatch * state.iterations());
  state.counters["examples_per_s"] = benchmark::Counter(examples, benchmark::Counter::kIsRate);
  // Seconds per example (the console shows it as us); bench/compare.py reads the real time instead.
  state.counters["time_per_example"] = benchmark::Counter(examples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// A plan with nothing in it: every example stops before reading a region.
std::vector<int> read_nothing(const RegionPlanInput&) { return {}; }

void BM_PatchRead(benchmark::State& state) {
  const auto k = static_cast<std::size_t>(state.range(0));
  TaskPlan plan = bench_plan("patch", kEvalBatch, {"policy.budget=" + std::to_string(k == 0 ? 1 : k)});
  PolicySetup s = plan.setup(k == 16 ? "all" : "random");
  if (k == 0) s.policy = std::make_unique<FixedRegionPolicy>("nothing", read_nothing, 0);
  evaluate_batches(state, s);
}
BENCHMARK(BM_PatchRead)->Arg(0)->Arg(2)->Arg(4)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TurnRead(benchmark::State& state, const std::string& policy) {
  TaskPlan plan = bench_plan("turn", kEvalBatch);
  PolicySetup s = plan.setup(policy);
  evaluate_batches(state, s);
}
BENCHMARK_CAPTURE(BM_TurnRead, fixed, std::string("last"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TurnRead, adaptive, std::string("adaptive"))->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
