// The fixed confidence stop (agents/confidence_stop.hpp): how sure the reader is, against hand-computed
// softmax values; the stop's decisions on a hand-built batch (never before the first read, STOP once
// sure, the plan's order otherwise); and its threshold set so that the mean regions read hits a target,
// against regions counted by hand on recorded confidences. Built by name from its table row.
#define BOOST_TEST_MODULE confidence_stop
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "agents/confidence_stop.hpp"
#include "experiments/tables/choose.hpp"

using namespace saccade;

namespace {

Var logits_of(std::initializer_list<std::initializer_list<float>> rows) {
  const std::size_t n = rows.size(), c = rows.begin()->size();
  Array a = Array::from_shape({n, c});
  std::size_t i = 0;
  for (const auto& r : rows)
    for (float v : r) a.data()[i++] = v;
  return Var(a);
}

// Regions read at threshold t by the examples of `rec`, counted step by step as an episode would.
double mean_regions_by_hand(const ConfidenceStopPolicy::Record& rec, double t) {
  double total = 0.0;
  for (std::size_t e = 0; e < rec.plan_length.size(); ++e) {
    std::size_t read = std::min<std::size_t>(rec.plan_length[e], 1);
    for (float c : rec.confidence[e]) {
      if (c >= t) break;
      ++read;
    }
    total += static_cast<double>(read);
  }
  return total / static_cast<double>(rec.plan_length.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(confidence_is_the_least_sure_slots_top_probability) {
  // softmax(0, ln 3) = (0.25, 0.75); softmax(0, 0, 0, 0) = 0.25 each; softmax(ln 9, 0) = 0.9.
  const Var one = logits_of({{0.0f, std::log(3.0f)}, {std::log(9.0f), 0.0f}});
  const auto c = reader_confidence(one, 1);
  BOOST_TEST(c[0] == 0.75f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(c[1] == 0.9f, boost::test_tools::tolerance(1e-6f));
  // Two slots per example: the example is as sure as its less sure slot.
  const Var two = logits_of({{0.0f, std::log(3.0f)}, {std::log(9.0f), 0.0f}});
  BOOST_TEST(reader_confidence(two, 2)[0] == 0.75f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(stops_once_sure_never_before_the_first_read) {
  EnvSpec spec;
  spec.num_regions = 6;
  spec.preview_kind = PreviewKind::per_region;
  Observation obs;
  obs.steps_left.assign(2, 6);
  obs.preview = Array::from_shape({2, 6, 1});  // no preview energy anywhere
  obs.preview.fill(0.0f);
  auto policy = make_fixed_policy("confidence", "confidence", spec, 4);
  auto* stop = dynamic_cast<ConfidenceStopPolicy*>(policy.get());
  BOOST_TEST_REQUIRE(stop != nullptr);
  BOOST_TEST(policy->needs_prediction());
  stop->set_threshold(0.8);
  Rng rng(1);
  const Var summary;
  // Step 0: no prediction yet; both read their first planned region (flat previews: salient ties keep
  // the lowest regions, so the plan is 0, 1, 2, 3).
  const PolicyContext first{spec, obs, summary, 0};
  policy->begin(first, rng, true);
  const Decision d0 = policy->act(first, rng, true);
  BOOST_TEST(d0.action.region[0] == 0);
  BOOST_TEST(d0.action.region[1] == 0);
  // Step 1: example 0 is sure (0.9 >= 0.8) and stops; example 1 (0.75) reads on.
  const Var prediction = logits_of({{std::log(9.0f), 0.0f}, {0.0f, std::log(3.0f)}});
  const PolicyContext second{spec, obs, summary, 1, &prediction};
  const Decision d1 = policy->act(second, rng, true);
  BOOST_TEST(d1.action.region[0] == -1);
  BOOST_TEST(d1.action.region[1] == 1);
}

BOOST_AUTO_TEST_CASE(threshold_meets_the_target_mean_regions) {
  // Plans of 3, 3 and 2 regions; confidences after each read but the last.
  ConfidenceStopPolicy::Record rec;
  rec.plan_length = {3, 3, 2};
  rec.confidence = {{0.9f, 0.95f}, {0.5f, 0.8f}, {0.6f}};
  // Target 2: threshold 0.9 (example 0 stops after 1 read, 1 reads 3, 2 reads its 2): 6 / 3.
  Calibration c = calibrate_threshold(rec, 2.0);
  BOOST_TEST(c.threshold == 0.9, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(c.mean_regions == 2.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(mean_regions_by_hand(rec, c.threshold) == c.mean_regions, boost::test_tools::tolerance(1e-12));
  // Target 1: every example stops after its first read.
  c = calibrate_threshold(rec, 1.0);
  BOOST_TEST(c.mean_regions == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(mean_regions_by_hand(rec, c.threshold) == 1.0, boost::test_tools::tolerance(1e-12));
  // More than the plans hold: never stop, every plan read whole (8 / 3).
  c = calibrate_threshold(rec, 5.0);
  BOOST_TEST(std::isinf(c.threshold));
  BOOST_TEST(c.mean_regions == 8.0 / 3.0, boost::test_tools::tolerance(1e-12));
  // Any target: the mean at the chosen threshold is what an episode would read, and it is the nearest
  // of the means any threshold can give.
  const double reachable[] = {1.0, 4.0 / 3.0, 5.0 / 3.0, 2.0, 7.0 / 3.0, 8.0 / 3.0};
  for (double target = 0.5; target < 3.0; target += 0.05) {
    c = calibrate_threshold(rec, target);
    BOOST_TEST(mean_regions_by_hand(rec, c.threshold) == c.mean_regions, boost::test_tools::tolerance(1e-12));
    double nearest = 1e9;
    for (double m : reachable) nearest = std::min(nearest, std::abs(m - target));
    BOOST_TEST(std::abs(c.mean_regions - target) == nearest, boost::test_tools::tolerance(1e-9));
  }
}
