// core/kernels against the plain loops they replace, bit for bit where the header promises it (the
// clone this CPU runs is the one tested; -ffp-contract=off keeps the AVX clones exact), and unbroadcast's
// fast path (a bias added to every row) against sums written out by hand.
#define BOOST_TEST_MODULE kernels
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "core/kernels.hpp"
#include "core/ops_util.hpp"
#include "core/random.hpp"

using namespace saccade;

namespace {

std::vector<float> random_vector(Rng& rng, std::size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(n);
  for (auto& x : v) x = lo + (hi - lo) * static_cast<float>(rng.uniform());
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(add_rows_adds_each_row_in_order) {
  Rng rng(1);
  for (std::size_t n : {1, 7, 16, 37, 256}) {
    const std::size_t rows = 5;
    const std::vector<float> g = random_vector(rng, rows * n);
    std::vector<float> out = random_vector(rng, n), want = out;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t j = 0; j < n; ++j) want[j] += g[r * n + j];
    }
    kernels::add_rows(out.data(), g.data(), rows, n);
    for (std::size_t j = 0; j < n; ++j) BOOST_TEST(out[j] == want[j]);
  }
}

BOOST_AUTO_TEST_CASE(adam_update_is_the_plain_loop_bit_for_bit) {
  Rng rng(2);
  const std::size_t n = 101;  // not a multiple of any vector width: the tail is covered too
  const kernels::AdamStep s{.step_size = 1e-3f / 0.1f, .bc2_sqrt = std::sqrt(0.001f), .beta1 = 0.9f, .beta2 = 0.999f,
                            .one_minus_beta1 = 0.1f, .one_minus_beta2 = 0.001f, .eps = 1e-8f, .decay = 0.99f,
                            .l2 = 0.01f};
  std::vector<float> w = random_vector(rng, n), g = random_vector(rng, n), m = random_vector(rng, n),
                     v = random_vector(rng, n, 0.0f, 1.0f);
  // Moments about to decay below the smallest normal float (a gradient that stays 0) are flushed to 0.
  m[7] = 1e-38f, v[7] = 1e-38f, g[7] = 0.0f, w[7] = 0.0f;
  std::vector<float> w2 = w, m2 = m, v2 = v;
  for (std::size_t j = 0; j < n; ++j) {
    const float gj = g[j] + s.l2 * w2[j];
    w2[j] *= s.decay;
    m2[j] = s.beta1 * m2[j] + s.one_minus_beta1 * gj;
    v2[j] = s.beta2 * v2[j] + s.one_minus_beta2 * gj * gj;
    if (std::fabs(m2[j]) < std::numeric_limits<float>::min()) m2[j] = 0.0f;
    if (v2[j] < std::numeric_limits<float>::min()) v2[j] = 0.0f;
    w2[j] -= s.step_size * m2[j] / (std::sqrt(v2[j]) / s.bc2_sqrt + s.eps);
  }
  kernels::adam_update(w.data(), g.data(), m.data(), v.data(), n, s);
  for (std::size_t j = 0; j < n; ++j) {
    BOOST_TEST(w[j] == w2[j]);
    BOOST_TEST(m[j] == m2[j]);
    BOOST_TEST(v[j] == v2[j]);
  }
  BOOST_TEST(m[7] == 0.0f);
  BOOST_TEST(v[7] == 0.0f);
}

BOOST_AUTO_TEST_CASE(sum_squares_and_scale) {
  Rng rng(3);
  for (std::size_t n : {0, 3, 8, 1001}) {
    std::vector<float> g = random_vector(rng, n);
    double want = 0.0;
    for (float x : g) want += static_cast<double>(x) * x;
    BOOST_TEST(kernels::sum_squares(g.data(), n) == want, boost::test_tools::tolerance(1e-12));
    std::vector<float> scaled = g;
    kernels::scale(scaled.data(), n, 0.25f);
    for (std::size_t j = 0; j < n; ++j) BOOST_TEST(scaled[j] == g[j] * 0.25f);
  }
}

BOOST_AUTO_TEST_CASE(unbroadcast_sums_a_bias_gradient_over_its_rows) {
  Rng rng(4);
  Array grad = Array::from_shape({3, 2, 5});
  for (auto& x : grad) x = static_cast<float>(rng.uniform());
  for (const std::vector<std::size_t>& target_shape : std::vector<std::vector<std::size_t>>{{5}, {1, 5}, {2, 5}, {1, 1, 5}}) {
    const Array target = xt::zeros<float>(target_shape);
    const Array got = detail::unbroadcast(grad, target);
    BOOST_TEST(got.shape() == target.shape(), boost::test_tools::per_element());
    const std::size_t n = target.size();
    for (std::size_t j = 0; j < n; ++j) {
      float want = 0.0f;  // the same order as the odometer walk: grad's rows in row-major order
      for (std::size_t r = 0; r < grad.size() / n; ++r) want += grad.data()[r * n + j];
      BOOST_TEST(got.data()[j] == want);
    }
  }
  // A size-1 axis in the middle is not a row sum: the general path.
  const Array mid = detail::unbroadcast(grad, xt::zeros<float>({3, 1, 5}));
  BOOST_TEST(mid(1, 0, 4) == grad(1, 0, 4) + grad(1, 1, 4));
}
