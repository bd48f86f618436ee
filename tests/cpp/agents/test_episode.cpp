// The episode loop (agents/episode.hpp) and evaluate() on the real image envs over scikit-learn's
// digits (translated onto a 16 x 16 canvas): the budget is spent when nobody stops; examples that
// stop early read less and are never encoded again; their log-probabilities are masked; the same
// (examples, seed, rng seed) replays exactly; evaluate's accuracy is the argmax count, and its
// evidence_read the share of reads on the regions the env calls evidence; the time charged to the
// policy (Episode::policy_seconds) is its own work and no more.
#define BOOST_TEST_MODULE episode
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include <xtensor/xbuilder.hpp>

#include "agents/confidence_stop.hpp"
#include "agents/evaluate.hpp"
#include "agents/fixed_policy.hpp"
#include "agents/region_rules.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/top_k_regions.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

namespace {

std::shared_ptr<const ImageDataset> digits() {
  static auto d = std::make_shared<const ImageDataset>(load_image_splits("digits", 0).test);
  return d;
}
ImageGlimpseEnv glimpse_env(std::size_t budget = 3) {
  return ImageGlimpseEnv(digits(), CanvasSpec::translated(16), {.retina = {4, 2}, .budget = budget, .preview_factor = 4});
}
ImagePatchEnv patch_env(std::size_t budget) {
  return ImagePatchEnv(digits(), CanvasSpec::translated(16), {.grid = 4, .budget = budget, .preview_factor = 4});
}
std::vector<std::size_t> first(std::size_t n) {
  std::vector<std::size_t> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = i;
  return e;
}

// Example b glimpses at the centre until step stop_at[b], where it says STOP. log_prob 0.5, entropy 1.
class StopAt : public Policy {
 public:
  explicit StopAt(std::vector<std::size_t> s) : stop_at_(std::move(s)) {}
  std::string name() const override { return "stop-at"; }
  Decision act(const PolicyContext& ctx, Rng&, bool) override {
    const std::size_t B = stop_at_.size();
    Decision d;
    d.action.location = xt::zeros<float>({B, std::size_t{2}});
    for (std::size_t b = 0; b < B; ++b) d.action.stop.push_back(ctx.step >= stop_at_[b] ? 1 : 0);
    d.log_prob = Var(xt::ones<float>({B}) * 0.5f);
    d.entropy = Var(xt::ones<float>({B}));
    return d;
  }

 private:
  std::vector<std::size_t> stop_at_;
};

// A real reader, plus a record of what it was asked to encode and update.
class SpyReader : public Reader {
 public:
  explicit SpyReader(const Reader& inner) : inner_(inner) {}
  Memory init(std::size_t batch) const override { return inner_.init(batch); }
  Var encode(const RegionBatch& r) const override {
    encoded.push_back(r.content.shape()[0]);
    return inner_.encode(r);
  }
  Memory update(const Memory& m, const Var& e, const std::vector<int>& rows) const override {
    updated.push_back(rows);
    BOOST_TEST(e.shape(0) == rows.size());
    return inner_.update(m, e, rows);
  }
  Var summary(const Memory& m) const override { return inner_.summary(m); }
  Var predict(const Memory& m) const override { return inner_.predict(m); }
  std::size_t summary_size() const override { return inner_.summary_size(); }
  double flops_encode() const override { return inner_.flops_encode(); }
  double flops_update(std::size_t t) const override { return inner_.flops_update(t); }
  double flops_predict(std::size_t t) const override { return inner_.flops_predict(t); }

  mutable std::vector<std::size_t> encoded;
  mutable std::vector<std::vector<int>> updated;

 private:
  const Reader& inner_;
};

// The patch env, told that example e's evidence is regions e % 5 and 15 (the image env cannot tell).
class WithEvidence : public Env {
 public:
  explicit WithEvidence(ImagePatchEnv inner) : inner_(std::move(inner)) {}
  const EnvSpec& spec() const override { return inner_.spec(); }
  std::size_t num_examples() const override { return inner_.num_examples(); }
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override {
    auto r = inner_.reset(examples, seed);
    r.second.evidence.assign(examples.size() * 16, 0);
    for (std::size_t b = 0; b < examples.size(); ++b) {
      r.second.evidence[b * 16 + examples[b] % 5] = 1;
      r.second.evidence[b * 16 + 15] = 1;
    }
    return r;
  }
  StepResult step(const Action& a) override { return inner_.step(a); }

