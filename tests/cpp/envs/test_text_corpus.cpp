// The fortunes corpus from Debian's files: the eight default classes, duplicates removed, stratified
// deterministic splits, distractors from the other categories split the same way, and the vocabulary.
#define BOOST_TEST_MODULE text_corpus
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "envs/text/corpus.hpp"
#include "envs/text/fortunes.hpp"
#include "envs/text/text_split.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;

namespace {

// Options for `source` (aggregate initialisation would leave fields unnamed).
TextSourceOptions src(const std::string& source, const std::vector<std::string>& categories = {}) {
  TextSourceOptions o;
  o.source = source;
  o.categories = categories;
  return o;
}

const TextCorpus& corpus0() {
  static const TextCorpus c = load_text_corpus({}, 0);
  return c;
}

std::set<std::string> keys(const std::vector<std::string>& texts) {
  std::set<std::string> s;
  for (const auto& t : texts) s.insert(normalize_whitespace(t));
  return s;
}

std::size_t common(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::size_t n = 0;
  for (const auto& x : a) n += b.count(x);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(debian_ships_43_categories_with_the_default_eight) {
  const auto cats = fortune_categories(default_fortunes_dir());
  BOOST_TEST(cats.size() == 43u);
  for (const auto& c : default_fortune_categories()) BOOST_TEST(std::binary_search(cats.begin(), cats.end(), c), c);
  BOOST_TEST(!std::binary_search(cats.begin(), cats.end(), std::string("computers.u8")));
  const auto entries = read_fortune_file(default_fortunes_dir() + "/startrek");
  BOOST_TEST(entries.size() > 200u);
  BOOST_TEST(entries[0].line == 1u);
  BOOST_TEST(entries[1].line > entries[0].line);
  for (const auto& e : entries) BOOST_TEST(e.text.find("\n%\n") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(fortunes_splits_are_stratified_and_disjoint) {
  const TextCorpus& c = corpus0();
  BOOST_TEST(c.classes == default_fortune_categories(), boost::test_tools::per_element());
  BOOST_TEST(c.duplicates > 0u);
  std::size_t total = 0;
  for (std::size_t k = 0; k < c.classes.size(); ++k) {
    const auto count = [&](const TextCorpusSplit& s) { return std::count(s.labels.begin(), s.labels.end(), static_cast<int>(k)); };
    const std::size_t n = c.class_sizes[k];
    BOOST_TEST(static_cast<std::size_t>(count(c.train) + count(c.validation) + count(c.test)) == n);
    const double tenth = std::round(n / 10.0);
    BOOST_TEST(static_cast<double>(count(c.test)) == tenth, c.classes[k]);
    BOOST_TEST(static_cast<double>(count(c.validation)) == tenth, c.classes[k]);
    BOOST_TEST_MESSAGE(c.classes[k] << ": " << n << " entries (" << count(c.train) << "/" << count(c.validation) << "/"
                                    << count(c.test) << ")");
    total += n;
  }
  BOOST_TEST_MESSAGE("fortunes: " << total << " labelled entries, " << c.train.texts.size() << "/"
                                  << c.validation.texts.size() << "/" << c.test.texts.size() << " train/val/test; "
                                  << c.train.distractors.size() << "/" << c.validation.distractors.size() << "/"
                                  << c.test.distractors.size() << " distractors; " << c.duplicates
                                  << " duplicates dropped");
  BOOST_TEST(c.train.texts.size() + c.validation.texts.size() + c.test.texts.size() == total);
  const double n = static_cast<double>(total);
  BOOST_TEST(c.test.texts.size() / n == 0.1, boost::test_tools::tolerance(0.02));
  BOOST_TEST(c.validation.texts.size() / n == 0.1, boost::test_tools::tolerance(0.02));

  // No text twice, in or across splits; no distractor is a labelled text; distractors split apart.
  const auto tr = keys(c.train.texts), va = keys(c.validation.texts), te = keys(c.test.texts);
  BOOST_TEST(tr.size() == c.train.texts.size());
  BOOST_TEST(te.size() == c.test.texts.size());
  BOOST_TEST(common(tr, te) == 0u);
  BOOST_TEST(common(tr, va) == 0u);
  BOOST_TEST(common(va, te) == 0u);
  const auto dtr = keys(c.train.distractors), dva = keys(c.validation.distractors), dte = keys(c.test.distractors);
  BOOST_TEST(dtr.size() == c.train.distractors.size());
  BOOST_TEST(common(dtr, dte) == 0u);
  BOOST_TEST(common(dtr, dva) == 0u);
  for (const auto* d : {&dtr, &dva, &dte}) {
    BOOST_TEST(common(*d, tr) == 0u);
    BOOST_TEST(common(*d, te) == 0u);
  }
  // Distractors are the other 35 categories: far more of them than labelled texts, ~80/10/10.
  const double nd = static_cast<double>(c.train.distractors.size() + c.validation.distractors.size() + c.test.distractors.size());
  BOOST_TEST(nd > 2.0 * n);
  BOOST_TEST(c.test.distractors.size() / nd == 0.1, boost::test_tools::tolerance(0.02));

  // Any prefix of a split is stratified: the first tenth of test has every class.
  std::set<int> seen(c.test.labels.begin(), c.test.labels.begin() + static_cast<std::ptrdiff_t>(c.test.labels.size() / 10));
  BOOST_TEST(seen.size() == c.classes.size());
}

BOOST_AUTO_TEST_CASE(fortunes_splits_are_deterministic_per_seed) {
  const TextCorpus again = load_text_corpus({}, 0), other = load_text_corpus({}, 1);
  BOOST_TEST(again.test.texts == corpus0().test.texts);
  BOOST_TEST(again.train.distractors == corpus0().train.distractors);
  BOOST_TEST(other.test.texts != corpus0().test.texts);
  BOOST_TEST(other.class_sizes == corpus0().class_sizes, boost::test_tools::per_element());
  BOOST_TEST(common(keys(other.test.texts), keys(corpus0().test.texts)) < corpus0().test.texts.size() / 2);
}

BOOST_AUTO_TEST_CASE(fortunes_tokenised_with_a_training_vocabulary) {
  const TextSplits s = make_text_splits(corpus0(), 2);
  BOOST_TEST(s.train.name == "fortunes/train");
  BOOST_TEST(s.train.num_classes == 8u);
  BOOST_TEST(s.train.vocab_size == s.vocab->size());
  BOOST_TEST(s.test.vocab_size == s.vocab->size());
  BOOST_TEST(s.train.size() == corpus0().train.texts.size());
  BOOST_TEST(s.train.distractors.size() == corpus0().train.distractors.size());
  BOOST_TEST(s.vocab->size() > 3000u);
  BOOST_TEST(s.vocab->size() < 20000u);
  // The most frequent tokens come first.
  const std::set<std::string> top = {s.vocab->token(2), s.vocab->token(3), s.vocab->token(4)};
  BOOST_TEST((top == std::set<std::string>{".", ",", "-"}));  // "-": definitions and perl
  std::size_t tokens = 0, unknown = 0;
  for (const auto& d : s.test.docs) {
    tokens += d.size();
    unknown += static_cast<std::size_t>(std::count(d.begin(), d.end(), Vocabulary::unk));
  }
  BOOST_TEST(unknown > 0u);                 // test words unseen in training are <unk>
  BOOST_TEST(unknown < tokens / 5);
  BOOST_TEST_MESSAGE("vocabulary at min_count 2: " << s.vocab->size() << " ids; test tokens <unk>: " << unknown
                                                   << " of " << tokens);
}

BOOST_AUTO_TEST_CASE(categories_are_checked_before_loading) {
  BOOST_CHECK_NO_THROW(check_text_source("fortunes", {}));
  BOOST_CHECK_NO_THROW(check_text_source("", {"love", "tao"}));
  const std::string typo = error_of([] { check_text_source("fortunes", {"love", "sprots"}); });
  BOOST_TEST(typo.find("unknown category `sprots`") != std::string::npos, typo);
  BOOST_TEST(typo.find("did you mean `sports`") != std::string::npos, typo);
  BOOST_TEST(typo.find("startrek") != std::string::npos, typo);  // lists what there is
  BOOST_CHECK_THROW(load_text_corpus(src("fortunes", {"love", "sprots"}), 0), std::invalid_argument);
  const std::string one = error_of([] { check_text_source("fortunes", {"love"}); });
  BOOST_TEST(one.find("at least 2 classes") != std::string::npos, one);
  const std::string twice = error_of([] { check_text_source("fortunes", {"love", "love"}); });
  BOOST_TEST(twice.find("named twice") != std::string::npos, twice);
  const std::string dir = error_of([] { check_text_source("fortunes:/no/such/dir", {}); });
  BOOST_TEST(dir.find("/no/such/dir not found") != std::string::npos, dir);
  const std::string bad = error_of([] { check_text_source("fortune", {}); });
  BOOST_TEST(bad.find("unknown text source \"fortune\"") != std::string::npos, bad);
  // A two-category label set leaves the other 41 as distractors.
  const TextCorpus c = load_text_corpus(src("fortunes", {"tao", "love"}), 3);
  BOOST_TEST(c.classes == (std::vector<std::string>{"love", "tao"}), boost::test_tools::per_element());
  BOOST_TEST(c.train.distractors.size() > 10000u);
}
