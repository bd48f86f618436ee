// Learning-rate schedules (core/lr_schedule.hpp): each shape's factor at hand-picked steps, worked out
// by hand from the formulas in the header.
#define BOOST_TEST_MODULE lr_schedule
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>

#include "core/lr_schedule.hpp"

using namespace saccade;

namespace {
constexpr double kTol = 1e-12;
}

BOOST_AUTO_TEST_CASE(constant_is_one_everywhere) {
  const LrSchedule s{.shape = LrShape::constant, .warmup_steps = 10, .total_steps = 100};
  for (std::size_t step : {0u, 5u, 9u, 10u, 99u, 100u, 1000u}) BOOST_TEST(lr_factor(s, step) == 1.0);  // exactly: today's rates
}

BOOST_AUTO_TEST_CASE(warmup_rises_linearly_then_holds) {
  const LrSchedule s{.shape = LrShape::warmup, .warmup_steps = 10, .total_steps = 100};
  BOOST_TEST(std::abs(lr_factor(s, 0) - 0.1) < kTol);  // step 0: 1/10, about 0, not a wasted 0
  BOOST_TEST(std::abs(lr_factor(s, 4) - 0.5) < kTol);  // mid warm-up
  BOOST_TEST(lr_factor(s, 9) == 1.0);                  // the warm-up's last step reaches the rate
  BOOST_TEST(lr_factor(s, 10) == 1.0);
  BOOST_TEST(lr_factor(s, 99) == 1.0);                 // last step
}

BOOST_AUTO_TEST_CASE(cosine_warms_up_then_decays_towards_zero) {
  const LrSchedule s{.shape = LrShape::cosine, .warmup_steps = 10, .total_steps = 110};
  BOOST_TEST(std::abs(lr_factor(s, 0) - 0.1) < kTol);
  BOOST_TEST(std::abs(lr_factor(s, 4) - 0.5) < kTol);
  BOOST_TEST(lr_factor(s, 9) == 1.0);
  BOOST_TEST(std::abs(lr_factor(s, 10) - 1.0) < kTol);  // the decay starts at the rate
  BOOST_TEST(std::abs(lr_factor(s, 35) - 0.5 * (1 + std::cos(std::numbers::pi / 4))) < kTol);  // a quarter in: 0.8536
  BOOST_TEST(std::abs(lr_factor(s, 60) - 0.5) < kTol);  // mid decay: cos(pi / 2) = 0
  // The last step (109): progress 99/100, 0.5 (1 + cos(0.99 pi)) = 2.467e-4, small but not a wasted 0.
  BOOST_TEST(std::abs(lr_factor(s, 109) - 0.5 * (1 + std::cos(0.99 * std::numbers::pi))) < kTol);
  BOOST_TEST(lr_factor(s, 109) > 0.0);
  BOOST_TEST(lr_factor(s, 109) < 3e-4);
  BOOST_TEST(lr_factor(s, 110) == 0.0);  // past the end
}

BOOST_AUTO_TEST_CASE(cosine_without_warmup_starts_at_the_rate) {
  const LrSchedule s{.shape = LrShape::cosine, .warmup_steps = 0, .total_steps = 4};
  BOOST_TEST(lr_factor(s, 0) == 1.0);
  BOOST_TEST(std::abs(lr_factor(s, 1) - 0.5 * (1 + std::cos(std::numbers::pi / 4))) < kTol);
  BOOST_TEST(std::abs(lr_factor(s, 2) - 0.5) < kTol);
  BOOST_TEST(std::abs(lr_factor(s, 3) - 0.5 * (1 + std::cos(3 * std::numbers::pi / 4))) < kTol);
}

BOOST_AUTO_TEST_CASE(a_warmup_longer_than_the_schedule_is_cut_at_its_end) {
  // A stage of 4 steps with 10 steps of warm-up: it warms up over its 4 steps.
  const LrSchedule s{.shape = LrShape::cosine, .warmup_steps = 10, .total_steps = 4};
  BOOST_TEST(std::abs(lr_factor(s, 0) - 0.25) < kTol);
  BOOST_TEST(lr_factor(s, 3) == 1.0);
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST((lr_shape("constant") == LrShape::constant));
  BOOST_TEST((lr_shape("warmup") == LrShape::warmup));
  BOOST_TEST((lr_shape("cosine") == LrShape::cosine));
  BOOST_CHECK_THROW(lr_shape("linear"), std::invalid_argument);
  BOOST_TEST(lr_shape_names().size() == 3u);
}