 private:
  ImagePatchEnv inner_;
};

// A real reader that sleeps `pause` seconds in each summary, predict and encode call, and counts them:
// what run_episode charges to the policy can then be checked against lower bounds that hold however
// fast or loaded the machine is (sleep_for waits at least that long), never against a speed.
class SlowReader : public Reader {
 public:
  SlowReader(const Reader& inner, double pause) : inner_(inner), pause_(pause) {}
  Memory init(std::size_t batch) const override { return inner_.init(batch); }
  Var encode(const RegionBatch& r) const override { return wait(encodes), inner_.encode(r); }
  Memory update(const Memory& m, const Var& e, const std::vector<int>& rows) const override {
    return inner_.update(m, e, rows);
  }
  Var summary(const Memory& m) const override { return wait(summaries), inner_.summary(m); }
  Var predict(const Memory& m) const override { return wait(predictions), inner_.predict(m); }
  std::size_t summary_size() const override { return inner_.summary_size(); }
  double flops_encode() const override { return inner_.flops_encode(); }
  double flops_update(std::size_t t) const override { return inner_.flops_update(t); }
  double flops_predict(std::size_t t) const override { return inner_.flops_predict(t); }

  mutable int encodes = 0, summaries = 0, predictions = 0;

 private:
  void wait(int& calls) const {
    ++calls;
    std::this_thread::sleep_for(std::chrono::duration<double>(pause_));
  }
  const Reader& inner_;
  double pause_;
};

struct Glimpse {
  Rng init{1};
  ImageGlimpseEnv env = glimpse_env();
  RamReader reader{{.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 32}, init};
  GaussianLocationPolicy policy{{.input = 32}, init};
};

}  // namespace

