// Chunks and documents: token and sentence chunking, and where the passage and the clutter go.
#define BOOST_TEST_MODULE text_chunks
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "envs/text/document.hpp"
#include "envs/text/text_env.hpp"
#include "envs/text/tokenizer.hpp"
#include "envs/text/vocab.hpp"

using namespace saccade;
using Ids = std::vector<int>;

namespace {

Ids range(int from, int n) {
  Ids v(n);
  for (int i = 0; i < n; ++i) v[i] = from + i;
  return v;
}

// Items use ids 100.., distractors ids 500.. (so a chunk tells where it came from); idf all 1.
std::shared_ptr<const TextSplit> synthetic(std::size_t items = 6, std::size_t distractors = 5) {
  auto s = std::make_shared<TextSplit>();
  s->name = "synthetic";
  s->classes = {"a", "b"};
  s->num_classes = 2;
  s->vocab_size = 1000;
  s->idf.assign(1000, 1.0f);
  s->idf[0] = 0.0f;
  for (std::size_t i = 0; i < items; ++i) {
    s->docs.push_back(range(100 + 10 * static_cast<int>(i), 5 + 3 * static_cast<int>(i)));  // 5, 8, 11, ... tokens
    s->doc_sentences.push_back({0});
    s->labels.push_back(static_cast<int>(i % 2));
  }
  for (std::size_t d = 0; d < distractors; ++d) {
    s->distractors.push_back(range(500 + 50 * static_cast<int>(d), 9 + static_cast<int>(d)));
    s->distractor_sentences.push_back({0});
  }
  return s;
}

// Region r of example b of the env's current batch, as ids.
Ids region(const TextChunkEnv& env, std::size_t b, std::size_t r) {
  const std::size_t R = env.options().chunks, T = env.options().chunk_tokens;
  const float* p = env.documents().data() + (b * R + r) * T;
  return Ids(p, p + T);
}

}  // namespace

