// Reader::attention_weights (attention/reader.hpp), the reader's soft attention shown beside the hard
// choices: for the set readers (PatchReader, ChunkReader) it is the pooling's softmax, recomputed here
// by hand from the query, the projections and the keys; it sums to 1 over an example's read regions,
// is exactly 0 where the example read nothing, and is all 0 for an example that read nothing at all.
// Readers that pool nothing (RAM, the mean readers) return none. TurnReader's: test_turn_reader.cpp.
#define BOOST_TEST_MODULE attention_weights
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <xtensor/xmath.hpp>

#include "attention/chunk_reader.hpp"
#include "attention/mlp_reader.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "core/ops.hpp"

using namespace saccade;

namespace {

constexpr std::size_t B = 4, D = 8, H = 2;

RegionBatch patches(Rng& rng, std::size_t n) {
  RegionBatch r;
  r.content = rng.uniform_array({n, std::size_t{4}}, 0.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) r.region.push_back(static_cast<int>(i % 5));
  return r;
}

// Step 1: examples 0 and 2; step 2: 0, 1, 2; step 3: 1 alone. Example 3 reads nothing.
Memory three_steps(const Reader& reader, Rng& data, const std::function<RegionBatch(Rng&, std::size_t)>& make) {
  Memory m = reader.init(B);
  m = reader.update(m, reader.encode(make(data, 2)), {0, 2});
  m = reader.update(m, reader.encode(make(data, 3)), {0, 1, 2});
  return reader.update(m, reader.encode(make(data, 1)), {1});
}

// The pooling's weights by hand: per head, softmax over the read t of q_h . k_{t,h} / sqrt(dh), with
// q = query W_q + b_q and k the memory's keys (the k_proj of each embedding); then the mean over heads.
Array pooling_weights_by_hand(const AttentionPooling& pool, const Memory& m) {
  const Array& query = pool.query().value();  // [1, 1, D]
  const Array& wq = pool.attention().q_proj().weight().value();
  const Array& bq = pool.attention().q_proj().bias().value();
  const Array keys = stacked(m.keys).value();  // [B, T, D]
  const std::size_t T = keys.shape()[1], dh = D / H;
  std::vector<double> q(D);
  for (std::size_t j = 0; j < D; ++j) {
    q[j] = bq(j);
    for (std::size_t i = 0; i < D; ++i) q[j] += static_cast<double>(query(0, 0, i)) * wq(i, j);
  }
  Array out = Array::from_shape({B, T});
  out.fill(0.0f);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t h = 0; h < H; ++h) {
      std::vector<double> e(T, 0.0);
      double top = -1e300, total = 0.0;
      for (std::size_t t = 0; t < T; ++t) {
        if (m.mask(b, t) == 0.0f) continue;
        for (std::size_t j = h * dh; j < (h + 1) * dh; ++j) e[t] += q[j] * keys(b, t, j);
        e[t] /= std::sqrt(static_cast<double>(dh));
        top = std::max(top, e[t]);
      }
      for (std::size_t t = 0; t < T; ++t) total += m.mask(b, t) != 0.0f ? (e[t] = std::exp(e[t] - top)) : 0.0;
      for (std::size_t t = 0; t < T; ++t)
        if (m.mask(b, t) != 0.0f) out(b, t) += static_cast<float>(e[t] / total / static_cast<double>(H));
    }
  }
  return out;
}

