// Student's t quantiles and the 95% interval `saccade report` puts on each policy's accuracy,
// checked against published tables, closed forms and a hand-computed example.
#define BOOST_TEST_MODULE test_confidence
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>

#include "experiments/report/confidence.hpp"

using saccade::incomplete_beta;
using saccade::mean_ci95;
using saccade::student_t_cdf;
using saccade::student_t_quantile;

BOOST_AUTO_TEST_CASE(incomplete_beta_closed_forms) {
  for (double x : {0.0, 0.1, 0.5, 0.93, 1.0}) {
    BOOST_TEST(incomplete_beta(1, 1, x) == x, boost::test_tools::tolerance(1e-12));               // uniform
    BOOST_TEST(incomplete_beta(3, 1, x) == x * x * x, boost::test_tools::tolerance(1e-12));       // x^a
    BOOST_TEST(incomplete_beta(2, 5, x) == 1 - incomplete_beta(5, 2, 1 - x), boost::test_tools::tolerance(1e-12));
  }
  // Large parameters go through logs: no overflow.
  BOOST_TEST(incomplete_beta(500, 500, 0.5) == 0.5, boost::test_tools::tolerance(1e-9));
  BOOST_CHECK_THROW(incomplete_beta(0, 1, 0.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(t_quantiles_match_published_tables) {
  // Two-sided 95% (p = 0.975), as printed in every statistics table (3 decimals).
  const std::pair<double, double> table[] = {{1, 12.706}, {2, 4.303}, {3, 3.182}, {4, 2.776},
                                             {10, 2.228}, {30, 2.042}, {1e7, 1.960}};
  for (const auto& [dof, t] : table) {
    BOOST_TEST_CONTEXT("dof " << dof) { BOOST_TEST(std::abs(student_t_quantile(0.975, dof) - t) < 5e-4); }
  }
}

BOOST_AUTO_TEST_CASE(t_quantiles_match_closed_forms) {
  const double pi = std::acos(-1.0);
  for (double p : {0.6, 0.9, 0.975, 0.995}) {
    // dof 1 is the Cauchy distribution; dof 2 has t = (2p-1) / sqrt(2p(1-p)).
    BOOST_TEST(student_t_quantile(p, 1) == std::tan(pi * (p - 0.5)), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(student_t_quantile(p, 2) == (2 * p - 1) / std::sqrt(2 * p * (1 - p)), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(student_t_quantile(1 - p, 7) == -student_t_quantile(p, 7), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(student_t_cdf(student_t_quantile(p, 5), 5) == p, boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(student_t_cdf(0, 3) == 0.5);
}

BOOST_AUTO_TEST_CASE(mean_ci95_by_hand) {
  // 0.70, 0.72, 0.74: mean 0.72, sd 0.02, half-width t(0.975, 2) * 0.02 / sqrt(3) = 4.3027 * 0.011547.
  const auto ci = mean_ci95({0.70, 0.72, 0.74});
  BOOST_TEST(ci.n == 3u);
  BOOST_TEST(ci.known());
  BOOST_TEST(ci.mean == 0.72, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::abs(ci.half_width - 0.04969) < 1e-5);
  BOOST_TEST(ci.low() == 0.72 - ci.half_width, boost::test_tools::tolerance(1e-12));

  // Identical seeds: a zero-width interval, not NaN.
  BOOST_TEST(mean_ci95({0.5, 0.5}).half_width == 0.0);

  // One seed: a mean, but no interval.
  const auto one = mean_ci95({0.9});
  BOOST_TEST(one.mean == 0.9);
  BOOST_TEST(!one.known());
  BOOST_TEST(std::isnan(one.half_width));
  BOOST_TEST(std::isnan(mean_ci95({}).mean));
}
