// core/gemm against a naive triple loop: every transpose combination, alpha and beta, on each of its
// paths: small products (the plain loop of core/kernels, including k <= 4), sgemv (a single row or
// column of C, large enough for BLAS) and sgemm.
#define BOOST_TEST_MODULE gemm
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "core/gemm.hpp"
#include "core/random.hpp"

using namespace saccade;

BOOST_AUTO_TEST_CASE(gemm_matches_the_naive_product) {
  Rng rng(5);
  const std::vector<std::array<std::size_t, 3>> shapes = {
      {1, 7, 5}, {6, 1, 4}, {1, 1, 9}, {3, 4, 1}, {5, 6, 7}, {1, 3, 1}, {40, 50, 2},  // small: the plain loop
      {1, 70, 80}, {90, 1, 60},                                                      // sgemv
      {20, 30, 40}, {33, 17, 65}};                                                   // sgemm
  for (const auto& [m, n, k] : shapes) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        std::vector<float> a(m * k), b(k * n), c(m * n), want(m * n);
        for (auto& v : a) v = static_cast<float>(rng.uniform() * 2 - 1);
        for (auto& v : b) v = static_cast<float>(rng.uniform() * 2 - 1);
        for (auto& v : c) v = static_cast<float>(rng.uniform() * 2 - 1);
        const float alpha = 0.7f, beta = -0.3f;
        for (std::size_t i = 0; i < m; ++i) {
          for (std::size_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::size_t l = 0; l < k; ++l) s += double(ta ? a[l * m + i] : a[i * k + l]) * (tb ? b[j * k + l] : b[l * n + j]);
            want[i * n + j] = static_cast<float>(alpha * s + beta * c[i * n + j]);
          }
        }
        gemm(ta, tb, m, n, k, alpha, a.data(), b.data(), beta, c.data());
        for (std::size_t i = 0; i < m * n; ++i)
          BOOST_TEST(std::abs(c[i] - want[i]) < 1e-5, "m n k " << m << " " << n << " " << k << " ta " << ta << " tb " << tb);
      }
    }
  }
}
