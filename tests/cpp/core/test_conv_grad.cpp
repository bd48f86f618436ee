// conv2d and max_pool2d (core/ops_conv.cpp): forward values against hand-computed examples and a
// direct seven-loop convolution, backward against finite differences by relative error per tensor
// (gradcheck_relative, tests/cpp/gradcheck_module.hpp), and the Conv2d layer.
#define BOOST_TEST_MODULE conv_grad
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xtensor/xview.hpp>

#include "core/layers.hpp"
#include "core/ops.hpp"
#include "core/random.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_relative;

namespace {

Rng rng = Rng::stream(11, "test_conv_grad");
Array randn(const Shape& s) { return rng.normal_array(s, 0.0f, 1.0f); }

void check_close(const Array& got, const std::vector<float>& want, float tol = 1e-4f) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    BOOST_TEST(std::abs(got.data()[i] - want[i]) <= tol, "element " << i << ": " << got.data()[i] << " vs " << want[i]);
}

// The definition, one output at a time: y[b,o,r,c] = b[o] + sum_{ch,i,j} w[o,ch,i,j] x[b,ch,r+i-p,c+j-p].
Array direct_conv(const Array& x, const Array& w, const Array& bias, std::size_t p) {
  const std::size_t B = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
  const std::size_t O = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  const std::size_t ho = H + 2 * p - kh + 1, wo = W + 2 * p - kw + 1;
  Array y = Array::from_shape({B, O, ho, wo});
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t r = 0; r < ho; ++r)
        for (std::size_t c = 0; c < wo; ++c) {
          double s = bias(o);
          for (std::size_t ch = 0; ch < C; ++ch)
            for (std::size_t i = 0; i < kh; ++i)
              for (std::size_t j = 0; j < kw; ++j) {
                const long yy = static_cast<long>(r + i) - static_cast<long>(p);
                const long xx = static_cast<long>(c + j) - static_cast<long>(p);
                if (yy < 0 || xx < 0 || yy >= static_cast<long>(H) || xx >= static_cast<long>(W)) continue;
                s += static_cast<double>(w(o, ch, i, j)) * x(b, ch, static_cast<std::size_t>(yy), static_cast<std::size_t>(xx));
              }
          y(b, o, r, c) = static_cast<float>(s);
        }
  return y;
}

