// The autograd's fixed cost per op on small tensors (what dominates a step of small layers), and
// OpenBLAS's own sgemm at the shapes of RAM's layers (the ceiling the model's matmuls are held to).
#include <benchmark/benchmark.h>

#include <cblas.h>
#include <utility>
#include <vector>

#include <xtensor/xbuilder.hpp>

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

// One 3 x 3 convolution (padding 1) forward and backward at the `cnn` reference's layers at batch B
// (args: B, C, side, O): y = conv2d(x, W, b), then its backward from a given gradient of ones (the
// node's own backward, no reduction op: a sum over y cost a tenth of the time and is not the
// convolution's). The first layer's input is the image, so it gets no gradient (as in training).
// bench/reference/conv_ops_torch.py times PyTorch on the same, y.backward(ones).
void BM_Conv2dStep(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0)), C = static_cast<std::size_t>(state.range(1));
  const auto H = static_cast<std::size_t>(state.range(2)), O = static_cast<std::size_t>(state.range(3));
  Rng rng(1);
  Var x(rng.uniform_array({B, C, H, H}, 0.0f, 1.0f), C > 1), w(rng.uniform_array({O, C, 3, 3}, -0.1f, 0.1f), true);
  Var b(rng.uniform_array({O}, -0.1f, 0.1f), true);
  Array ones = xt::ones<float>({B, O, H, H});
  for (auto _ : state) {
    Var y = conv2d(x, w, b, 1);
    std::swap(y.node()->grad, ones);  // lent to the node and taken back: no copy
    y.node()->backward(*y.node());
    std::swap(y.node()->grad, ones);
    Tape::current().clear();
    benchmark::DoNotOptimize(w.grad().data());
    x.zero_grad();
    w.zero_grad();
    b.zero_grad();
  }
  // Multiply-adds x 2, forward and backward (dW, and dx after the first layer), per second of real time.
  const double fwd = 2.0 * static_cast<double>(B * H * H * O * C * 9);
  state.counters["GFLOP/s"] = benchmark::Counter((C > 1 ? 3.0 : 2.0) * fwd * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Conv2dStep)->Args({64, 1, 60, 32})->Args({64, 32, 30, 64})->Args({64, 64, 15, 64})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
