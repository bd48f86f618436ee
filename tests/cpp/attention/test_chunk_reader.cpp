// ChunkReader (attention/chunk_reader.hpp): gradients w.r.t. every parameter through encode -> update ->
// predict -> cross-entropy against finite differences, with partly padded chunks, pads between tokens, a
// chunk with no padding and a pad-only chunk; padding is invisible (the pad embedding and the positions
// padding occupies do not change a chunk's embedding, and get no gradient); pad-only chunks give finite
// outputs and gradients; bad ids are named; FLOPs against a hand count; and it learns a small task.
#define BOOST_TEST_MODULE chunk_reader
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "attention/chunk_reader.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"
#include "gradcheck_module.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;
using saccade::testing::gradcheck_leaves;
using saccade::testing::gradcheck_relative;

namespace {

constexpr std::size_t B = 3, C = 3, L = 4;

// vocab 7 (ids 1..6 plus <pad>), 4 tokens a chunk, 3 chunk positions, dim 8, 2 heads, 3 classes.
ChunkReader tiny_reader(std::uint64_t seed) {
  Rng rng(seed);
  return ChunkReader({.vocab_size = 7, .chunk_tokens = L, .regions = 3, .dim = 8, .heads = 2, .num_classes = C}, rng);
}

RegionBatch chunks(const Array& ids, std::vector<int> region) {
  RegionBatch r;
  r.content = ids;
  r.region = std::move(region);
  return r;
}

bool all_finite(const Array& a) {
  for (float v : a) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

float max_abs_diff(const Array& a, const Array& b) { return xt::amax(xt::abs(a - b))(); }

}  // namespace

BOOST_AUTO_TEST_CASE(gradients_through_encode_update_predict_with_padding) {
  ChunkReader reader = tiny_reader(1);
  // Step 1: examples 0 and 2 read; example 2's chunk is all padding. Step 2: everyone, with pads
  // trailing, leading and between tokens. Step 3: example 1 alone, a chunk without padding (the
  // unmasked path). Step 4: examples 0 and 1, one of them pad-only again.
  const RegionBatch r1 = chunks(Array({{1, 2, 0, 0}, {0, 0, 0, 0}}), {0, 1});
  const RegionBatch r2 = chunks(Array({{3, 0, 5, 6}, {6, 5, 4, 3}, {0, 1, 0, 2}}), {1, 0, 2});
  const RegionBatch r3 = chunks(Array({{2, 3, 4, 1}}), {2});
  const RegionBatch r4 = chunks(Array({{0, 0, 0, 0}, {4, 4, 0, 0}}), {2, 1});
  const std::vector<int> labels = {0, 2, 1};
  auto run = [&] {
    Memory m = reader.init(B);
    m = reader.update(m, reader.encode(r1), {0, 2});
    m = reader.update(m, reader.encode(r2), {0, 1, 2});
    m = reader.update(m, reader.encode(r3), {1});
    m = reader.update(m, reader.encode(r4), {0, 1});
    return cross_entropy(reader.predict(m), labels);
  };
  const std::size_t n = gradcheck_leaves("chunk", run, reader.named_parameters(), {.eps = 3e-4f, .atol = 3e-3f});
  BOOST_TEST(n == reader.num_parameters());
  // Not vacuous: every parameter tensor gets some gradient...
  for (const auto& [name, p] : reader.named_parameters()) {
    BOOST_TEST(xt::amax(xt::abs(p.grad()))() > 0.0f, name << " has no gradient");
  }
  // ...except the pad embedding, which nothing can see.
  BOOST_TEST(xt::amax(xt::abs(xt::view(param(reader, "token.weight").grad(), 0)))() == 0.0f);
}

// By relative error per tensor (gradcheck.hpp: < 1e-2, ||numeric|| >= 1e-2) on a weighted sum of the
// cross-entropies of 16 documents (so that every tensor's gradient stands well above float32's noise; with 3 many are
// ~1e-3), read in 3 steps with partial rows and random padding. Steps up to 1e-2: the reader is deep
// and its gradients small. The key biases' gradients are 0 (softmax's shift invariance).
BOOST_AUTO_TEST_CASE(relative_error_per_tensor_of_the_cross_entropy) {
  ChunkReader reader = tiny_reader(3);
  constexpr std::size_t N = 16;
  Rng data(4);
  auto random_chunks = [&](const std::vector<int>& rows) {
    Array ids = Array::from_shape({rows.size(), L});
    for (auto& v : ids) v = data.uniform() < 0.25 ? 0.0f : static_cast<float>(1 + data.randint(6));
    std::vector<int> region;
    for (std::size_t i = 0; i < rows.size(); ++i) region.push_back(static_cast<int>(data.randint(3)));
    return chunks(ids, region);
  };
  std::vector<int> all(N), evens, labels;
  for (std::size_t b = 0; b < N; ++b) {
    all[b] = static_cast<int>(b);
    if (b % 2 == 0) evens.push_back(static_cast<int>(b));
    labels.push_back(static_cast<int>(data.randint(C)));
  }
  const RegionBatch r1 = random_chunks(evens), r2 = random_chunks(all), r3 = random_chunks({5, 1, 12});
  Array onehot = xt::zeros<float>({N, C});
  for (std::size_t b = 0; b < N; ++b) onehot(b, static_cast<std::size_t>(labels[b])) = 1.0f;
  auto run = [&] {
    Memory m = reader.init(N);
    m = reader.update(m, reader.encode(r1), evens);
    m = reader.update(m, reader.encode(r2), all);
    m = reader.update(m, reader.encode(r3), {5, 1, 12});
    // Each example's log-probabilities of its label (the weighted sum is a cross-entropy per example).
    return log_softmax(reader.predict(m)) * Var(onehot);
  };
  // NOT the suite's 1e-2 / 1e-2: this reader's self-attention, layer norms and poolings leave eight
  // tensors with ||gradient|| 3e-3 to 1e-2 at this size, where float32's central difference is good
  // to 1-2.5% (measured, largest 0.025 on attention.k_proj.weight). Stated here: 3e-2 and 2e-3. A
  // backward 10% off still fails it.
  const double worst = gradcheck_relative("chunk", run, reader.named_parameters(),
                                          {.eps = {1e-3f, 3e-3f, 1e-2f}, .max_rel_error = 3e-2, .min_norm = 2e-3},
                                          {"attention.k_proj.bias", "chunk_pool.attention.k_proj.bias", "pool.attention.k_proj.bias"});
  BOOST_TEST_MESSAGE("chunk: largest relative error " << worst);
}

BOOST_AUTO_TEST_CASE(the_logits_gradients_too) {
  // The same check on the raw logits (every output element weighted), with a different seed.
  ChunkReader reader = tiny_reader(2);
  const RegionBatch r1 = chunks(Array({{5, 0, 0, 0}, {0, 0, 0, 0}, {1, 2, 3, 0}}), {0, 0, 1});
  const RegionBatch r2 = chunks(Array({{0, 0, 6, 6}, {2, 4, 6, 1}}), {2, 1});
  auto run = [&] {
    Memory m = reader.update(reader.init(B), reader.encode(r1), {0, 1, 2});
    return reader.predict(reader.update(m, reader.encode(r2), {2, 0}));
  };
  BOOST_TEST(gradcheck_leaves("chunk logits", run, reader.named_parameters(), {.eps = 3e-4f, .atol = 3e-3f}) ==
             reader.num_parameters());
}

BOOST_AUTO_TEST_CASE(padding_is_invisible) {
  ChunkReader reader = tiny_reader(3);
  NoGrad ng;
  const Array ids = {{1, 2, 0, 0}, {0, 3, 0, 4}, {5, 6, 1, 2}};
  Var token = param(reader, "token.weight"), position = param(reader, "token_position.weight");
  const Array before = reader.encode_content(chunks(ids, {})).value();
  BOOST_TEST(all_finite(before));
  for (std::size_t i = 0; i < ids.shape()[0]; ++i) {
    const Array one = xt::view(ids, xt::range(i, i + 1), xt::all());
    const Array alone = reader.encode_content(chunks(one, {})).value();
    // A chunk's embedding does not depend on the other chunks of the batch (up to gemm rounding).
    BOOST_TEST(max_abs_diff(xt::view(alone, 0), xt::view(before, i)) < 1e-5f, "chunk " << i);
    // Rewrite the pad embedding and the within-chunk position embeddings where this chunk has padding:
    // its embedding is the same, bit for bit.
    const Array saved_token = token.value(), saved_position = position.value();
    xt::view(token.value(), 0) += 3.0f;
    for (std::size_t l = 0; l < L; ++l) {
      if (ids(i, l) == 0) xt::view(position.value(), l) -= 2.0f;
    }
    const Array after = reader.encode_content(chunks(one, {})).value();
    BOOST_TEST(max_abs_diff(after, alone) == 0.0f, "chunk " << i);
    // A real token's position does matter (the check can fail).
    token.value() = saved_token;
    for (std::size_t l = 0; l < L; ++l) {
      if (ids(i, l) != 0) xt::view(position.value(), l) += 1.0f;
    }
    BOOST_TEST(max_abs_diff(reader.encode_content(chunks(one, {})).value(), alone) > 1e-3f, "chunk " << i);
    position.value() = saved_position;
  }
}

BOOST_AUTO_TEST_CASE(pad_only_chunks_are_finite) {
  ChunkReader reader = tiny_reader(4);
  // A batch of nothing but padding (every key of every chunk masked), then a mixed one.
  const RegionBatch empty = chunks(Array(xt::zeros<float>({B, L})), {0, 1, 2});
  const RegionBatch mixed = chunks(Array({{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}}), {1, 1, 1});
  const Var content = reader.encode_content(empty);
  BOOST_TEST(all_finite(content.value()));
  // Attending to nothing, each pads to the chunk pooling's output bias.
  const Array bias = reader.chunk_pooling().attention().out_proj().bias().value();
  for (std::size_t i = 0; i < B; ++i) BOOST_TEST(max_abs_diff(xt::view(content.value(), i), bias) < 1e-6f);
  BOOST_TEST(max_abs_diff(reader.chunk_pooling().last_weights(), xt::zeros<float>({B, L})) == 0.0f);

  Tape::current().clear();
  reader.zero_grad();
  Memory m = reader.update(reader.init(B), reader.encode(empty), {0, 1, 2});
  m = reader.update(m, reader.encode(mixed), {0, 1, 2});
  const Var logits = reader.predict(m);
  BOOST_TEST(all_finite(logits.value()));
  backward(cross_entropy(logits, {0, 1, 2}));
  for (const auto& [name, p] : reader.named_parameters()) BOOST_TEST(all_finite(p.grad()), name);
}

BOOST_AUTO_TEST_CASE(bad_ids_are_named) {
  ChunkReader reader = tiny_reader(5);
  NoGrad ng;
  for (float bad : {7.0f, -1.0f, 1.5f, NAN}) {
    Array ids = {{1, 2, 0, 0}};
    ids(0, 1) = bad;
    BOOST_CHECK_THROW(reader.encode_content(chunks(ids, {})), std::invalid_argument);
  }
  BOOST_CHECK_THROW(reader.encode_content(chunks(Array({{1, 2, 3}}), {})), std::invalid_argument);
  Rng rng(0);
  BOOST_CHECK_THROW(ChunkReader({.vocab_size = 1, .chunk_tokens = 4}, rng), std::invalid_argument);
  BOOST_CHECK_THROW(ChunkReader({.vocab_size = 5, .chunk_tokens = 4, .dim = 6, .heads = 4}, rng),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(flops_against_a_hand_count) {
  Rng rng(6);
  // L = 3 tokens, D = 4, F = 6, 2 heads, 5 classes. Multiply-adds of one chunk:
  //   q, k, v, out projections of 3 tokens     4 * 3 * 4*4 = 192
  //   scores 3x3x4 and weighted sum 3x3x4      2 * 36      =  72
  //   feed-forward 3 x (4x6 + 6x4)             3 * 48      = 144
  //   pooling: k, v projections of 3 tokens    2 * 3 * 16  =  96
  //            query and output projections    2 * 16      =  32
  //            scores 3x4, weighted sum 3x4    2 * 12      =  24
  //                                                          560 multiply-adds = 1120 FLOPs
  ChunkReader r({.vocab_size = 9, .chunk_tokens = 3, .regions = 2, .dim = 4, .heads = 2, .num_classes = 5,
                 .ffn_hidden = 6},
                rng);
  BOOST_TEST(r.flops_content() == 1120.0);
  // Encoding also projects the chunk's embedding to the set pooling's keys and values: 2 * 16 more.
  BOOST_TEST(r.flops_encode() == 1120.0 + 64.0);
  BOOST_TEST(r.flops_update(3) == 0.0);
  // Prediction: query, out projections and head1 (3 * 16), head2 (4 * 5), 2 * 4 per item read.
  BOOST_TEST(r.flops_predict(0) == 2.0 * (48.0 + 20.0));
  BOOST_TEST(r.flops_predict(3) == 2.0 * (48.0 + 20.0 + 3 * 8.0));

  // The default feed-forward width is dim, and the figure reported for dim 128, 4 heads, 12 tokens.
  ChunkReader big({.vocab_size = 100, .chunk_tokens = 12, .regions = 16, .dim = 128, .heads = 4}, rng);
  BOOST_TEST(param(big, "ffn1.weight").size() == 128u * 128u);
  BOOST_TEST(big.flops_content() == 2.0 * (4 * 12 * 16384.0 + 2 * 144 * 128.0 + 2 * 12 * 16384.0 +
                                           2 * 12 * 16384.0 + 2 * 16384.0 + 2 * 12 * 128.0));
  BOOST_TEST(big.flops_encode() == 3356672.0);
  BOOST_TEST_MESSAGE("ChunkReader dim 128, 4 heads, 12 tokens: " << big.flops_encode() << " FLOPs per chunk");
}

BOOST_AUTO_TEST_CASE(learns_whether_token_5_is_anywhere) {
  // 4 chunks of 4 tokens, each chunk 0..4 real tokens then padding, tokens from {1,2,3,4,6,7}; label 1
  // (half the documents) puts one 5 at a random real position. The reader reads every chunk.
  constexpr std::size_t R = 4, V = 8, batch = 32;
  const auto start = std::chrono::steady_clock::now();
  auto make = [&](Rng& rng, std::size_t n, std::vector<Array>& content, std::vector<int>& labels) {
    const Array zero = xt::zeros<float>({n, L});
    content.assign(R, zero);
    labels.assign(n, 0);
    const float others[] = {1, 2, 3, 4, 6, 7};
    for (std::size_t b = 0; b < n; ++b) {
      std::size_t len[R];
      for (std::size_t t = 0; t < R; ++t) {
        len[t] = rng.randint(L + 1);
        for (std::size_t l = 0; l < len[t]; ++l) content[t](b, l) = others[rng.randint(6)];
      }
      labels[b] = rng.bernoulli(0.5) ? 1 : 0;
      if (labels[b]) {
        const std::size_t t = rng.randint(R);
        if (len[t] == 0) len[t] = 1;
        content[t](b, rng.randint(len[t])) = 5;
      }
    }
  };
  Rng init(7);
  ChunkReader reader({.vocab_size = V, .chunk_tokens = L, .regions = R, .dim = 16, .heads = 2, .num_classes = 2}, init);
  auto forward = [&](const std::vector<Array>& content) {
    const std::size_t n = content[0].shape()[0];
    std::vector<int> rows(n);
    for (std::size_t b = 0; b < n; ++b) rows[b] = static_cast<int>(b);
    Memory m = reader.init(n);
    for (std::size_t t = 0; t < R; ++t) {
      m = reader.update(m, reader.encode(chunks(content[t], std::vector<int>(n, static_cast<int>(t)))), rows);
    }
    return reader.predict(m);
  };
  Adam adam(reader.named_parameters(), {.lr = 3e-3});
  Rng data(8);
  std::vector<Array> content;
  std::vector<int> labels;
  for (int step = 0; step < 300; ++step) {
    make(data, batch, content, labels);
    adam.zero_grad();
    backward(cross_entropy(forward(content), labels));
    adam.step();
  }
  Rng test(9);
  make(test, 512, content, labels);
  NoGrad ng;
  const Array logits = forward(content).value();
  std::size_t correct = 0;
  for (std::size_t b = 0; b < labels.size(); ++b) correct += (logits(b, 1) > logits(b, 0)) == (labels[b] == 1);
  const double accuracy = static_cast<double>(correct) / static_cast<double>(labels.size());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("token-5 task: test accuracy " << accuracy << " after 300 steps, " << seconds << " s");
  BOOST_TEST(accuracy > 0.9);
}
