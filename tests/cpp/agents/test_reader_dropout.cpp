// reader.dropout (attention/reader.hpp, agents/episode.hpp): it drops in the reader's training pass
// only. Evaluation predicts exactly as with p = 0 from the same parameters; in a training episode the
// policy's summaries, log-probabilities, the logits its rewards are made of are those of p = 0, and
// only Episode::reader_logits (the reader's cross-entropy) carries a mask; a mask never reaches
// summary(); the masks are seeded; every kind of reader drops before its output layer.
#define BOOST_TEST_MODULE reader_dropout
#include <boost/test/unit_test.hpp>

#include <memory>

#include "agents/episode.hpp"
#include "agents/evaluate.hpp"
#include "agents/gaussian_location.hpp"
#include "attention/mlp_reader.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

namespace {

std::vector<std::size_t> first(std::size_t n) {
  std::vector<std::size_t> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = i;
  return e;
}

// RAM over digits: a sequential policy that decides from the reader's summary at every step.
struct Glimpse {
  Rng init{1};
  ImageGlimpseEnv env{std::make_shared<const ImageDataset>(load_image_splits("digits", 0).test), CanvasSpec::translated(16),
                      {.retina = {4, 2}, .budget = 3, .preview_factor = 4}};
  RamReader reader{{.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 32}, init};
  GaussianLocationPolicy policy{{.input = 32}, init};

  Episode episode(double p, bool greedy, bool dropout) {
    reader.set_dropout(p);
    Rng rng(2);
    return run_episode(env, reader, policy, first(8), 5, rng, greedy, {.dropout = dropout});
  }
};

bool same(const Var& a, const Var& b) { return a.value() == b.value(); }

}  // namespace

BOOST_AUTO_TEST_CASE(dropout_is_off_in_evaluation) {
  Glimpse g;
  const Episode off = g.episode(0.0, /*greedy=*/true, false);
  const Episode on = g.episode(0.5, /*greedy=*/true, false);
  BOOST_TEST(same(on.logits, off.logits));  // bit for bit: the same parameters, no mask
  BOOST_TEST(same(on.reader_logits, off.logits));
  Rng r1(3), r2(3);
  g.reader.set_dropout(0.0);
  const EvalResult e0 = evaluate(g.env, g.reader, g.policy, 64, 16, 9, r1);
  g.reader.set_dropout(0.5);
  const EvalResult e1 = evaluate(g.env, g.reader, g.policy, 64, 16, 9, r2);
  BOOST_TEST(e0.accuracy == e1.accuracy);
  BOOST_TEST(e0.scores == e1.scores, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(only_the_readers_cross_entropy_sees_a_mask) {
  Glimpse g;
  const Episode off = g.episode(0.0, false, /*dropout=*/true);
  const Episode on = g.episode(0.5, false, /*dropout=*/true);
  BOOST_TEST(same(off.reader_logits, off.logits));  // p = 0: exactly as before
  // What the policy decided from and was scored on is p = 0's, step by step.
  BOOST_TEST_REQUIRE(on.summaries.size() == off.summaries.size());
  for (std::size_t t = 0; t < on.summaries.size(); ++t) {
    BOOST_TEST(same(on.summaries[t], off.summaries[t]));
    BOOST_TEST(same(on.log_probs[t], off.log_probs[t]));
  }
  BOOST_TEST_REQUIRE(on.locations.size() == off.locations.size());
  for (std::size_t t = 0; t < on.locations.size(); ++t) BOOST_TEST((on.locations[t] == off.locations[t]));
  BOOST_TEST(same(on.logits, off.logits));
  BOOST_TEST(!same(on.reader_logits, on.logits));  // the reader's training pass did drop
  // The masks are a function of the batch (seed, first example): the same episode drops the same.
  const Episode again = g.episode(0.5, false, true);
  BOOST_TEST(same(again.reader_logits, on.reader_logits));
}

BOOST_AUTO_TEST_CASE(a_mask_never_reaches_summary) {
  Rng rng(4);
  PatchReader reader({.content_size = 4, .regions = 4, .dim = 8, .heads = 2, .num_classes = 3}, rng);
  reader.set_dropout(0.5);
  RegionBatch r;
  r.content = rng.uniform_array({3, 4}, 0.0f, 1.0f);
  r.region = {0, 2, 3};
  const Memory m = reader.update(reader.init(3), reader.embed(r), {0, 1, 2});
  const Array summary = reader.summary(m).value(), logits = reader.predict(m).value();
  Rng masks(7);
  const Var dropped = reader.predict_dropped(m, masks);
  BOOST_TEST((dropped.value() != logits));
  BOOST_TEST((reader.summary(m).value() == summary));  // the summary the policy would see: untouched
  BOOST_TEST((reader.predict(m).value() == logits));   // and the stream was taken back after the one call
  Rng masks2(7);
  BOOST_TEST((reader.predict_dropped(m, masks2).value() == dropped.value()));  // seeded
}

BOOST_AUTO_TEST_CASE(every_kind_of_reader_drops_in_the_training_pass_only) {
  Rng rng(6);
  std::vector<std::unique_ptr<Reader>> readers;
  readers.push_back(std::make_unique<RamReader>(RamReaderOptions{8, 5, 6, 3, "gru"}, rng));
  readers.push_back(std::make_unique<PatchReader>(PatchReaderOptions{4, 4, 8, 2, 3}, rng));
  readers.push_back(std::make_unique<MlpReader>(MlpReaderOptions{4, 6, 2, 3}, rng));
  for (auto& reader : readers) {
    RegionBatch r;
    r.content = rng.uniform_array({2, reader.get() == readers[0].get() ? 8u : 4u}, 0.0f, 1.0f);
    r.location = rng.uniform_array({2, 2}, -1.0f, 1.0f);
    r.region = {1, 3};
    const Memory m = reader->update(reader->init(2), reader->embed(r), {0, 1});
    Rng masks(1);
    BOOST_TEST((reader->predict_dropped(m, masks).value() == reader->predict(m).value()));  // p = 0
    reader->set_dropout(0.6);
    BOOST_TEST((reader->predict_dropped(m, masks).value() != reader->predict(m).value()));
  }
  BOOST_CHECK_THROW(readers[0]->set_dropout(1.0), std::invalid_argument);
}