BOOST_AUTO_TEST_CASE(without_stop_every_example_spends_the_budget) {
  Glimpse g;
  Rng rng(2);
  const Episode ep = run_episode(g.env, g.reader, g.policy, first(8), 1, rng, false);
  BOOST_TEST(ep.regions_read == std::vector<int>(8, 3), boost::test_tools::per_element());
  BOOST_TEST(ep.log_probs.size() == 3u);
  BOOST_TEST((ep.logits.shape() == Shape{8, 10}));
  for (const auto& r : ep.read_now) BOOST_TEST(r == std::vector<std::uint8_t>(8, 1), boost::test_tools::per_element());
  const double flops = 8 * (3 * (g.reader.flops_encode() + g.reader.flops_update(0)) + g.reader.flops_predict(3));
  BOOST_TEST(ep.reader_flops == flops, boost::test_tools::tolerance(1e-9));

  // The patch env with a one-shot policy: 3 distinct regions each, one decision.
  Rng init(3);
  ImagePatchEnv env = patch_env(3);
  PatchReader reader({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  TopKRegionPolicy policy({.preview_size = 16, .regions = 16, .k = 3, .hidden = 16}, init);
  const Episode p = run_episode(env, reader, policy, first(8), 1, rng, false);
  BOOST_TEST(p.regions_read == std::vector<int>(8, 3), boost::test_tools::per_element());
  BOOST_TEST(p.log_probs.size() == 1u);
  for (std::size_t b = 0; b < 8; ++b) {
    const std::set<int> read = {p.regions[0][b], p.regions[1][b], p.regions[2][b]};
    BOOST_TEST(read.size() == 3u);
  }
}

BOOST_AUTO_TEST_CASE(examples_that_stop_read_less_and_are_not_encoded) {
  Glimpse g;
  SpyReader spy(g.reader);
  const std::vector<std::size_t> stop_at = {0, 1, 2, 3, 5, 1};  // budget 3: reads min(stop_at, 3)
  StopAt policy(stop_at);
  Rng rng(2);
  const Episode ep = run_episode(g.env, spy, policy, first(6), 1, rng, false);
  BOOST_TEST(ep.regions_read == (std::vector<int>{0, 1, 2, 3, 3, 1}), boost::test_tools::per_element());
  // Step t encodes and updates exactly the examples with t < stop_at (and within the budget).
  BOOST_TEST_REQUIRE(spy.updated.size() == 3u);
  const std::vector<std::vector<int>> rows = {{1, 2, 3, 4, 5}, {2, 3, 4}, {3, 4}};
  for (std::size_t t = 0; t < 3; ++t) {
    BOOST_TEST(spy.updated[t] == rows[t], boost::test_tools::per_element());
    BOOST_TEST(spy.encoded[t] == rows[t].size());
  }
  // A decision is counted (and its log-probability kept) while the example is still going: up to and
  // including its STOP; afterwards the log-probability and entropy are masked to zero.
  BOOST_TEST_REQUIRE(ep.log_probs.size() == 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    for (std::size_t b = 0; b < 6; ++b) {
      const float going = t <= stop_at[b] ? 1.0f : 0.0f;
      BOOST_TEST(ep.deciding[t](b) == going, "step " << t << " example " << b);
      BOOST_TEST(ep.log_probs[t].value()(b) == 0.5f * going, "step " << t << " example " << b);
      BOOST_TEST(ep.entropies[t].value()(b) == going, "step " << t << " example " << b);
    }
  }
  // The same with the patch env: a plan of 2 regions under a budget of 4 reads 2 and stops.
  Rng init(3);
  ImagePatchEnv env = patch_env(4);
  PatchReader inner({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  SpyReader patch_spy(inner);
  FixedRegionPolicy two("spaced", spaced_regions, 2);
  const Episode p = run_episode(env, patch_spy, two, first(5), 1, rng, true);
  BOOST_TEST(p.regions_read == std::vector<int>(5, 2), boost::test_tools::per_element());
  BOOST_TEST(patch_spy.encoded == (std::vector<std::size_t>{5, 5}), boost::test_tools::per_element());
  BOOST_TEST(p.log_probs.empty());  // a fixed policy has nothing to train
}

BOOST_AUTO_TEST_CASE(same_examples_seed_and_rng_replay_exactly) {
  Glimpse g;
  auto run = [&](std::uint64_t env_seed, std::uint64_t rng_seed) {
    Rng rng(rng_seed);
    return run_episode(g.env, g.reader, g.policy, {3, 1, 4, 1, 5}, env_seed, rng, false);
  };
  const Episode a = run(7, 9), b = run(7, 9), other_rng = run(7, 10), other_seed = run(8, 9);
  BOOST_TEST((a.logits.value() == b.logits.value()));
  for (std::size_t t = 0; t < 3; ++t) BOOST_TEST((a.locations[t] == b.locations[t]));
  BOOST_TEST(!(a.logits.value() == other_rng.logits.value()));   // other samples
  BOOST_TEST(!(a.logits.value() == other_seed.logits.value()));  // other canvases
}

BOOST_AUTO_TEST_CASE(evaluate_counts_argmax_hits) {
  Glimpse g;
  Rng rng(4);
  const EvalResult r = evaluate(g.env, g.reader, g.policy, 50, 16, 5, rng);
  double hits = 0, flops = 0;
  for (std::size_t begin = 0; begin < 50; begin += 16) {
    std::vector<std::size_t> ex;
    for (std::size_t i = begin; i < std::min<std::size_t>(50, begin + 16); ++i) ex.push_back(i);
    NoGrad ng;
    const Episode ep = run_episode(g.env, g.reader, g.policy, ex, 5, rng, true);
    flops += ep.reader_flops + ep.policy_flops;
    for (std::size_t b = 0; b < ex.size(); ++b) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < 10; ++c) best = ep.logits.value()(b, c) > ep.logits.value()(b, best) ? c : best;
      hits += static_cast<int>(best) == digits()->labels[ex[b]];
    }
  }
  BOOST_TEST_MESSAGE("untrained greedy accuracy " << r.accuracy);
  BOOST_TEST(r.examples == 50u);
  BOOST_TEST(r.accuracy == hits / 50.0);
  BOOST_TEST(r.mean_regions == 3.0);
  BOOST_TEST(r.flops_per_example == flops / 50.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(r.us_per_example > 0.0);
  // Each batch's policy time is part of its time, so their medians are ordered alike.
  BOOST_TEST(r.policy_us_per_example > 0.0);
  BOOST_TEST(r.policy_us_per_example <= r.us_per_example);
}

BOOST_AUTO_TEST_CASE(evaluate_counts_reads_on_the_evidence) {
  Rng init(3), rng(4);
  WithEvidence env(patch_env(3));
  PatchReader reader({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  // `first` reads regions 0, 1, 2: the evidence for the 12 of examples 0..19 with e % 5 < 3, so 12 of
  // 60 reads (batches of 8 check that a batch row is not taken for the example).
  FixedRegionPolicy head("first", first_regions, 3);
  BOOST_TEST(evaluate(env, reader, head, 20, 8, 5, rng).evidence_read == 12.0 / 60.0);
  // `last` reads 13, 14, 15: region 15 is every example's evidence, the others no one's.
  FixedRegionPolicy tail("last", last_regions, 3);
  BOOST_TEST(evaluate(env, reader, tail, 20, 8, 5, rng).evidence_read == 20.0 / 60.0);
  // Per read: example 7 (7 % 5 = 2) read its evidence at its third step only.
  NoGrad ng;
  const Episode ep = run_episode(env, reader, head, first(8), 5, rng, true);
  BOOST_TEST((std::vector<int>{read_evidence(ep, 0, 7), read_evidence(ep, 1, 7), read_evidence(ep, 2, 7)}) ==
                 (std::vector<int>{0, 0, 1}),
             boost::test_tools::per_element());
  // The image env cannot tell: -1 for the evaluation and for each read.
  ImagePatchEnv plain = patch_env(3);
  BOOST_TEST(evaluate(plain, reader, head, 20, 8, 5, rng).evidence_read == -1.0);
  const Episode p = run_episode(plain, reader, head, first(8), 5, rng, true);
  BOOST_TEST(p.evidence.empty());
  BOOST_TEST(read_evidence(p, 0, 0) == -1);
}

BOOST_AUTO_TEST_CASE(an_example_with_several_slots_is_correct_only_when_every_slot_is) {
  // Two examples of two slots each: rows (b0 s0, b0 s1, b1 s0, b1 s1), three values per slot.
  const Var logits(Array{{2.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 3.0f}, {0.0f, 1.0f, 0.0f}, {1.0f, 0.0f, 0.0f}});
  const std::vector<float> c = correct_per_example(logits, {0, 2, 1, 2}, 2);
  BOOST_TEST(c == (std::vector<float>{1.0f, 0.0f}), boost::test_tools::per_element());  // b1's slot 1 is wrong
  BOOST_TEST(correct_per_example(logits, {0, 2, 1, 0}, 2) == (std::vector<float>{1.0f, 1.0f}), boost::test_tools::per_element());
  BOOST_TEST(correct_per_example(logits, {0, 2, 1, 0}).size() == 4u);  // one slot: one example per row
}

BOOST_AUTO_TEST_CASE(policy_seconds_are_the_policys_own_work) {
  constexpr double pause = 0.002;
  NoGrad ng;
  // A learned policy that reads the summary: the 3 summaries are charged to it; the 3 encodes and the
  // final prediction are not.
  Glimpse g;
  SlowReader slow(g.reader, pause);
  Rng rng(2);
  const Episode ep = run_episode(g.env, slow, g.policy, first(4), 1, rng, true);
  BOOST_TEST_REQUIRE((slow.summaries == 3 && slow.encodes == 3 && slow.predictions == 1));
  BOOST_TEST(ep.policy_seconds >= 3 * pause);
  BOOST_TEST(ep.seconds - ep.policy_seconds >= 4 * pause);
  // A fixed one-shot policy read at the end needs nothing of the reader: only its begin and act count.
  Rng init(3);
  ImagePatchEnv env = patch_env(4);
  PatchReader patch({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, init);
  SlowReader slow_patch(patch, pause);
  FixedRegionPolicy two("spaced", spaced_regions, 2);
  const Episode p = run_episode(env, slow_patch, two, first(5), 1, rng, true);
  BOOST_TEST_REQUIRE((slow_patch.summaries == 0 && slow_patch.encodes == 2 && slow_patch.predictions == 1));
  BOOST_TEST(p.policy_seconds >= 0.0);
  BOOST_TEST(p.seconds - p.policy_seconds >= 3 * pause);
  // The confidence stop sees the reader's prediction after every read but the last: those are its own;
  // the encodes and the final prediction are not.
  SlowReader slow_stop(patch, pause);
  ImagePatchEnv env3 = patch_env(3);
  ConfidenceStopPolicy stop("spaced", spaced_regions, 3);  // threshold +inf: reads its whole plan
  const Episode c = run_episode(env3, slow_stop, stop, first(5), 1, rng, true);
  BOOST_TEST_REQUIRE((slow_stop.summaries == 0 && slow_stop.encodes == 3 && slow_stop.predictions == 3));
  BOOST_TEST(c.policy_seconds >= 2 * pause);
  BOOST_TEST(c.seconds - c.policy_seconds >= 4 * pause);
}
