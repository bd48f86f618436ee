// The vocabulary on tiny documents: min_count, <pad>/<unk>, id order, size cap, and idf computed by hand.
#define BOOST_TEST_MODULE text_vocab
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "envs/text/vocab.hpp"

using namespace saccade;

namespace {

// the x3, cat x2, dog x2, sat/zip/ran/far x1.
const std::vector<std::vector<std::string>> kDocs = {
    {"the", "cat", "the", "sat"},
    {"the", "cat", "zip"},
    {"dog", "ran", "far", "dog"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(min_count_keeps_frequent_tokens_in_frequency_order) {
  const Vocabulary v(kDocs, 2);
  BOOST_TEST(v.size() == 5u);  // <pad>, <unk>, the, cat, dog
  BOOST_TEST(v.token(0) == "<pad>");
  BOOST_TEST(v.token(1) == "<unk>");
  BOOST_TEST(v.id("the") == 2);
  BOOST_TEST(v.id("cat") == 3);  // ties in byte order: cat before dog
  BOOST_TEST(v.id("dog") == 4);
  BOOST_TEST(v.id("sat") == Vocabulary::unk);
  BOOST_TEST(v.id("never seen") == Vocabulary::unk);
  BOOST_TEST(v.token(4) == "dog");
  BOOST_CHECK_THROW(v.token(5), std::out_of_range);
  BOOST_CHECK_THROW(v.token(-1), std::out_of_range);
  BOOST_TEST(v.encode({"the", "zzz", "dog"}) == (std::vector<int>{2, 1, 4}), boost::test_tools::per_element());

  BOOST_TEST(Vocabulary(kDocs, 1).size() == 9u);
  BOOST_TEST(Vocabulary(kDocs, 3).size() == 3u);
}

BOOST_AUTO_TEST_CASE(max_size_caps_including_the_specials) {
  const Vocabulary v(kDocs, 1, 4);
  BOOST_TEST(v.size() == 4u);
  BOOST_TEST(v.id("cat") == 3);
  BOOST_TEST(v.id("dog") == Vocabulary::unk);
  BOOST_CHECK_THROW(Vocabulary(kDocs, 1, 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(idf_is_smooth_and_counts_documents) {
  const Vocabulary v(kDocs, 2);
  BOOST_TEST(v.documents() == 3u);
  // N = 3. the: df 2 (twice in doc 0 counts once); cat: df 2; dog: df 1;
  // <unk> (sat, zip, ran, far): df 3, in every document.
  const auto idf = [](double df) { return static_cast<float>(std::log(4.0 / (1.0 + df)) + 1.0); };
  BOOST_TEST(v.idf(Vocabulary::pad) == 0.0f);
  BOOST_TEST(v.idf(v.id("the")) == idf(2), boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(v.idf(v.id("cat")) == idf(2), boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(v.idf(v.id("dog")) == 1.6931472f, boost::test_tools::tolerance(1e-6f));  // log(4/2) + 1
  BOOST_TEST(v.idf(Vocabulary::unk) == 1.0f, boost::test_tools::tolerance(1e-6f));    // log(4/4) + 1
  BOOST_TEST(v.idf().size() == v.size());
  BOOST_CHECK_THROW(v.idf(9), std::out_of_range);
}
