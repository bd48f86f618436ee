// Per-class precision, recall, F1 and macro-F1 from a confusion tally (agents/confusion.hpp) against
// scikit-learn 1.2.1 on the same answers. The expected values were printed by
//   precision_recall_fscore_support(y_true, y_pred, labels=ALL, zero_division=0)
//   f1_score(y_true, y_pred, average="macro", zero_division=0)
// for the y_true / y_pred lists below (the two-slot case with labels written "SLOT/VALUE"). The live
// comparison on a real run's answers is tests/py/test_metrics.py.
#define BOOST_TEST_MODULE confusion
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "agents/confusion.hpp"

using saccade::ClassScore;
using saccade::Confusion;

namespace tt = boost::test_tools;

BOOST_AUTO_TEST_CASE(one_slot_matches_scikit_learn) {
  // Class 3 is never answered, class 2 is answered but never true, class 4 is neither.
  const std::vector<int> y_true = {0, 0, 0, 1, 1, 3, 3, 0, 1, 1}, y_pred = {0, 1, 0, 1, 2, 0, 1, 0, 1, 2};
  Confusion c(1, 5);
  c.add(y_true, y_pred);
  BOOST_TEST(c.total() == 10u);
  BOOST_TEST(c.count(0, 3, 0) == 1u);
  BOOST_TEST(c.count(0, 1, 2) == 2u);
  const std::vector<ClassScore> s = saccade::class_scores(c);
  BOOST_TEST_REQUIRE(s.size() == 5u);
  const double precision[] = {0.75, 0.5, 0, 0, 0}, recall[] = {0.75, 0.5, 0, 0, 0}, f1[] = {0.75, 0.5, 0, 0, 0};
  const std::size_t support[] = {4, 4, 0, 2, 0};
  for (std::size_t k = 0; k < 5; ++k) {
    BOOST_TEST(s[k].precision == precision[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].recall == recall[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].f1 == f1[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].support == support[k]);
    BOOST_TEST(c.class_name(0, k) == std::to_string(k));
  }
  // Over classes 0-3 (class 4 occurs nowhere): (0.75 + 0.5 + 0 + 0) / 4.
  BOOST_TEST(saccade::macro_f1(s) == 0.3125, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(slots_are_separate_classifications) {
  // Three examples of two slots, example-major: (slot 0, slot 1) per example.
  // y_true = 0/1 1/0 0/1 1/2 0/0 1/2, y_pred = 0/1 1/2 0/0 1/2 0/0 1/0.
  const std::vector<int> labels = {1, 0, 1, 2, 0, 2}, answers = {1, 2, 0, 2, 0, 0};
  Confusion c(2, 3);
  c.add(labels, answers);
  const std::vector<ClassScore> s = saccade::class_scores(c);
  BOOST_TEST_REQUIRE(s.size() == 6u);
  const double precision[] = {0.5, 1, 0, 0, 0, 0.5}, recall[] = {1, 0.5, 0, 0, 0, 0.5};
  const double f1[] = {2.0 / 3, 2.0 / 3, 0, 0, 0, 0.5};
  const std::size_t support[] = {1, 2, 0, 1, 0, 2};
  for (std::size_t k = 0; k < 6; ++k) {
    BOOST_TEST(s[k].precision == precision[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].recall == recall[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].f1 == f1[k], tt::tolerance(1e-12));
    BOOST_TEST(s[k].support == support[k]);
  }
  BOOST_TEST(c.class_name(1, 2) == "1/2");
  BOOST_TEST(saccade::macro_f1(s) == 0.4583333333333333, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(tallies_add_up_and_bad_answers_are_refused) {
  Confusion a(1, 3), b(1, 3), sum;
  a.add({0, 1}, {0, 2});
  b.add({2}, {2});
  sum.add(a);  // an empty tally takes the first one's shape
  sum.add(b);
  BOOST_TEST(sum.total() == 3u);
  BOOST_TEST(sum.count(0, 2, 2) == 1u);
  BOOST_CHECK_THROW(sum.add(Confusion(2, 3)), std::invalid_argument);
  BOOST_CHECK_THROW(a.add({0, 3}, {0, 0}), std::invalid_argument);  // class 3 of 3
  BOOST_CHECK_THROW(a.add({0}, {0, 1}), std::invalid_argument);
  BOOST_TEST(std::isnan(saccade::macro_f1({})));
}
