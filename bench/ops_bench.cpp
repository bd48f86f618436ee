// The autograd's fixed cost per op on small tensors (what dominates a step of small layers), and
// OpenBLAS's own sgemm at the shapes of RAM's layers (the ceiling the model's matmuls are held to).
#include <benchmark/benchmark.h>

#include <cblas.h>
#include <vector>

#include "core/ops.hpp"
#include "core/random.hpp"

using namespace saccade;

namespace {

// y = sum(a * b + a), backward: 3 ops forward, their backward, on [n, n] tensors.
void BM_AutogradSmallOps(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(1);
  Var a(rng.uniform_array({n, n}, -1.0f, 1.0f), true), b(rng.uniform_array({n, n}, -1.0f, 1.0f), true);
  for (auto _ : state) {
    Var y = sum(a * b + a);
    backward(y);
    benchmark::DoNotOptimize(a.grad().data());
    a.zero_grad();
    b.zero_grad();
  }
  state.counters["ops_per_s"] = benchmark::Counter(3.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AutogradSmallOps)->Arg(2)->Arg(8)->Arg(32);

// C[M, N] = A[M, K] B[K, N] through cblas_sgemm, as core/gemm does: GFLOP/s = 2 M N K / time.
void BM_Sgemm(benchmark::State& state) {
  const auto M = static_cast<int>(state.range(0)), K = static_cast<int>(state.range(1)), N = static_cast<int>(state.range(2));
  std::vector<float> A(static_cast<std::size_t>(M) * K, 0.5f), B(static_cast<std::size_t>(K) * N, 0.25f), C(static_cast<std::size_t>(M) * N);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    benchmark::DoNotOptimize(C.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * M * N * K * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}
// RAM at batch 128: glimpse (432 -> 128), location (2 -> 128), combine (256 -> 256), core (256 -> 256), head (256 -> 10).
BENCHMARK(BM_Sgemm)->Args({128, 432, 128})->Args({128, 256, 256})->Args({128, 256, 10})->Args({32, 256, 256})->Args({1, 256, 256});

}  // namespace
