// The attention models' forward and backward: multi-head attention at several sizes, and the patch
// and text-chunk readers over a batch of regions read (encode every region, pool, predict).
#include <benchmark/benchmark.h>

#include "attention/chunk_reader.hpp"
#include "attention/multi_head.hpp"
#include "attention/patch_reader.hpp"
#include "core/ops.hpp"

using namespace saccade;

namespace {

// Self-attention over [B, T, D] with 4 heads, forward then backward of the sum.
void BM_MultiHeadAttention(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0)), T = static_cast<std::size_t>(state.range(1)),
             D = static_cast<std::size_t>(state.range(2));
  Rng rng(1);
  MultiHeadAttention mha(D, 4, rng);
  Var x(rng.uniform_array({B, T, D}, -1.0f, 1.0f), true);
  for (auto _ : state) {
    Var y = mha.forward(x, x, x);
    backward(sum(y));
    benchmark::DoNotOptimize(x.grad().data());
    x.zero_grad();
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(B * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MultiHeadAttention)->Args({64, 16, 64})->Args({64, 64, 64})->Args({32, 64, 128})->Args({8, 256, 128})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// A reader reads `read` regions per example, one step each (encode + update), then predicts;
// backward of the cross-entropy.
template <class R>
void read_and_learn(benchmark::State& state, const R& reader, const Array& content, std::size_t read, std::size_t batch) {
  std::vector<int> rows(batch), labels(batch, 3);
  for (std::size_t b = 0; b < batch; ++b) rows[b] = static_cast<int>(b);
  for (auto _ : state) {
    Memory m = reader.init(batch);
    for (std::size_t t = 0; t < read; ++t) {
      RegionBatch r;
      r.content = content;
      r.region.assign(batch, static_cast<int>(t));
      m = reader.update(m, reader.encode(r), rows);
    }
    backward(cross_entropy(reader.predict(m), labels));
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()), benchmark::Counter::kIsRate);
}

// Patches of 12x12 from a 5x5 grid, 12 read, batch 128 (image_patches.yaml's reader).
void BM_PatchReader(benchmark::State& state) {
  Rng rng(2);
  PatchReader reader({.content_size = 144, .regions = 25, .dim = 128, .heads = 4, .num_classes = 10}, rng);
  read_and_learn(state, reader, rng.uniform_array({128, 144}, 0.0f, 1.0f), 12, 128);
}
BENCHMARK(BM_PatchReader)->Unit(benchmark::kMillisecond)->UseRealTime();

// Chunks of 12 tokens, 4 read of 16, batch 64 (text_skim.yaml's reader).
void BM_ChunkReader(benchmark::State& state) {
  Rng rng(3);
  ChunkReader reader({.vocab_size = 5000, .chunk_tokens = 12, .regions = 16, .dim = 64, .heads = 4, .num_classes = 8}, rng);
  Array ids = Array::from_shape({64, 12});
  for (std::size_t i = 0; i < ids.size(); ++i) ids.data()[i] = static_cast<float>(2 + (i * 37) % 4990);
  read_and_learn(state, reader, ids, 4, 64);
}
BENCHMARK(BM_ChunkReader)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