void check_set_reader(const SetReader& reader, const Memory& m) {
  const Array w = reader.attention_weights(m);
  BOOST_TEST_REQUIRE(w.dimension() == 2u);
  BOOST_TEST(w.shape()[0] == B);
  BOOST_TEST(w.shape()[1] == 3u);
  const Array expected = pooling_weights_by_hand(reader.pooling(), m);
  for (std::size_t b = 0; b < B; ++b) {
    double total = 0.0;
    for (std::size_t t = 0; t < 3; ++t) {
      total += w(b, t);
      if (m.mask(b, t) == 0.0f) BOOST_TEST(w(b, t) == 0.0f, "example " << b << ", step " << t << " was not read");
      BOOST_TEST(std::abs(w(b, t) - expected(b, t)) < 1e-5f, "example " << b << ", step " << t);
    }
    // Example 3 read nothing: it attends to nothing.
    BOOST_TEST(std::abs(total - (b == 3 ? 0.0 : 1.0)) < 1e-5, "example " << b);
  }
  // Not a uniform split: the check against the hand recomputation would pass for a constant otherwise.
  BOOST_TEST(std::abs(w(0, 0) - w(0, 1)) > 1e-4f);
}

}  // namespace

BOOST_AUTO_TEST_CASE(patch_reader_weights_are_its_poolings_softmax) {
  Rng rng(5), data(9);
  PatchReader reader(PatchReaderOptions{4, 5, D, H, 3}, rng);
  // Larger parameters so the weights are far from uniform.
  for (const auto& [name, p] : reader.named_parameters()) Var(p).value() *= 3.0f;
  const Memory m = three_steps(reader, data, patches);
  check_set_reader(reader, m);
  // What summary() and predict() pool by: the pooling's last weights after predict are the same.
  const Array w = reader.attention_weights(m);
  {
    NoGrad ng;
    reader.predict(m);
  }
  BOOST_TEST(xt::allclose(reader.pooling().last_weights(), w));
}

BOOST_AUTO_TEST_CASE(chunk_reader_weights_are_its_poolings_softmax) {
  Rng rng(6), data(10);
  ChunkReader reader({.vocab_size = 9, .chunk_tokens = 3, .regions = 5, .dim = D, .heads = H, .num_classes = 3}, rng);
  for (const auto& [name, p] : reader.named_parameters()) Var(p).value() *= 2.0f;
  const auto chunks = [](Rng& r, std::size_t n) {
    RegionBatch c;
    c.content = Array::from_shape({n, std::size_t{3}});
    for (std::size_t i = 0; i < c.content.size(); ++i) c.content.data()[i] = static_cast<float>(1 + r.randint(8));
    for (std::size_t i = 0; i < n; ++i) c.region.push_back(static_cast<int>(r.randint(5)));
    return c;
  };
  check_set_reader(reader, three_steps(reader, data, chunks));
}

BOOST_AUTO_TEST_CASE(empty_memory_has_no_columns) {
  Rng rng(1);
  PatchReader reader(PatchReaderOptions{4, 5, D, H, 3}, rng);
  const Array w = reader.attention_weights(reader.init(2));
  BOOST_TEST(w.dimension() == 2u);
  BOOST_TEST(w.shape()[0] == 2u);
  BOOST_TEST(w.shape()[1] == 0u);
}

BOOST_AUTO_TEST_CASE(readers_that_pool_nothing_have_none) {
  Rng rng(2), data(3);
  RamReader ram(RamReaderOptions{8, 5, 6, 3, "rnn"}, rng);
  MlpReader mlp(MlpReaderOptions{4, 6, 2, 3}, rng);
  RegionBatch g;
  g.content = data.uniform_array({B, std::size_t{2}, std::size_t{2}, std::size_t{2}}, 0.0f, 1.0f);
  g.location = data.uniform_array({B, std::size_t{2}}, -1.0f, 1.0f);
  const Memory m = ram.update(ram.init(B), ram.encode(g), {0, 1, 2, 3});
  BOOST_TEST(ram.attention_weights(m).dimension() == 0u);
  RegionBatch whole = patches(data, B);
  whole.content = data.uniform_array({B, std::size_t{2}, std::size_t{2}}, 0.0f, 1.0f);
  BOOST_TEST(mlp.attention_weights(mlp.update(mlp.init(B), mlp.encode(whole), {0, 1, 2, 3})).dimension() == 0u);
}
