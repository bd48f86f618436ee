// query_attention and multi_head_attend (attention/query_attention.hpp), the fused multi-head attention
// that AttentionPooling and MultiHeadAttention run on: against the unfused path it replaces (MultiHeadAttention's split heads,
// scaled dot-product attention and merged heads, each query repeated per example), with and without a
// mask and with an example that keeps no key; its weights; and its gradient into the query, the keys
// and the values against finite differences by relative error.
#define BOOST_TEST_MODULE query_attention
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "attention/query_attention.hpp"
#include "attention/scaled_dot_product.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_relative;

namespace {

constexpr std::size_t B = 3, T = 5, d = 8, H = 2;

Var leaf(Rng& rng, const Shape& shape) { return Var(rng.normal_array(shape, 0.0f, 1.0f), /*requires_grad=*/true); }

float max_abs_diff(const Array& a, const Array& b) {
  BOOST_TEST_REQUIRE((a.shape() == b.shape()));
  return xt::amax(xt::abs(a - b))();
}

// Example 0 ignores keys 2 and 4; example 1 keeps none; example 2 keeps all.
Array mask_with_empty_row() { return Array({{1, 1, 0, 1, 0}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}}); }

// What query_attention replaces: each head's scaled dot-product attention (attention/
// scaled_dot_product.hpp) of each example's query over its set, the heads' outputs side by side.
Var unfused(const Var& q, const Var& keys, const Var& values, const Array* mask) {
  const Var queries = reshape(q.shape(0) == 1 ? Var(xt::zeros<float>({B, d})) + q : q, {B, 1, d});
  const std::size_t dh = d / H;
  std::vector<Var> heads;
  for (std::size_t h = 0; h < H; ++h) {
    const auto part = [&](const Var& x) { return slice(x, 2, h * dh, (h + 1) * dh); };
    heads.push_back(scaled_dot_product_attention(part(queries), part(keys), part(values), mask));
  }
  return reshape(concat(heads, 2), {B, d});
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_the_unfused_attention_with_and_without_a_mask) {
  Rng rng(1);
  const Var keys = leaf(rng, {B, T, d}), values = leaf(rng, {B, T, d});
  const Array mask = mask_with_empty_row();
  for (const std::size_t queries : {std::size_t{1}, B}) {
    const Var q = leaf(rng, {queries, d});
    for (const Array* m : {static_cast<const Array*>(nullptr), &mask}) {
      Array w;
      const Var fused = query_attention(q, keys, values, H, m, &w);
      BOOST_TEST(max_abs_diff(fused.value(), unfused(q, keys, values, m).value()) < 1e-5f);
      BOOST_TEST((w.shape() == Shape{B, H, T}));
      for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t h = 0; h < H; ++h) {
          float total = 0.0f;
          for (std::size_t t = 0; t < T; ++t) {
            const bool kept = !m || (*m)(b, t) != 0.0f;
            if (!kept) BOOST_TEST(w(b, h, t) == 0.0f);  // a masked key gets exactly no weight
            total += w(b, h, t);
          }
          const bool none_kept = m && b == 1;
          BOOST_TEST(std::abs(total - (none_kept ? 0.0f : 1.0f)) < 1e-6f);
        }
      }
      if (m) BOOST_TEST(xt::amax(xt::abs(xt::view(fused.value(), 1, xt::all())))() == 0.0f);  // attends to nothing
    }
  }
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences) {
  Rng rng(2);
  const Array mask = mask_with_empty_row();
  for (const std::size_t queries : {std::size_t{1}, B}) {
    const Var q = leaf(rng, {queries, d}), keys = leaf(rng, {B, T, d}), values = leaf(rng, {B, T, d});
    for (const Array* m : {static_cast<const Array*>(nullptr), &mask}) {
      const double worst = gradcheck_relative(
          "query_attention", [&] { return query_attention(q, keys, values, H, m); },
          {{"q", q}, {"keys", keys}, {"values", values}});
      BOOST_TEST(worst < 1e-2);
    }
  }
}

BOOST_AUTO_TEST_CASE(several_queries_match_the_unfused_attention_and_finite_differences) {
  Rng rng(4);
  const Array mask = mask_with_empty_row();
  const std::size_t Tq = 3, dh = d / H;
  const Var q = leaf(rng, {B, Tq, d}), keys = leaf(rng, {B, T, d}), values = leaf(rng, {B, T, d});
  std::vector<Var> heads;
  for (std::size_t h = 0; h < H; ++h) {
    const auto part = [&](const Var& x) { return slice(x, 2, h * dh, (h + 1) * dh); };
    heads.push_back(scaled_dot_product_attention(part(q), part(keys), part(values), &mask));
  }
  BOOST_TEST(max_abs_diff(multi_head_attend(q, keys, values, H, &mask).value(), concat(heads, 2).value()) < 1e-5f);
  const double worst = gradcheck_relative(
      "multi_head_attend", [&] { return multi_head_attend(q, keys, values, H, &mask); },
      {{"q", q}, {"keys", keys}, {"values", values}});
  BOOST_TEST(worst < 1e-2);
}

BOOST_AUTO_TEST_CASE(rejects_shapes_that_do_not_fit) {
  Rng rng(3);
  const Var keys = leaf(rng, {B, T, d}), values = leaf(rng, {B, T, d});
  BOOST_CHECK_THROW(query_attention(leaf(rng, {2, d}), keys, values, H, nullptr), std::invalid_argument);
  BOOST_CHECK_THROW(query_attention(leaf(rng, {1, d}), keys, values, 3, nullptr), std::invalid_argument);
  BOOST_CHECK_THROW(query_attention(leaf(rng, {1, d}), keys, leaf(rng, {B, T + 1, d}), H, nullptr),
                    std::invalid_argument);
  const Array short_mask = xt::ones<float>({B, T - 1});
  BOOST_CHECK_THROW(query_attention(leaf(rng, {1, d}), keys, values, H, &short_mask), std::invalid_argument);
}
