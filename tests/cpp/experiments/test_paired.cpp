// The paired statistics `saccade report` rests its verdicts on (experiments/report/paired.hpp),
// against values computed by hand or by enumerating every bootstrap resample.
#define BOOST_TEST_MODULE test_paired
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <stdexcept>

#include "experiments/report/paired.hpp"

using saccade::mcnemar_exact_p;
using saccade::paired_bootstrap;

BOOST_AUTO_TEST_CASE(mcnemar_by_hand) {
  // b = 1, c = 9: 2 * (C(10,0) + C(10,1)) / 2^10 = 2 * 11 / 1024.
  BOOST_TEST(mcnemar_exact_p(1, 9) == 0.021484375, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(mcnemar_exact_p(9, 1) == 0.021484375, boost::test_tools::tolerance(1e-12));  // two-sided
  BOOST_TEST(mcnemar_exact_p(0, 5) == 2.0 / 32, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(mcnemar_exact_p(0, 0) == 1.0);  // no discordant pair: no evidence either way
  BOOST_TEST(mcnemar_exact_p(5, 5) == 1.0);  // 2 * 638/1024 > 1: capped
  BOOST_TEST(mcnemar_exact_p(2, 3) == 1.0, boost::test_tools::tolerance(1e-12));  // 2 * 16/32
  BOOST_TEST(mcnemar_exact_p(1, 4) == 2.0 * 6 / 32, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(mcnemar_large_counts_agree_with_the_binomial_cdf) {
  // P(X <= k) for X ~ Binomial(n, 1/2) is I_{1/2}(n - k, k + 1) (confidence.hpp); beyond n = 1074,
  // 2^-n underflows a double and the p-value must still come out right.
  for (const auto& [b, c] : {std::pair<std::size_t, std::size_t>{480, 520}, {40, 75}, {700, 820}, {1000, 1000}}) {
    const std::size_t n = b + c, k = std::min(b, c);
    const double expected = std::min(1.0, 2 * saccade::incomplete_beta(static_cast<double>(n - k), static_cast<double>(k + 1), 0.5));
    BOOST_TEST(mcnemar_exact_p(b, c) == expected, boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(mcnemar_exact_p(1000, 1000) == 1.0);
  BOOST_TEST(mcnemar_exact_p(0, 3000) < 1e-300);
}

BOOST_AUTO_TEST_CASE(mcnemar_from_scores) {
  // Ten examples: a right and b wrong on one, the reverse on nine, both right on the rest: b = 1, c = 9.
  std::vector<double> a(12, 1.0), b(12, 1.0);
  b[0] = 0;
  for (std::size_t i = 1; i < 10; ++i) a[i] = 0;
  const auto m = saccade::mcnemar_test(a, b);
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST(m->b == 1u);
  BOOST_TEST(m->c == 9u);
  BOOST_TEST(m->p == 0.021484375, boost::test_tools::tolerance(1e-12));
  // A mean over several draws is not a 0/1 score: no McNemar.
  a[11] = 2.0 / 3;
  BOOST_TEST(!saccade::mcnemar_test(a, b).has_value());
  BOOST_CHECK_THROW(saccade::mcnemar_test({1, 0}, {1}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(quantiles_interpolate_like_numpy) {
  const std::vector<double> v = {1, 2, 3, 4};
  BOOST_TEST(saccade::sorted_quantile(v, 0.0) == 1.0);
  BOOST_TEST(saccade::sorted_quantile(v, 1.0) == 4.0);
  BOOST_TEST(saccade::sorted_quantile(v, 0.5) == 2.5);
  BOOST_TEST(saccade::sorted_quantile(v, 0.25) == 1.75);  // numpy.percentile([1,2,3,4], 25)
}

BOOST_AUTO_TEST_CASE(bootstrap_matches_the_enumerated_distribution) {
  // All 5^5 = 3125 equally likely resamples of d give the bootstrap distribution of the mean exactly:
  // P(mean <= -0.6) = 61/3125 = 0.0195 and P(mean <= -0.4) = 0.0707, so its 2.5% quantile is -0.4;
  // P(mean <= 0.6) = 0.9386 and P(mean <= 0.8) = 0.9898, so its 97.5% quantile is 0.8. 10,000
  // resamples find both atoms (the 2.5% point is 3.9 standard errors of the empirical CDF away from
  // the neighbouring atom). Resampling without replacement would give [0.2, 0.2].
  const std::vector<double> d = {1, 1, 0, 0, -1};
  std::map<int, int> counts;  // sum of a resample -> how many of the 3125 give it
  for (int code = 0; code < 3125; ++code) {
    int sum = 0;
    for (int k = 0, c = code; k < 5; ++k, c /= 5) sum += static_cast<int>(d[c % 5]);
    ++counts[sum];
  }
  auto exact_quantile = [&](double q) {  // the smallest atom whose CDF reaches q
    int cumulative = 0;
    for (const auto& [sum, count] : counts)
      if ((cumulative += count) >= q * 3125) return sum / 5.0;
    return 1.0;
  };
  BOOST_TEST(exact_quantile(0.025) == -0.4, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(exact_quantile(0.975) == 0.8, boost::test_tools::tolerance(1e-12));
  const auto r = paired_bootstrap(d);
  BOOST_TEST(r.n == 5u);
  BOOST_TEST(r.mean == 0.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.low == exact_quantile(0.025), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.high == exact_quantile(0.975), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(!r.excludes_zero());
}

BOOST_AUTO_TEST_CASE(bootstrap_width_follows_the_standard_error) {
  // 400 examples: 100 where a wins, 60 where b wins, 240 ties. Mean 0.1, variance 160/400 - 0.01 =
  // 0.39, standard error sqrt(0.39/400) = 0.0312: the percentile interval is close to 0.1 ± 1.96 *
  // 0.0312 = [0.0388, 0.1612] (the resampling's own noise is about 0.003 at each end).
  std::vector<double> d(400, 0.0);
  for (std::size_t i = 0; i < 100; ++i) d[i] = 1;
  for (std::size_t i = 100; i < 160; ++i) d[i] = -1;
  const auto r = paired_bootstrap(d);
  BOOST_TEST(r.low == 0.0388, boost::test_tools::tolerance(0.25));  // relative: within ±0.01
  BOOST_TEST(r.high == 0.1612, boost::test_tools::tolerance(0.06));
  BOOST_TEST(r.excludes_zero());
  // Reproducible: the same differences give the same interval, whatever was computed before.
  const auto again = paired_bootstrap(d);
  BOOST_TEST(again.low == r.low);
  BOOST_TEST(again.high == r.high);
}

BOOST_AUTO_TEST_CASE(bootstrap_degenerate_cases) {
  const auto same = paired_bootstrap({0.25, 0.25, 0.25});  // every resample has the same mean
  BOOST_TEST(same.low == 0.25);
  BOOST_TEST(same.high == 0.25);
  BOOST_TEST(same.excludes_zero());
  const auto zero = paired_bootstrap({0, 0, 0, 0});  // both policies agree everywhere
  BOOST_TEST(zero.low == 0.0);
  BOOST_TEST(zero.high == 0.0);
  BOOST_TEST(!zero.excludes_zero());
  const auto one = paired_bootstrap({-1});
  BOOST_TEST(one.n == 1u);
  BOOST_TEST(one.low == -1.0);
  BOOST_TEST(one.high == -1.0);
  BOOST_CHECK_THROW(paired_bootstrap({}), std::invalid_argument);
  BOOST_CHECK_THROW(paired_bootstrap({1}, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(clipped_intervals) {
  const saccade::MeanCi high{.n = 3, .mean = 0.98, .half_width = 0.05};
  const auto c = saccade::clip(high, 0, 1);
  BOOST_TEST(c.known);
  BOOST_TEST(c.low == 0.93, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c.high == 1.0);
  const saccade::MeanCi low{.n = 2, .mean = 0.01, .half_width = 0.3};
  BOOST_TEST(saccade::clip(low, 0, 1).low == 0.0);
  BOOST_TEST(!saccade::clip(saccade::mean_ci95({0.5}), 0, 1).known);  // one seed: no interval
  BOOST_TEST(saccade::above(c, saccade::clip(low, 0, 1)));             // [0.93, 1] above [0, 0.31]
  BOOST_TEST(!saccade::above(saccade::clip(low, 0, 1), c));
}