BOOST_AUTO_TEST_CASE(token_chunks_are_consecutive_and_padded) {
  const Ids ids = range(2, 26);
  const auto c = chunk_text(ids, {}, ChunkSpec{12, false});
  BOOST_REQUIRE(c.size() == 3u);
  BOOST_TEST(c[0] == range(2, 12), boost::test_tools::per_element());
  BOOST_TEST(c[1] == range(14, 12), boost::test_tools::per_element());
  BOOST_TEST(c[2] == (Ids{26, 27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(count_chunks(range(2, 24), {}, ChunkSpec{12, false}) == 2u);
  BOOST_TEST(count_chunks({}, {}, ChunkSpec{12, false}) == 0u);
  std::vector<float> out(12);
  BOOST_CHECK_THROW(write_chunk(ids, {}, ChunkSpec{12, false}, 3, out.data()), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(sentence_chunks_are_truncated_or_padded) {
  // "one two three four . five ! six" -> sentences at 0, 5, 7.
  const auto tokens = tokenize("One two three four. Five! Six");
  const auto starts = sentence_starts(tokens);
  BOOST_TEST(starts == (std::vector<std::size_t>{0, 5, 7}), boost::test_tools::per_element());
  const Ids ids = range(10, static_cast<int>(tokens.size()));  // token k has id 10 + k
  const auto c = chunk_text(ids, starts, ChunkSpec{3, true});
  BOOST_REQUIRE(c.size() == 3u);
  BOOST_TEST(c[0] == (Ids{10, 11, 12}), boost::test_tools::per_element());  // "four ." cut off
  BOOST_TEST(c[1] == (Ids{15, 16, 0}), boost::test_tools::per_element());
  BOOST_TEST(c[2] == (Ids{17, 0, 0}), boost::test_tools::per_element());
  // No sentence list: the whole text is one sentence.
  BOOST_TEST(chunk_text(ids, {}, ChunkSpec{3, true}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(plain_documents_start_at_chunk_zero) {
  TextEnvOptions o;
  o.chunks = 4;
  o.chunk_tokens = 3;
  o.clutter = false;
  TextChunkEnv env(synthetic(), o);
  env.reset({0, 4}, 9);  // 5 tokens -> 2 chunks; 17 tokens -> 6 chunks, cut at 4
  BOOST_TEST(env.passage_start() == (std::vector<int>{0, 0}), boost::test_tools::per_element());
  BOOST_TEST(region(env, 0, 0) == (Ids{100, 101, 102}), boost::test_tools::per_element());
  BOOST_TEST(region(env, 0, 1) == (Ids{103, 104, 0}), boost::test_tools::per_element());
  BOOST_TEST(region(env, 0, 2) == (Ids{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(region(env, 0, 3) == (Ids{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(env.layouts()[0].passage_chunks == 2u);
  BOOST_TEST(region(env, 1, 3) == (Ids{149, 150, 151}), boost::test_tools::per_element());
  BOOST_TEST(env.layouts()[1].passage_chunks == 4u);
}

BOOST_AUTO_TEST_CASE(clutter_holds_the_passage_and_distractor_chunks_only) {
  const auto split = synthetic();
  TextEnvOptions o;
  o.chunks = 8;
  o.chunk_tokens = 4;
  o.max_passage_chunks = 3;
  TextChunkEnv env(split, o);
  env.reset({0, 1, 2, 3, 4, 5}, 7);
  for (std::size_t b = 0; b < 6; ++b) {
    const DocumentLayout& l = env.layouts()[b];
    const auto own = chunk_text(split->docs[b], split->doc_sentences[b], ChunkSpec{4, false});
    BOOST_TEST(l.passage_chunks == std::min<std::size_t>(3, own.size()));
    BOOST_TEST(l.passage_start + l.passage_chunks <= 8u);
    for (std::size_t r = 0; r < 8; ++r) {
      const Ids got = region(env, b, r);
      if (r >= l.passage_start && r < l.passage_start + l.passage_chunks) {
        BOOST_TEST(got == own[r - l.passage_start], boost::test_tools::per_element());
        continue;
      }
      // A distractor chunk: the one its layout names, and only distractor ids (500..) in it.
      const ChunkSource& src = l.sources[r];
      BOOST_REQUIRE(src.distractor >= 0);
      const auto theirs = chunk_text(split->distractors[src.distractor], split->distractor_sentences[src.distractor],
                                     ChunkSpec{4, false});
      BOOST_TEST(got == theirs[src.chunk], boost::test_tools::per_element());
      BOOST_TEST(std::all_of(got.begin(), got.end(), [](int id) { return id == 0 || id >= 500; }));
    }
  }
}

BOOST_AUTO_TEST_CASE(documents_depend_on_seed_and_example_only) {
  const auto split = synthetic();
  TextEnvOptions o;
  o.chunks = 10;
  o.chunk_tokens = 4;
  TextChunkEnv a(split, o), b(split, o);
  a.reset({0, 1, 2, 3, 4, 5}, 7);
  b.reset({5, 3}, 7);
  for (std::size_t r = 0; r < 10; ++r) {
    BOOST_TEST(region(a, 5, r) == region(b, 0, r), boost::test_tools::per_element());
    BOOST_TEST(region(a, 3, r) == region(b, 1, r), boost::test_tools::per_element());
  }
  BOOST_TEST(a.passage_start()[5] == b.passage_start()[0]);

  // Other seeds move the passage (and change the clutter).
  std::set<int> starts;
  bool clutter_changed = false;
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    b.reset({5, 3}, seed);
    starts.insert(b.passage_start()[0]);
    for (std::size_t r = 0; r < 10; ++r) clutter_changed |= region(b, 1, r) != region(a, 3, r);
  }
  BOOST_TEST(starts.size() >= 3u);
  BOOST_TEST(clutter_changed);
  // The stream is the documented one.
  Rng rng = document_rng(7, 4);
  std::vector<float> doc(40);
  DocumentSpec spec;
  spec.chunks = 10;
  spec.chunk = {4, false};
  const DocumentLayout l = build_document(*split, 4, spec, rng, doc.data());
  BOOST_TEST(static_cast<int>(l.passage_start) == a.passage_start()[4]);
  BOOST_TEST(std::equal(doc.begin(), doc.end(), a.documents().data() + 4 * 40));
}

BOOST_AUTO_TEST_CASE(clutter_needs_distractors) {
  BOOST_CHECK_THROW(TextChunkEnv(synthetic(6, 0), TextEnvOptions{}), std::invalid_argument);
  TextEnvOptions o;
  o.clutter = false;
  BOOST_CHECK_NO_THROW(TextChunkEnv(synthetic(6, 0), o));
  o.chunk_tokens = 0;
  BOOST_CHECK_THROW(TextChunkEnv(synthetic(6, 0), o), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(unknown_tokens_have_a_preview_bucket_of_their_own) {
  BOOST_TEST(preview_bucket(Vocabulary::unk, 32) == 0u);
  for (int id = 2; id < 500; ++id) {
    const std::size_t b = preview_bucket(id, 32);
    BOOST_TEST((b >= 1 && b < 32));
  }
  BOOST_TEST(preview_bucket(7, 1) == 0u);  // one bucket: everything in it
}
