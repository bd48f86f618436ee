// The shared attention blocks: scaled dot-product attention against a hand-computed example, masking
// (masked keys get exactly zero weight and no influence, all-masked rows stay finite), multi-head
// attention against per-head SDPA, the two poolings' permutation invariance, and every block's
// gradient (inputs and parameters) against finite differences, with and without a mask.
#define BOOST_TEST_MODULE attention
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "attention/multi_head.hpp"
#include "attention/pooling.hpp"
#include "attention/scaled_dot_product.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck;
using saccade::testing::gradcheck_leaves;
using saccade::testing::gradcheck_relative;
using saccade::testing::with_inputs;

namespace {

Array randn(Rng& rng, const Shape& shape) { return rng.normal_array(shape, 0.0f, 1.0f); }
Var leaf(Rng& rng, const Shape& shape) { return Var(randn(rng, shape), /*requires_grad=*/true); }

float max_abs_diff(const Array& a, const Array& b) {
  BOOST_TEST_REQUIRE((a.shape() == b.shape()));
  float m = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
  return m;
}

bool all_finite(const Array& a) {
  for (float v : a) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// Example 0 ignores keys 2 and 4, example 1 ignores key 0: [2, 5].
Array partial_mask() { return Array({{1, 1, 0, 1, 0}, {0, 1, 1, 1, 1}}); }
// Example 0 ignores key 1, example 1 ignores every key: [2, 5].
Array mask_with_empty_row() { return Array({{1, 0, 1, 1, 1}, {0, 0, 0, 0, 0}}); }

// x [B, T, d] with the T positions reordered: out[:, i] = x[:, perm[i]] (also for masks [B, T]).
Array permute_positions(const Array& x, const std::vector<std::size_t>& perm) {
  Array out = Array::from_shape(x.shape());
  const std::size_t b = x.shape()[0], t = x.shape()[1], inner = x.size() / (b * t);
  for (std::size_t i = 0; i < b; ++i) {
    for (std::size_t j = 0; j < t; ++j) {
      std::copy_n(x.data() + (i * t + perm[j]) * inner, inner, out.data() + (i * t + j) * inner);
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(sdpa)

BOOST_AUTO_TEST_CASE(hand_computed) {
  NoGrad ng;
  // D = 4, so the scores are q.k / 2.
  //   query 0 = (1, 0, 0, 0): scores (2 ln 3 / 2, 0) = (ln 3, 0) -> weights (3/4, 1/4)
  //   query 1 = (0, 0, 0, 0): scores (0, 0)                     -> weights (1/2, 1/2)
  // Values (4, 0) and (0, 8):
  //   out 0 = 3/4 (4, 0) + 1/4 (0, 8) = (3, 2);  out 1 = 1/2 (4, 0) + 1/2 (0, 8) = (2, 4).
  const float two_ln3 = 2.0f * std::log(3.0f);
  Var q(Array({{{1, 0, 0, 0}, {0, 0, 0, 0}}}));
  Var k(Array({{{two_ln3, 0, 0, 0}, {0, 5, 0, 0}}}));  // key 1 is orthogonal to both queries
  Var v(Array({{{4, 0}, {0, 8}}}));
  Var w;
  Var out = scaled_dot_product_attention(q, k, v, nullptr, &w);
  BOOST_TEST((out.shape() == Shape{1, 2, 2}));
  BOOST_TEST((w.shape() == Shape{1, 2, 2}));
  BOOST_TEST(max_abs_diff(w.value(), Array({{{0.75f, 0.25f}, {0.5f, 0.5f}}})) < 1e-6f);
  BOOST_TEST(max_abs_diff(out.value(), Array({{{3, 2}, {2, 4}}})) < 1e-5f);

  // Masking key 1 leaves key 0 alone: weights (1, 0) for both queries, outputs = value 0 = (4, 0).
  Array mask({{1, 0}});
  out = scaled_dot_product_attention(q, k, v, &mask, &w);
  BOOST_TEST(max_abs_diff(w.value(), Array({{{1, 0}, {1, 0}}})) == 0.0f);
  BOOST_TEST(max_abs_diff(out.value(), Array({{{4, 0}, {4, 0}}})) == 0.0f);
}

BOOST_AUTO_TEST_CASE(masked_keys_have_zero_weight_and_no_influence) {
  NoGrad ng;
  Rng rng(1);
  Array q = randn(rng, {2, 3, 4}), k = randn(rng, {2, 5, 4}), v = randn(rng, {2, 5, 3});
  const Array mask = partial_mask();
  Var w;
  const Array out = scaled_dot_product_attention(Var(q), Var(k), Var(v), &mask, &w).value();
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t i = 0; i < 3; ++i) {
      float row = 0.0f;
      for (std::size_t j = 0; j < 5; ++j) {
        row += w.value()(b, i, j);
        if (mask(b, j) == 0.0f) BOOST_TEST(w.value()(b, i, j) == 0.0f);  // exactly, not just small
        else BOOST_TEST(w.value()(b, i, j) > 0.0f);
      }
      BOOST_TEST(row == 1.0f, boost::test_tools::tolerance(1e-6f));
    }
  }
  // Rewriting the keys and values at masked positions changes nothing, bit for bit.
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t j = 0; j < 5; ++j) {
      if (mask(b, j) != 0.0f) continue;
      for (std::size_t c = 0; c < 4; ++c) k(b, j, c) = 100.0f * (c + 1);
      for (std::size_t c = 0; c < 3; ++c) v(b, j, c) = -1000.0f;
    }
  }
  const Array again = scaled_dot_product_attention(Var(q), Var(k), Var(v), &mask).value();
  BOOST_TEST(max_abs_diff(out, again) == 0.0f);
}

BOOST_AUTO_TEST_CASE(all_masked_rows_give_zeros_not_nan) {
  Rng rng(2);
  Var q = leaf(rng, {2, 3, 4}), k = leaf(rng, {2, 5, 4}), v = leaf(rng, {2, 5, 3});
  const Array mask = mask_with_empty_row();
  Var w;
  Var out = scaled_dot_product_attention(q, k, v, &mask, &w);
  BOOST_TEST(all_finite(out.value()));
  BOOST_TEST(all_finite(w.value()));
  // Example 1 attends to nothing: zero weights, zero output.
  BOOST_TEST(max_abs_diff(xt::view(w.value(), 1), xt::zeros<float>({3, 5})) == 0.0f);
  BOOST_TEST(max_abs_diff(xt::view(out.value(), 1), xt::zeros<float>({3, 3})) == 0.0f);
  // ... and passes no gradient back; example 0 still does.
  backward(sum(out * out));
  for (const Var& x : {q, k, v}) {
    BOOST_TEST(all_finite(x.grad()));
    BOOST_TEST(xt::amax(xt::abs(xt::view(x.grad(), 1)))() == 0.0f);
    BOOST_TEST(xt::amax(xt::abs(xt::view(x.grad(), 0)))() > 0.0f);
  }
}

BOOST_AUTO_TEST_CASE(bad_shapes_are_named) {
  NoGrad ng;
  Var q(xt::zeros<float>({2, 3, 4})), k(xt::zeros<float>({2, 5, 4})), v(xt::zeros<float>({2, 5, 3}));
  BOOST_CHECK_THROW(scaled_dot_product_attention(q, Var(xt::zeros<float>({2, 5, 3})), v), std::invalid_argument);
  BOOST_CHECK_THROW(scaled_dot_product_attention(q, k, Var(xt::zeros<float>({2, 4, 3}))), std::invalid_argument);
  BOOST_CHECK_THROW(scaled_dot_product_attention(q, k, Var(xt::zeros<float>({5, 3}))), std::invalid_argument);
  const Array bad_mask = xt::ones<float>({2, 4});
  BOOST_CHECK_THROW(scaled_dot_product_attention(q, k, v, &bad_mask), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(gradients) {
  Rng rng(3);
  const std::vector<Array> inputs = {randn(rng, {2, 3, 4}), randn(rng, {2, 5, 4}), randn(rng, {2, 5, 3})};
  gradcheck("sdpa", [](const std::vector<Var>& x) { return scaled_dot_product_attention(x[0], x[1], x[2]); },
            inputs);
  for (const Array& mask : {partial_mask(), mask_with_empty_row()}) {
    gradcheck("sdpa masked",
              [&mask](const std::vector<Var>& x) { return scaled_dot_product_attention(x[0], x[1], x[2], &mask); },
              inputs);
  }
  // By relative error per tensor (gradcheck.hpp: < 1e-2, ||numeric|| >= 0.1) w.r.t. query, keys and
  // values, with and without a mask.
  {
    Var q(inputs[0], true), k(inputs[1], true), v(inputs[2], true);
    const NamedParameters leaves = {{"query", q}, {"keys", k}, {"values", v}};
    const Array partial = partial_mask();
    gradcheck_relative("sdpa", [&] { return scaled_dot_product_attention(q, k, v); }, leaves);
    gradcheck_relative("sdpa masked", [&] { return scaled_dot_product_attention(q, k, v, &partial); }, leaves);
  }
  // The weights are differentiable too (a loss may supervise them).
  const Array mask = partial_mask();
  gradcheck("sdpa weights", [&mask](const std::vector<Var>& x) {
    Var w;
    scaled_dot_product_attention(x[0], x[1], x[2], &mask, &w);
    return w;
  }, inputs, {}, {true, true, false});
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(multi_head)

BOOST_AUTO_TEST_CASE(shapes_parameters_and_errors) {
  NoGrad ng;
  Rng rng(4);
  MultiHeadAttention mha(8, 2, rng);
  BOOST_TEST(mha.num_parameters() == 4u * (8u * 8u + 8u));
  BOOST_TEST(mha.named_parameters().front().first == "q_proj.weight");
  BOOST_TEST(mha.named_parameters().back().first == "out_proj.bias");
  Var out = mha(Var(randn(rng, {3, 2, 8})), Var(randn(rng, {3, 5, 8})), Var(randn(rng, {3, 5, 8})));
  BOOST_TEST((out.shape() == Shape{3, 2, 8}));
  BOOST_TEST((mha.last_weights_per_head().shape() == std::vector<std::size_t>{3, 2, 2, 5}));
  BOOST_TEST((mha.last_weights().shape() == std::vector<std::size_t>{3, 2, 5}));
  BOOST_CHECK_THROW(MultiHeadAttention(6, 4, rng), std::invalid_argument);
  BOOST_CHECK_THROW(mha(Var(randn(rng, {3, 2, 6})), out, out), std::invalid_argument);
  const Array bad_mask = xt::ones<float>({3, 4});
  BOOST_CHECK_THROW(mha(out, out, out, &bad_mask), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(one_head_is_sdpa_on_projections) {
  NoGrad ng;
  Rng rng(5);
  MultiHeadAttention mha(6, 1, rng);
  Var q(randn(rng, {2, 3, 6})), k(randn(rng, {2, 4, 6})), v(randn(rng, {2, 4, 6}));
  const Array mask({{1, 1, 0, 1}, {1, 0, 0, 0}});
  Var w;
  Var expected = mha.out_proj()(scaled_dot_product_attention(mha.q_proj()(q), mha.k_proj()(k), mha.v_proj()(v),
                                                             &mask, &w));
  BOOST_TEST(max_abs_diff(mha(q, k, v, &mask).value(), expected.value()) < 1e-6f);
  BOOST_TEST(max_abs_diff(mha.last_weights(), w.value()) < 1e-6f);  // the fused op rounds its own way
}

BOOST_AUTO_TEST_CASE(heads_are_feature_slices) {
  // The fused heads must equal running SDPA on each slice of d_model / heads features.
  NoGrad ng;
  Rng rng(6);
  const std::size_t d = 6, heads = 3, dh = d / heads;
  MultiHeadAttention mha(d, heads, rng);
  Var q(randn(rng, {2, 3, d})), k(randn(rng, {2, 4, d})), v(randn(rng, {2, 4, d}));
  const Array mask({{1, 1, 0, 1}, {0, 1, 1, 1}});
  Var pq = mha.q_proj()(q), pk = mha.k_proj()(k), pv = mha.v_proj()(v);
  std::vector<Var> outs;
  std::vector<Array> weights;
  for (std::size_t h = 0; h < heads; ++h) {
    Var w;
    outs.push_back(scaled_dot_product_attention(slice(pq, 2, h * dh, (h + 1) * dh), slice(pk, 2, h * dh, (h + 1) * dh),
                                                slice(pv, 2, h * dh, (h + 1) * dh), &mask, &w));
    weights.push_back(w.value());
  }
  Var expected = mha.out_proj()(concat(outs, 2));
  BOOST_TEST(max_abs_diff(mha(q, k, v, &mask).value(), expected.value()) < 1e-6f);
  Array mean = xt::zeros<float>({2, 3, 4});
  for (std::size_t h = 0; h < heads; ++h) {
    BOOST_TEST(max_abs_diff(xt::view(mha.last_weights_per_head(), xt::all(), h), weights[h]) < 1e-6f);
    mean += weights[h] / static_cast<float>(heads);
  }
  BOOST_TEST(max_abs_diff(mha.last_weights(), mean) < 1e-6f);
}

BOOST_AUTO_TEST_CASE(gradients) {
  Rng rng(7);
  MultiHeadAttention mha(4, 2, rng);
  Var q = leaf(rng, {2, 3, 4}), k = leaf(rng, {2, 5, 4}), v = leaf(rng, {2, 5, 4});
  const auto leaves = with_inputs(mha, {{"query", q}, {"keys", k}, {"values", v}});
  gradcheck_leaves("mha", [&] { return mha(q, k, v); }, leaves);
  for (const Array& mask : {partial_mask(), mask_with_empty_row()}) {
    gradcheck_leaves("mha masked", [&] { return mha(q, k, v, &mask); }, leaves);
  }
  // Self-attention: one leaf is query, keys and values at once, so its gradient sums three paths.
  Var x = leaf(rng, {2, 5, 4});
  const Array mask = partial_mask();
  gradcheck_leaves("mha self", [&] { return mha(x, x, x, &mask); }, with_inputs(mha, {{"x", x}}));
  // By relative error per tensor: every projection's weight and bias, and the inputs. The key bias
  // adds q.b_k to every score of a query alike, which softmax ignores: its gradient must be 0.
  gradcheck_relative("mha", [&] { return mha(q, k, v, &mask); }, leaves, {}, {"k_proj.bias"});
  gradcheck_relative("mha self", [&] { return mha(x, x, x, &mask); }, with_inputs(mha, {{"x", x}}), {}, {"k_proj.bias"});
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(pooling)

BOOST_AUTO_TEST_CASE(shapes_and_weights) {
  NoGrad ng;
  Rng rng(8);
  AttentionPooling pma(4, 2, rng);
  AdditivePooling add(4, 3, rng);
  BOOST_TEST(pma.named_parameters().front().first == "query");
  BOOST_TEST(pma.num_parameters() == 4u + 4u * (16u + 4u));
  BOOST_TEST(add.num_parameters() == 4u * 3u + 3u + 3u);
  Var x(randn(rng, {2, 5, 4}));
  const Array mask = partial_mask();
  BOOST_TEST((pma(x, &mask).shape() == Shape{2, 4}));
  BOOST_TEST((add(x, &mask).shape() == Shape{2, 4}));
  BOOST_TEST((pma.last_weights_per_head().shape() == std::vector<std::size_t>{2, 2, 5}));
  for (const Array& w : {pma.last_weights(), add.last_weights()}) {
    BOOST_TEST_REQUIRE((w.shape() == std::vector<std::size_t>{2, 5}));
    for (std::size_t b = 0; b < 2; ++b) {
      float total = 0.0f;
      for (std::size_t t = 0; t < 5; ++t) {
        total += w(b, t);
        if (mask(b, t) == 0.0f) BOOST_TEST(w(b, t) == 0.0f);
      }
      BOOST_TEST(total == 1.0f, boost::test_tools::tolerance(1e-6f));
    }
  }
  // Additive pooling is the weighted sum of the set under its own weights.
  Array expected = xt::sum(x.value() * xt::view(add.last_weights(), xt::all(), xt::all(), xt::newaxis()), {1});
  BOOST_TEST(max_abs_diff(add(x, &mask).value(), expected) < 1e-6f);
}

BOOST_AUTO_TEST_CASE(permutation_invariant) {
  NoGrad ng;
  Rng rng(9);
  AttentionPooling pma(4, 2, rng);
  AdditivePooling add(4, 3, rng);
  const Array x = randn(rng, {2, 5, 4});
  const Array mask = partial_mask();
  const std::vector<std::size_t> perm = {3, 0, 4, 2, 1};
  const Array px = permute_positions(x, perm), pmask = permute_positions(mask, perm);
  for (int which = 0; which < 2; ++which) {
    auto pool = [&](const Array& in, const Array& m) { return which ? add(Var(in), &m) : pma(Var(in), &m); };
    auto weights = [&] { return which ? add.last_weights() : pma.last_weights(); };
    const Array out = pool(x, mask).value(), w = weights();
    const Array pout = pool(px, pmask).value(), pw = weights();
    BOOST_TEST(max_abs_diff(out, pout) < 1e-5f, (which ? "additive" : "attention"));
    BOOST_TEST(max_abs_diff(permute_positions(w, perm), pw) < 1e-6f, (which ? "additive" : "attention"));
  }
}

BOOST_AUTO_TEST_CASE(all_masked_set_is_finite) {
  NoGrad ng;
  Rng rng(10);
  AttentionPooling pma(4, 2, rng);
  AdditivePooling add(4, 3, rng);
  Var x(randn(rng, {2, 5, 4}));
  const Array mask = mask_with_empty_row();
  const Array a = pma(x, &mask).value(), b = add(x, &mask).value();
  BOOST_TEST(all_finite(a));
  BOOST_TEST(all_finite(b));
  BOOST_TEST(max_abs_diff(xt::view(b, 1), xt::zeros<float>({4})) == 0.0f);  // nothing read: zeros
  BOOST_TEST(max_abs_diff(xt::view(a, 1), pma.attention().out_proj().bias().value()) < 1e-6f);
  BOOST_TEST(max_abs_diff(xt::view(pma.last_weights(), 1), xt::zeros<float>({5})) == 0.0f);
  BOOST_TEST(max_abs_diff(xt::view(add.last_weights(), 1), xt::zeros<float>({5})) == 0.0f);
}

BOOST_AUTO_TEST_CASE(pooling_projected_keys_and_values_equals_pooling_the_set) {
  // What a set reader does with its cache: the keys and values of each item projected when it came.
  Rng rng(12);
  AttentionPooling pma(4, 2, rng);
  Var x = leaf(rng, {2, 5, 4});
  const Array mask = partial_mask();
  const auto cached = [&] {
    const MultiHeadAttention& a = pma.attention();
    return pma.forward_projected(a.k_proj()(x), a.v_proj()(x), &mask);
  };
  const Array direct = pma(x, &mask).value();
  const Array w = pma.last_weights();
  BOOST_TEST(max_abs_diff(cached().value(), direct) < 1e-6f);
  BOOST_TEST(max_abs_diff(pma.last_weights(), w) < 1e-7f);
  gradcheck_leaves("attention pooling, projected", cached, with_inputs(pma, {{"x", x}}));
}

BOOST_AUTO_TEST_CASE(gradients) {
  Rng rng(11);
  AttentionPooling pma(4, 2, rng);
  AdditivePooling add(4, 3, rng);
  Var x = leaf(rng, {2, 5, 4});
  const Array partial = partial_mask(), empty_row = mask_with_empty_row();
  for (const Array* mask : {static_cast<const Array*>(nullptr), &partial, &empty_row}) {
    gradcheck_leaves("attention pooling", [&] { return pma(x, mask); }, with_inputs(pma, {{"x", x}}));
    gradcheck_leaves("additive pooling", [&] { return add(x, mask); }, with_inputs(add, {{"x", x}}));
  }
  // By relative error per tensor (all-masked rows excluded: their output is a constant zero).
  gradcheck_relative("attention pooling", [&] { return pma(x, &partial); }, with_inputs(pma, {{"x", x}}), {},
                     {"attention.k_proj.bias"});
  gradcheck_relative("additive pooling", [&] { return add(x, &partial); }, with_inputs(add, {{"x", x}}));
}

BOOST_AUTO_TEST_SUITE_END()