// Distinct values at least `gap` apart in a random order: no window of max_pool2d has a near-tie
// that a finite-difference step could flip.
Array distinct(const Shape& s, float gap) {
  Array a = Array::from_shape(s);
  const std::vector<std::size_t> order = rng.permutation(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = gap * (static_cast<float>(order[i]) - 0.5f * static_cast<float>(a.size()));
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(conv2d_forward_by_hand) {
  // x = 1..9 as 3x3, w = [[1, 2], [3, 4]], b = 0.5.
  Var x(Array{{{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}, {7.f, 8.f, 9.f}}}});
  Var w(Array{{{{1.f, 2.f}, {3.f, 4.f}}}});
  Var b(Array{0.5f});
  // Valid: 1+4+12+20, 2+6+15+24, 4+10+21+32, 5+12+24+36, each + 0.5.
  const Var valid = conv2d(x, w, b, 0);
  BOOST_TEST((valid.shape() == Shape{1, 1, 2, 2}));
  check_close(valid.value(), {37.5f, 47.5f, 67.5f, 77.5f});
  // Padding 1 gives 4x4; its first row sees only the kernel's bottom row (3, 4) over x's first row,
  // its last row only the top row (1, 2) over x's last row.
  const Var padded = conv2d(x, w, b, 1);
  BOOST_TEST((padded.shape() == Shape{1, 1, 4, 4}));
  const Array& p = padded.value();
  check_close(xt::eval(xt::view(p, 0, 0, 0, xt::all())), {4.5f, 11.5f, 18.5f, 9.5f});   // 4*1, 3*1+4*2, 3*2+4*3, 3*3
  check_close(xt::eval(xt::view(p, 0, 0, 3, xt::all())), {14.5f, 23.5f, 26.5f, 9.5f});  // 2*7, 1*7+2*8, 1*8+2*9, 1*9
  // No bias: an undefined Var.
  check_close(conv2d(x, w, Var(), 0).value(), {37.f, 47.f, 67.f, 77.f});
}

BOOST_AUTO_TEST_CASE(conv2d_forward_against_the_definition) {
  // Several channels and outputs, a batch, a non-square kernel, padding 0 to 2.
  for (const std::size_t pad : {0u, 1u, 2u}) {
    for (const Shape& ws : {Shape{4, 3, 3, 3}, Shape{2, 3, 2, 3}, Shape{5, 3, 1, 1}}) {
      const Array x = randn({2, 3, 5, 6}), w = randn(ws), bias = randn({ws[0]});
      const Array want = direct_conv(x, w, bias, pad);
      const Var got = conv2d(Var(x), Var(w), Var(bias), pad);
      BOOST_TEST_REQUIRE((got.shape() == Shape(want.shape().begin(), want.shape().end())));
      BOOST_TEST(xt::amax(xt::abs(got.value() - want))() < 1e-4f, "pad " << pad << ", weight [" << ws[0] << "," << ws[2] << "," << ws[3] << "]");
    }
  }
}

BOOST_AUTO_TEST_CASE(conv2d_rejects_bad_shapes) {
  BOOST_CHECK_THROW(conv2d(Var(randn({1, 2, 4, 4})), Var(randn({3, 1, 3, 3})), Var(randn({3}))), std::invalid_argument);
  BOOST_CHECK_THROW(conv2d(Var(randn({1, 2, 4, 4})), Var(randn({3, 2, 3, 3})), Var(randn({2}))), std::invalid_argument);
  BOOST_CHECK_THROW(conv2d(Var(randn({1, 2, 2, 2})), Var(randn({3, 2, 3, 3})), Var(randn({3})), 0), std::invalid_argument);
  BOOST_CHECK_THROW(conv2d(Var(randn({2, 4, 4})), Var(randn({3, 2, 3, 3})), Var(randn({3}))), std::invalid_argument);
  BOOST_CHECK_NO_THROW(conv2d(Var(randn({1, 2, 2, 2})), Var(randn({3, 2, 3, 3})), Var(randn({3})), 1));
}

BOOST_AUTO_TEST_CASE(conv2d_gradients) {
  // Input, weight and bias, with B, C, O > 1, padding 0 and 1, square and non-square kernels.
  for (const std::size_t pad : {0u, 1u}) {
    for (const Shape& ws : {Shape{4, 3, 3, 3}, Shape{2, 3, 2, 3}}) {
      Var x(randn({2, 3, 5, 6}), true), w(randn(ws), true), b(randn({ws[0]}), true);
      const std::string name = "conv2d pad " + std::to_string(pad) + " kernel " + std::to_string(ws[2]) + "x" + std::to_string(ws[3]);
      gradcheck_relative(name, [&] { return conv2d(x, w, b, pad); }, {{"x", x}, {"w", w}, {"b", b}});
    }
  }
}

BOOST_AUTO_TEST_CASE(conv2d_gradients_accumulate) {
  // Two convolutions of the same input (and the same weight) add their gradients, as every op's do.
  Var x(randn({2, 2, 4, 4}), true), w(randn({3, 2, 3, 3}), true), b(randn({3}), true);
  gradcheck_relative("conv2d twice", [&] {
    const Var direct = conv2d(x, w, b, 1);  // recorded first, so its backward runs after the other's
    const Var doubled = conv2d(x * 2.0f, w, Var(), 1);
    return direct + doubled;
  }, {{"x", x}, {"w", w}, {"b", b}});
}

BOOST_AUTO_TEST_CASE(conv2d_chunks_agree_with_single_images) {
  // A batch too large for one chunk of columns (core/ops_conv.cpp: 2 MiB; 3 x 3 x 3 rows of 60 x 60
  // pixels is 0.37 MiB an image, so 12 images take chunks of 5, 5 and 2): output and gradients equal
  // those of each image convolved on its own, and the weight's and bias's gradients their sums.
  const std::size_t B = 12;
  const Array xs = randn({B, 3, 60, 60}), ws = randn({2, 3, 3, 3}), bs = randn({2}), gs = randn({B, 2, 60, 60});
  Var x(xs, true), w(ws, true), b(bs, true);
  const Var y = conv2d(x, w, b, 1);
  backward(sum(y * Var(gs)));
  Var w1(ws, true), b1(bs, true);
  double worst_y = 0.0, worst_dx = 0.0;
  for (std::size_t i = 0; i < B; ++i) {
    Var xi(Array(xt::view(xs, xt::range(i, i + 1))), true);
    const Var yi = conv2d(xi, w1, b1, 1);
    backward(sum(yi * Var(Array(xt::view(gs, xt::range(i, i + 1))))));
    worst_y = std::max(worst_y, double(xt::amax(xt::abs(yi.value() - xt::view(y.value(), xt::range(i, i + 1))))()));
    worst_dx = std::max(worst_dx, double(xt::amax(xt::abs(xi.grad() - xt::view(x.grad(), xt::range(i, i + 1))))()));
  }
  // The same sums, perhaps blocked differently by BLAS: equal to float32 rounding.
  BOOST_TEST(worst_y < 1e-4);
  BOOST_TEST(worst_dx < 1e-4);
  BOOST_TEST(double(xt::amax(xt::abs(w.grad() - w1.grad()))()) < 1e-3 * double(xt::amax(xt::abs(w1.grad()))()));
  BOOST_TEST(double(xt::amax(xt::abs(b.grad() - b1.grad()))()) < 1e-3 * double(xt::amax(xt::abs(b1.grad()))()));
}

BOOST_AUTO_TEST_CASE(max_pool2d_forward_by_hand) {
  // 4 x 5 with k = 2: the last column does not fill a window and is dropped.
  Var x(Array{{{{1.f, 5.f, 2.f, 0.f, 99.f}, {3.f, 4.f, 8.f, 1.f, 99.f}, {-1.f, -2.f, 0.f, 7.f, 99.f}, {-3.f, -4.f, 6.f, 2.f, 99.f}},
               {{0.f, 0.f, 1.f, 1.f, 0.f}, {0.f, -1.f, 1.f, 2.f, 0.f}, {9.f, 0.f, 3.f, 3.f, 0.f}, {0.f, 0.f, 3.f, 3.f, 0.f}}}});
  const Var y = max_pool2d(x, 2);
  BOOST_TEST((y.shape() == Shape{1, 2, 2, 2}));
  check_close(y.value(), {5.f, 8.f, -1.f, 7.f, 0.f, 2.f, 9.f, 3.f});
  // 3 x 3 windows of a 7 x 8: 2 x 2 outputs.
  BOOST_TEST((max_pool2d(Var(randn({2, 3, 7, 8})), 3).shape() == Shape{2, 3, 2, 2}));
  BOOST_CHECK_THROW(max_pool2d(Var(randn({1, 1, 1, 4})), 2), std::invalid_argument);
  BOOST_CHECK_THROW(max_pool2d(Var(randn({1, 4, 4})), 2), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(max_pool2d_gradient_goes_to_the_maximum) {
  // Each window's gradient lands on its maximum only (the first one on a tie); dropped cells get none.
  Var x(Array{{{{1.f, 5.f, 2.f}, {3.f, 4.f, 2.f}, {7.f, 7.f, 7.f}}}}, true);
  backward(sum(max_pool2d(x, 2) * 3.0f));
  check_close(x.grad(), {0.f, 3.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f});
  Var tie(Array{{{{2.f, 2.f}, {2.f, 2.f}}}}, true);
  backward(sum(max_pool2d(tie, 2)));
  check_close(tie.grad(), {1.f, 0.f, 0.f, 0.f});
}

BOOST_AUTO_TEST_CASE(max_pool2d_gradients) {
  for (const std::size_t k : {2u, 3u}) {
    Var x(distinct({2, 3, 7, 8}, 0.05f), true);
    gradcheck_relative("max_pool2d k " + std::to_string(k), [&] { return max_pool2d(x, k); }, {{"x", x}});
  }
  // Pooling x when x already has a gradient from another path (the tape runs the direct pooling's
  // backward last, after x * 2's has added to x): the scatter adds to it.
  Var x(distinct({2, 2, 4, 6}, 0.05f), true);
  gradcheck_relative("max_pool2d twice", [&] {
    const Var direct = max_pool2d(x, 2);
    const Var doubled = max_pool2d(x * 2.0f, 2);
    return direct + doubled;
  }, {{"x", x}});
}

BOOST_AUTO_TEST_CASE(conv_relu_pool_chain) {
  // A CNN layer as the reader stacks them (conv, pool, relu), twice, into a sum of squares.
  Var x(randn({2, 2, 8, 8}), true), w1(randn({3, 2, 3, 3}), true), b1(randn({3}), true);
  Var w2(randn({4, 3, 3, 3}), true), b2(randn({4}), true);
  gradcheck_relative("conv-pool-relu x2", [&] {
    const Var h = relu(max_pool2d(conv2d(x, w1, b1, 1), 2));
    const Var y = relu(max_pool2d(conv2d(h, w2, b2, 1), 2));
    return sum(y * y);
  }, {{"x", x}, {"w1", w1}, {"b1", b1}, {"w2", w2}, {"b2", b2}});
}

BOOST_AUTO_TEST_CASE(conv2d_layer) {
  Rng init = Rng::stream(3, "conv-layer");
  Conv2d conv(2, 5, 3, 1, init);
  BOOST_TEST((conv.weight().shape() == Shape{5, 2, 3, 3}));
  BOOST_TEST((conv.bias().shape() == Shape{5}));
  BOOST_TEST(conv.num_parameters() == 5u * 2u * 9u + 5u);
  const float bound = 1.0f / std::sqrt(18.0f);  // PyTorch's default: 1 / sqrt(in k k)
  BOOST_TEST(xt::amax(xt::abs(conv.weight().value()))() <= bound);
  const Array x = randn({3, 2, 6, 7});
  const Var y = conv(Var(x));
  BOOST_TEST((y.shape() == Shape{3, 5, 6, 7}));
  BOOST_TEST(xt::amax(xt::abs(y.value() - direct_conv(x, conv.weight().value(), conv.bias().value(), 1)))() < 1e-4f);
  BOOST_CHECK_THROW(conv(Var(randn({3, 3, 6, 7}))), std::invalid_argument);
}
