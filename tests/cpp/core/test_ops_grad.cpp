// Every op in core/ops.hpp: its forward against hand-computed values and its backward against
// finite differences (tests/cpp/gradcheck.hpp).
#define BOOST_TEST_MODULE ops_grad
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/ops.hpp"
#include "core/random.hpp"
#include "gradcheck.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck;

namespace {
Rng rng = Rng::stream(7, "test_ops_grad");
Array randn(const Shape& s) { return rng.normal_array(s, 0.0f, 1.0f); }
Array positive(const Shape& s) { return rng.uniform_array(s, 0.5f, 2.0f); }
// Values at least 0.1 away from zero, so relu's kink is never inside the finite difference.
Array away_from_zero(const Shape& s) {
  Array a = randn(s);
  for (auto& v : a) v = v >= 0 ? v + 0.1f : v - 0.1f;
  return a;
}
void check_close(const Array& got, const std::vector<float>& want, float tol = 1e-5f) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) BOOST_TEST(std::abs(got.data()[i] - want[i]) <= tol, "element " << i << ": " << got.data()[i] << " vs " << want[i]);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(elementwise)

BOOST_AUTO_TEST_CASE(binary_broadcasting) {
  Var a(Array{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
  Var b(Array{10.f, 20.f, 30.f});
  check_close((a + b).value(), {11, 22, 33, 14, 25, 36});
  check_close((a - b).value(), {-9, -18, -27, -6, -15, -24});
  check_close((a * b).value(), {10, 40, 90, 40, 100, 180});
  check_close((a / b).value(), {0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f});
  for (Shape sb : {Shape{2, 3}, Shape{3}, Shape{2, 1}, Shape{1, 3}, Shape{}}) {
    gradcheck("add", [](auto& v) { return v[0] + v[1]; }, {randn({2, 3}), randn(sb)});
    gradcheck("sub", [](auto& v) { return v[0] - v[1]; }, {randn({2, 3}), randn(sb)});
    gradcheck("mul", [](auto& v) { return v[0] * v[1]; }, {randn({2, 3}), randn(sb)});
    gradcheck("div", [](auto& v) { return v[0] / v[1]; }, {randn({2, 3}), positive(sb)});
  }
  gradcheck("add 3d", [](auto& v) { return v[0] + v[1]; }, {randn({2, 3, 4}), randn({2, 1, 4})});
}

BOOST_AUTO_TEST_CASE(scalar_forms) {
  Var a(Array{1.f, -2.f});
  check_close((a * 3.f + 1.f).value(), {4, -5});
  check_close((2.f - a).value(), {1, 4});
  check_close((-a / 2.f).value(), {-0.5f, 1});
  gradcheck("scalar ops", [](auto& v) { return 3.f - (v[0] * 2.f + 1.f) / 4.f; }, {randn({3, 2})});
  gradcheck("neg", [](auto& v) { return -v[0]; }, {randn({4})});
}

BOOST_AUTO_TEST_CASE(unary) {
  Var a(Array{-1.f, 0.5f, 2.f});
  check_close(relu(a).value(), {0, 0.5f, 2});
  check_close(tanh(a).value(), {std::tanh(-1.f), std::tanh(0.5f), std::tanh(2.f)});
  check_close(sigmoid(a).value(), {1 / (1 + std::exp(1.f)), 1 / (1 + std::exp(-0.5f)), 1 / (1 + std::exp(-2.f))});
  check_close(exp(a).value(), {std::exp(-1.f), std::exp(0.5f), std::exp(2.f)});
  check_close(log(Var(Array{1.f, std::exp(2.f)})).value(), {0, 2});
  BOOST_TEST(sigmoid(Var(Array{-200.f})).item() == 0.0f);  // saturates without NaN
  gradcheck("relu", [](auto& v) { return relu(v[0]); }, {away_from_zero({3, 4})});
  gradcheck("tanh", [](auto& v) { return tanh(v[0]); }, {randn({3, 4})});
  gradcheck("sigmoid", [](auto& v) { return sigmoid(v[0]); }, {randn({3, 4})});
  gradcheck("exp", [](auto& v) { return exp(v[0]); }, {randn({3, 4})});
  gradcheck("log", [](auto& v) { return log(v[0]); }, {positive({3, 4})});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products)

BOOST_AUTO_TEST_CASE(matmul_forward) {
  Var a(Array{{1.f, 2.f}, {3.f, 4.f}});
  Var b(Array{{5.f, 6.f, 7.f}, {8.f, 9.f, 10.f}});
  check_close(matmul(a, b).value(), {21, 24, 27, 47, 54, 61});
  Var bt(Array{{5.f, 8.f}, {6.f, 9.f}, {7.f, 10.f}});
  check_close(matmul(a, bt, true).value(), {21, 24, 27, 47, 54, 61});
  BOOST_CHECK_THROW(matmul(a, Var(randn({3, 2}))), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(matmul_grad) {
  gradcheck("matmul 2d", [](auto& v) { return matmul(v[0], v[1]); }, {randn({3, 4}), randn({4, 5})});
  gradcheck("matmul 2d^T", [](auto& v) { return matmul(v[0], v[1], true); }, {randn({3, 4}), randn({5, 4})});
  gradcheck("matmul rows", [](auto& v) { return matmul(v[0], v[1]); }, {randn({2, 3, 4}), randn({4, 2})});
  gradcheck("matmul batched", [](auto& v) { return matmul(v[0], v[1]); }, {randn({2, 3, 4}), randn({2, 4, 5})});
  gradcheck("matmul batched^T", [](auto& v) { return matmul(v[0], v[1], true); },
            {randn({2, 3, 4}), randn({2, 5, 4})});
}

BOOST_AUTO_TEST_CASE(affine_is_matmul_plus_bias) {
  Var x(Array{{1.f, 2.f}, {3.f, 4.f}}), w(Array{{5.f, 6.f, 7.f}, {8.f, 9.f, 10.f}}), b(Array{0.5f, -1.f, 2.f});
  check_close(affine(x, w, b).value(), {21.5f, 23, 29, 47.5f, 53, 63});
  BOOST_CHECK_THROW(affine(x, w, Var(randn({2}))), std::invalid_argument);
  // Small products (core/kernels' plain loop) and ones large enough for sgemm, with leading axes.
  gradcheck("affine", [](auto& v) { return affine(v[0], v[1], v[2]); }, {randn({3, 4}), randn({4, 5}), randn({5})});
  gradcheck("affine rows", [](auto& v) { return affine(v[0], v[1], v[2]); }, {randn({2, 3, 4}), randn({4, 2}), randn({2})});
  gradcheck("affine of two terms", [](auto& v) { return affine({{v[0], v[1]}, {v[2], v[3]}}, v[4]); },
            {randn({3, 4}), randn({4, 5}), randn({3, 2}), randn({2, 5}), randn({5})});
  check_close(affine({{x, w}, {x, w}}, b).value(), {42.5f, 47, 56, 94.5f, 107, 124});
  BOOST_CHECK_THROW(affine({{x, w}, {Var(randn({3, 2})), w}}, b), std::invalid_argument);  // rows differ
  // The loss is linear in each input, so a large step is exact and keeps float32's rounding of the
  // larger sum out of the difference.
  gradcheck("affine sgemm", [](auto& v) { return affine(v[0], v[1], v[2]); }, {randn({9, 40}), randn({40, 30}), randn({30})},
            {.eps = 0.25f});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reductions)

BOOST_AUTO_TEST_CASE(sum_mean) {
  Var a(Array{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
  BOOST_TEST(sum(a).item() == 21.f);
  BOOST_TEST(mean(a).item() == 3.5f);
  check_close(sum(a, 0).value(), {5, 7, 9});
  check_close(sum(a, -1).value(), {6, 15});
  check_close(mean(a, 1).value(), {2, 5});
  BOOST_TEST(sum(a, 1, true).dim() == 2u);
  gradcheck("sum", [](auto& v) { return sum(v[0]); }, {randn({3, 4})});
  gradcheck("mean", [](auto& v) { return mean(v[0]); }, {randn({3, 4})});
  for (int axis : {0, 1, 2, -1}) {
    gradcheck("sum axis", [axis](auto& v) { return sum(v[0], axis); }, {randn({2, 3, 4})});
    gradcheck("mean axis keepdims", [axis](auto& v) { return mean(v[0], axis, true); }, {randn({2, 3, 4})});
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(shape)

BOOST_AUTO_TEST_CASE(reshape_concat_slice) {
  Var a(Array{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
  BOOST_TEST(reshape(a, {3, 2}).shape(0) == 3u);
  check_close(concat({a, a}, 1).value(), {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
  check_close(concat({a, a}, 0).value(), {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6});
  check_close(slice(a, 1, 1, 3).value(), {2, 3, 5, 6});
  check_close(slice(a, 0, 1, 2).value(), {4, 5, 6});
  BOOST_CHECK_THROW(slice(a, 1, 2, 4), std::invalid_argument);
  BOOST_CHECK_THROW(reshape(a, {4}), std::invalid_argument);
  gradcheck("reshape", [](auto& v) { return reshape(v[0], {4, 3}) * reshape(v[0], {4, 3}); }, {randn({2, 6})});
  for (int axis : {0, 1, -1}) {
    gradcheck("concat", [axis](auto& v) { return concat({v[0], v[1], v[0]}, axis); },
              {randn({2, 3, 2}), randn({2, 3, 2})});
    gradcheck("slice", [axis](auto& v) { return slice(v[0], axis, 1, 2); }, {randn({2, 3, 2})});
  }
  gradcheck("concat uneven", [](auto& v) { return concat({v[0], v[1]}, 1); }, {randn({2, 1, 3}), randn({2, 4, 3})});
}

BOOST_AUTO_TEST_CASE(gathers) {
  Var table(Array{{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});
  check_close(gather_rows(table, {2, 0, 2}).value(), {5, 6, 1, 2, 5, 6});
  check_close(take_last(table, {1, 0, 1}).value(), {2, 3, 6});
  BOOST_CHECK_THROW(gather_rows(table, {3}), std::invalid_argument);
  BOOST_CHECK_THROW(take_last(table, {0, 2, 0}), std::invalid_argument);
  gradcheck("gather_rows (repeats add)", [](auto& v) { return gather_rows(v[0], {2, 0, 2, 2}); }, {randn({4, 3})});
  gradcheck("gather_rows 3d", [](auto& v) { return gather_rows(v[0], {1, 1}); }, {randn({2, 2, 3})});
  check_close(scatter_rows(table, {2, 0}, Var(Array{{7.f, 8.f}, {9.f, 10.f}})).value(), {9, 10, 3, 4, 7, 8});
  BOOST_CHECK_THROW(scatter_rows(table, {1, 1}, Var(Array{{7.f, 8.f}, {9.f, 10.f}})), std::invalid_argument);
  gradcheck("scatter_rows", [](auto& v) { return scatter_rows(v[0], {3, 1}, v[1]); }, {randn({4, 3}), randn({2, 3})});
  // gather_sum: row i = a[ia[i]] + b[ib[i]], laid out as [2, 2, 2]; repeated ids add their gradients.
  const Var a(Array{{1.f, 2.f}, {3.f, 4.f}}), b(Array{{10.f, 20.f}, {30.f, 40.f}, {50.f, 60.f}});
  const Var summed = gather_sum({a, b}, {{1, 0, 1, 1}, {2, 2, 0, 1}}, Shape{2, 2, 2});
  BOOST_TEST((summed.shape() == Shape{2, 2, 2}));
  check_close(summed.value(), {53, 64, 51, 62, 13, 24, 33, 44});
  BOOST_CHECK_THROW(gather_sum({a, b}, {{2, 0}, {0, 0}}, Shape{2, 2}), std::invalid_argument);
  BOOST_CHECK_THROW(gather_sum({a, b}, {{1, 0}, {0}}, Shape{2, 2}), std::invalid_argument);
  gradcheck("gather_sum", [](auto& v) { return gather_sum({v[0], v[1]}, {{1, 0, 1, 1}, {2, 2, 0, 1}}, Shape{2, 6}); },
            {randn({2, 3}), randn({3, 3})});
  // Into zeros of a shape: [2, 3, 2] seen as 6 rows of 2.
  const Var placed = scatter_rows(Shape{2, 3, 2}, {5, 0}, Var(Array{{7.f, 8.f}, {9.f, 10.f}}));
  BOOST_TEST((placed.shape() == Shape{2, 3, 2}));
  check_close(placed.value(), {9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 7, 8});
  BOOST_CHECK_THROW(scatter_rows(Shape{2, 3, 2}, {6}, Var(Array{{7.f, 8.f}})), std::invalid_argument);
  gradcheck("scatter_rows into zeros", [](auto& v) { return scatter_rows(Shape{3, 2, 3}, {4, 1, 0}, v[0]); }, {randn({3, 3})});
  gradcheck("take_last", [](auto& v) { return take_last(v[0], {2, 0, 1}); }, {randn({3, 4})});
  // bag_sum: row 0 = 0.5 t[2] + 2 t[0] + 0 t[1] (an empty slot); row 1 = t[2] - t[2] + 0.25 t[0] (repeats add).
  const Array w{{0.5f, 2.f, 0.f}, {1.f, -1.f, 0.25f}};
  check_close(bag_sum(table, {2, 0, 1, 2, 2, 0}, w).value(), {4.5, 7, 0.25, 0.5});
  BOOST_CHECK_THROW(bag_sum(table, {2, 0, 3, 2, 2, 0}, w), std::invalid_argument);  // id 3 of 3
  BOOST_CHECK_THROW(bag_sum(table, {2, 0, 1}, w), std::invalid_argument);           // N*K ids
  gradcheck("bag_sum", [w](auto& v) { return bag_sum(v[0], {2, 0, 1, 2, 2, 0}, w); }, {randn({3, 4})});
}

BOOST_AUTO_TEST_CASE(masking_and_transpose) {
  Var a(Array{{1.f, 2.f}, {3.f, 4.f}});
  Array mask{{0.f, 1.f}, {0.f, 0.f}};
  check_close(masked_fill(a, mask, -9.f).value(), {1, -9, 3, 4});
  check_close(masked_fill(a, Array{1.f, 0.f}, 0.f).value(), {0, 2, 0, 4});  // broadcast mask
  check_close(transpose_last(a).value(), {1, 3, 2, 4});
  gradcheck("masked_fill", [mask](auto& v) { return masked_fill(v[0], mask, -1e9f) * 1e-9f + masked_fill(v[0], mask, 0.f); },
            {randn({2, 2})});
  gradcheck("masked softmax", [](auto& v) { return softmax(masked_fill(v[0], Array{0.f, 1.f, 0.f}, -1e9f)); },
            {randn({2, 3})});
  gradcheck("transpose_last", [](auto& v) { return transpose_last(v[0]); }, {randn({2, 3, 4})});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(normalisation)

BOOST_AUTO_TEST_CASE(softmax_family) {
  Var a(Array{{1.f, 2.f, 3.f}, {1000.f, 1000.f, 1000.f}});
  const float z = std::exp(1.f) + std::exp(2.f) + std::exp(3.f);
  check_close(softmax(a).value(), {std::exp(1.f) / z, std::exp(2.f) / z, std::exp(3.f) / z, 1 / 3.f, 1 / 3.f, 1 / 3.f});
  check_close(log_softmax(a).value(), {1 - std::log(z), 2 - std::log(z), 3 - std::log(z), -std::log(3.f),
                                       -std::log(3.f), -std::log(3.f)}, 1e-4f);
  gradcheck("softmax", [](auto& v) { return softmax(v[0]); }, {randn({3, 5})});
  gradcheck("log_softmax", [](auto& v) { return log_softmax(v[0]); }, {randn({2, 3, 4})});
}

BOOST_AUTO_TEST_CASE(layer_norm_values_and_grad) {
  Var x(Array{{1.f, 2.f, 3.f}});
  Var gamma(Array{1.f, 1.f, 2.f}), beta(Array{0.f, 0.f, 1.f});
  const float s = 1.f / std::sqrt(2.f / 3.f + 1e-5f);
  check_close(layer_norm(x, gamma, beta).value(), {-s, 0.f, 2 * s + 1}, 1e-4f);
  gradcheck("layer_norm", [](auto& v) { return layer_norm(v[0], v[1], v[2]); },
            {randn({3, 5}), randn({5}), randn({5})});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(losses)

BOOST_AUTO_TEST_CASE(cross_entropy_and_mse) {
  Var logits(Array{{0.f, 0.f}, {std::log(3.f), 0.f}});
  // -(log 1/2 + log 3/4) / 2
  BOOST_TEST(std::abs(cross_entropy(logits, {1, 0}).item() - 0.5f * (std::log(2.f) + std::log(4.f / 3.f))) < 1e-6f);
  BOOST_TEST(mse(Var(Array{1.f, 2.f}), Var(Array{3.f, 2.f})).item() == 2.f);
  gradcheck("cross_entropy", [](auto& v) { return cross_entropy(v[0], {1, 0, 3}); }, {randn({3, 4})});
  gradcheck("mse", [](auto& v) { return mse(v[0], v[1]); }, {randn({3, 4}), randn({3, 4})});
}

BOOST_AUTO_TEST_CASE(gaussian) {
  const float lp = gaussian_log_prob(Var(Array{1.f}), Var(Array{0.f}), Var(Array{2.f})).item();
  BOOST_TEST(std::abs(lp - (-0.125f - std::log(2.f) - 0.5f * std::log(2 * float(M_PI)))) < 1e-6f);
  gradcheck("gaussian_log_prob", [](auto& v) { return gaussian_log_prob(v[0], v[1], v[2]); },
            {randn({3, 2}), randn({3, 2}), positive({2})});
}

BOOST_AUTO_TEST_CASE(categorical) {
  Var logits(Array{{0.f, 0.f, 0.f, 0.f}});
  BOOST_TEST(std::abs(categorical_log_prob(logits, {2}).item() + std::log(4.f)) < 1e-6f);
  BOOST_TEST(std::abs(categorical_entropy(logits).item() - std::log(4.f)) < 1e-6f);
  gradcheck("categorical_log_prob", [](auto& v) { return categorical_log_prob(v[0], {0, 3}); }, {randn({2, 4})});
  gradcheck("categorical_entropy", [](auto& v) { return categorical_entropy(v[0]); }, {randn({2, 4})});
}

BOOST_AUTO_TEST_CASE(bernoulli) {
  Var logits(Array{0.f, std::log(3.f), 80.f});
  // p = 1/2, 3/4, ~1
  check_close(bernoulli_log_prob(logits, Array{1.f, 0.f, 0.f}).value(), {std::log(0.5f), std::log(0.25f), -80.f}, 1e-5f);
  check_close(bernoulli_entropy(logits).value(),
              {std::log(2.f), -(0.75f * std::log(0.75f) + 0.25f * std::log(0.25f)), 0.f}, 1e-5f);
  Array actions{{1.f, 0.f, 1.f}, {0.f, 0.f, 1.f}};
  gradcheck("bernoulli_log_prob", [actions](auto& v) { return bernoulli_log_prob(v[0], actions); }, {randn({2, 3})});
  gradcheck("bernoulli_entropy", [](auto& v) { return bernoulli_entropy(v[0]); }, {randn({2, 3})});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dropout_op)

BOOST_AUTO_TEST_CASE(dropout_forward_backward_with_a_fixed_mask) {
  // Forward by hand: p = 0.5 keeps entries at 2x; the mask [1, 0, 1, 1] drops the second.
  const Array keep{1.f, 0.f, 1.f, 1.f};
  check_close(dropout(Var(Array{1.f, -2.f, 3.f, -4.f}), keep, 0.5).value(), {2, 0, 6, -8});
  // Backward against finite differences, by relative error, with one fixed mask of p = 0.3.
  Rng masks(11);
  const Array mask = dropout_mask({4, 6}, 0.3, masks);
  Var x(randn({4, 6}), /*requires_grad=*/true);
  const double err = saccade::testing::gradcheck_relative("dropout", [&] { return dropout(x, mask, 0.3); }, {{"x", x}});
  BOOST_TEST(err < 1e-2);
  BOOST_CHECK_THROW(dropout(x, Array{1.f}, 0.3), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(dropout_masks_are_seeded_and_drop_about_p) {
  Rng a(5), b(5);
  const Array m1 = dropout_mask({100, 100}, 0.25, a), m2 = dropout_mask({100, 100}, 0.25, b);
  BOOST_TEST((m1 == m2));  // same stream, same mask
  double dropped = 0;
  for (float v : m1) {
    BOOST_TEST((v == 0.f || v == 1.f));
    dropped += v == 0.f;
  }
  BOOST_TEST(std::abs(dropped / 1e4 - 0.25) < 0.02);  // 10k draws: sd 0.0043
  Rng c(5);
  for (float v : dropout_mask({50}, 0.0, c)) BOOST_TEST(v == 1.f);  // p = 0 drops nothing
}

BOOST_AUTO_TEST_SUITE_END()
