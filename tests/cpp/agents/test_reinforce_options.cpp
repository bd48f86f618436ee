// ReinforceOptions through ReinforceTrainer::train_batch's statistics, against expectations computed
// here by hand from an independent replay of the same episode:
//   reward: probability   the reward is the reader's softmax probability of the true class minus the
//                         cost (reward: correct, the 0/1 hit minus the cost);
//   baseline: none        the policy loss is -(1/B) sum_b log pi(a_b) R_b;
//   self_critical         ... with R_b - G_b, G_b the greedy episode's reward on the same canvases;
//   normalize_advantage   ... with (A_b - mean) / sd over the deciding steps: invariant to a shift of
//                         every reward (a region cost when everyone reads the same number of regions);
//   entropy_bonus         the loss is lower by weight * (summed entropy / B), exactly, and its gradient
//                         raises the entropy of a top-k policy where without it the entropy falls;
//   the Lagrange cost     moves by lagrange_lr * (mean regions - target);
//   and with several slots (dialogue), reward: probability is the mean over the slots.
//
// The replay: one glimpse (budget 1) per example, so an episode is reset, the policy's first decision
// from the empty memory's summary, one read, one prediction. It draws from a copy of the trainer's Rng,
// so it samples the same locations as the trainer does (run_episode's contract: `rng` drives the
// policy's sampling only; agents/episode.hpp). The `baseline: none` case checks that replay itself.
#define BOOST_TEST_MODULE reinforce_options
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "agents/fixed_policy.hpp"
#include "agents/region_rules.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/reinforce.hpp"
#include "agents/top_k_regions.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "attention/turn_reader.hpp"
#include "core/ops.hpp"
#include "envs/dialogue/dialogue_env.hpp"
#include "envs/image/image_env.hpp"
#include "envs/text/tokenizer.hpp"

#include <xtensor/xmath.hpp>

using namespace saccade;
namespace tt = boost::test_tools;

namespace {

std::shared_ptr<const ImageDataset> train() {
  static const auto data = std::make_shared<const ImageDataset>(load_image_splits("digits", 0).train);
  return data;
}

const CanvasSpec canvas = CanvasSpec::translated(16);
constexpr float kStd = 0.2f;

// A tiny RAM reader and a Gaussian policy reading the thumbnail, drawn from one seed.
struct Models {
  Rng rng;
  RamReader reader;
  GaussianLocationPolicy policy;
  explicit Models(std::uint64_t seed)
      : rng(seed),
        reader({.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 16}, rng),
        policy({.input = 16, .std = kStd, .preview_size = 16, .preview_hidden = 8}, rng) {
    // Confident predictions that depend on where the glimpse lands: rewards that differ between the
    // sampled and the greedy glimpse, and between examples.
    for (const auto& [n, v] : reader.named_parameters()) {
      if (n == "out.weight") Var(v).value() *= 10.0f;
    }
  }
};

ImageGlimpseEnv glimpse_env(std::size_t budget) {
  return ImageGlimpseEnv(train(), canvas, {.retina = {4, 2}, .budget = budget, .preview_factor = 4});
}

struct Replay {
  std::vector<double> p_true, log_prob;
  std::vector<int> correct;
};

// One-glimpse episodes of `examples` (see the header comment).
Replay replay(ImageGlimpseEnv& env, const Reader& reader, Policy& policy, const std::vector<std::size_t>& examples,
              std::uint64_t seed, Rng& rng, bool greedy) {
  const std::size_t B = examples.size();
  auto [obs, info] = env.reset(examples, seed);
  Memory m = reader.init(B);
  const Var summary = reader.summary(m);
  const PolicyContext ctx{env.spec(), obs, summary, 0};
  policy.begin(ctx, rng, greedy);
  const Decision d = policy.act(ctx, rng, greedy);
  const StepResult r = env.step(d.action);
  RegionBatch regions;
  regions.content = r.obs.content;
  regions.location = r.obs.location;
  std::vector<int> rows(B);
  std::iota(rows.begin(), rows.end(), 0);
  m = reader.update(m, reader.encode(regions), rows);
  const Array logits = reader.predict(m).value();
  const Array p = softmax(Var(logits)).value();
  Replay out;
  for (std::size_t b = 0; b < B; ++b) {
    const auto label = static_cast<std::size_t>(info.labels[b]);
    out.p_true.push_back(p(b, label));
    out.log_prob.push_back(greedy ? 0.0 : d.log_prob.value()(b));
    std::size_t arg = 0;
    for (std::size_t c = 1; c < logits.shape()[1]; ++c) arg = logits(b, c) > logits(b, arg) ? c : arg;
    out.correct.push_back(arg == label ? 1 : 0);
  }
  Tape::current().clear();
  return out;
}

// -(1/B) sum_b log_prob_b * advantage_b.
double surrogate(const std::vector<double>& log_prob, const std::vector<double>& advantage) {
  double s = 0.0;
  for (std::size_t b = 0; b < log_prob.size(); ++b) s += log_prob[b] * advantage[b];
  return -s / static_cast<double>(log_prob.size());
}

const std::vector<std::size_t> batch = {3, 17, 40, 41, 99, 123, 250, 600};
constexpr std::uint64_t kSeed = 11;

// One train_batch with these options on `batch`, and the replay (sampled, and greedy) that precedes it
// from copies of the same models and Rng.
struct Step {
  TrainStats stats;
  Replay sampled, greedy;
};
Step one_step(const ReinforceOptions& o) {
  auto env = glimpse_env(1);
  Models mine(5), replica(5);
  Rng rng(2);
  Rng copy = rng;
  Step s;
  s.sampled = replay(env, replica.reader, replica.policy, batch, kSeed, copy, false);
  Rng unused(0);
  s.greedy = replay(env, replica.reader, replica.policy, batch, kSeed, unused, true);
  Rng init(1);
  ReinforceTrainer trainer(env, mine.reader, mine.policy, o, init);
  s.stats = trainer.train_batch(batch, kSeed, rng);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(reward_probability_is_the_true_class_probability_minus_the_cost) {
  const float cost = 0.05f;
  const Step s = one_step({.baseline = "none", .region_cost = cost, .reward = "probability"});
  double reward = 0.0, ce = 0.0;
  std::vector<double> r;
  for (double p : s.sampled.p_true) {
    r.push_back(p - cost);
    reward += (p - cost) / batch.size();
    ce -= std::log(p) / batch.size();
  }
  BOOST_TEST(s.stats.reader_loss == ce, tt::tolerance(1e-4));  // the replay is the trainer's episode
  BOOST_TEST(s.stats.reward == reward, tt::tolerance(1e-4));
  BOOST_TEST(s.stats.mean_regions == 1.0f);
  // baseline none: the advantage is the reward itself.
  BOOST_TEST(s.stats.policy_loss == surrogate(s.sampled.log_prob, r), tt::tolerance(1e-4));

  const Step c = one_step({.baseline = "none", .region_cost = cost, .reward = "correct"});
  double hits = 0.0;
  for (int h : c.sampled.correct) hits += h;
  BOOST_TEST(c.stats.accuracy == hits / batch.size(), tt::tolerance(1e-6));
  BOOST_TEST(std::abs(c.stats.reward - (c.stats.accuracy - cost)) < 1e-6);
}

BOOST_AUTO_TEST_CASE(self_critical_advantage_is_the_reward_minus_the_greedy_reward) {
  const float cost = 0.05f;
  const Step s = one_step({.baseline = "self_critical", .region_cost = cost, .reward = "probability"});
  std::vector<double> adv;
  double norm = 0.0;
  for (std::size_t b = 0; b < batch.size(); ++b) {
    adv.push_back((s.sampled.p_true[b] - cost) - (s.greedy.p_true[b] - cost));
    norm += std::abs(adv.back());
  }
  BOOST_TEST(norm / batch.size() > 1e-3);  // measured 0.0029  // the greedy and sampled glimpses differ: not a vacuous check
  BOOST_TEST(s.stats.policy_loss == surrogate(s.sampled.log_prob, adv), tt::tolerance(1e-3));
  // ...and not what baseline none gives.
  std::vector<double> r;
  for (double p : s.sampled.p_true) r.push_back(p - cost);
  BOOST_TEST(std::abs(surrogate(s.sampled.log_prob, r) - s.stats.policy_loss) > 0.01);
}

BOOST_AUTO_TEST_CASE(normalized_advantages_have_mean_0_and_sd_1) {
  for (float cost : {0.0f, 0.3f}) {
    const Step s = one_step({.baseline = "none", .normalize_advantage = true, .region_cost = cost, .reward = "probability"});
    const std::size_t B = batch.size();
    double mean = 0.0, var = 0.0;
    for (double p : s.sampled.p_true) mean += (p - cost) / B;
    for (double p : s.sampled.p_true) var += (p - cost - mean) * (p - cost - mean) / B;
    std::vector<double> adv;
    for (double p : s.sampled.p_true) adv.push_back((p - cost - mean) / std::sqrt(var));
    BOOST_TEST(std::sqrt(var) > 1e-3);
    BOOST_TEST(s.stats.policy_loss == surrogate(s.sampled.log_prob, adv), tt::tolerance(2e-3));
    // Unnormalised, the same episode's loss differs (the advantages are the rewards).
    std::vector<double> raw;
    for (double p : s.sampled.p_true) raw.push_back(p - cost);
    BOOST_TEST(std::abs(surrogate(s.sampled.log_prob, raw) - s.stats.policy_loss) > 0.01);
  }
}

BOOST_AUTO_TEST_CASE(entropy_bonus_lowers_the_loss_by_weight_times_the_mean_entropy) {
  // Two glimpses each, no STOP: a fixed-std Gaussian over (row, col) has entropy log(2 pi e std^2) per
  // decision, so the bonus term is weight * 2 * log(2 pi e std^2), whatever the samples.
  const double per_step = std::log(2.0 * M_PI * std::exp(1.0) * kStd * kStd);
  for (float weight : {0.1f, 0.5f}) {
    TrainStats with, without;
    for (float w : {0.0f, weight}) {
      auto env = glimpse_env(2);
      Models m(5);
      Rng init(1), rng(2);
      ReinforceTrainer trainer(env, m.reader, m.policy, {.entropy_bonus = w}, init);
      (w == 0.0f ? without : with) = trainer.train_batch(batch, kSeed, rng);
    }
    BOOST_TEST(with.reader_loss == without.reader_loss);
    BOOST_TEST(with.policy_loss == without.policy_loss);
    BOOST_TEST(with.loss - without.loss == -weight * 2.0 * per_step, tt::tolerance(1e-3));
  }
}

namespace {

// The mean entropy of a top-k policy's first pick over examples 0-63 of the patch env.
double first_pick_entropy(ImagePatchEnv& env, Policy& policy) {
  std::vector<std::size_t> ex(64);
  std::iota(ex.begin(), ex.end(), 0);
  auto [obs, info] = env.reset(ex, 1);
  Rng rng(3);
  const PolicyContext ctx{env.spec(), obs, Var(), 0};
  policy.begin(ctx, rng, false);
  const Decision d = policy.act(ctx, rng, false);
  const double h = xt::mean(d.entropy.value())();
  Tape::current().clear();
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(entropy_bonus_gradient_raises_the_entropy) {
  // A top-k policy over 16 patches whose scores start spread (weights x 4: a low-entropy start).
  // 30 updates with the bonus must raise the first pick's entropy, well above the same run without it.
  double start = 0.0, with = 0.0, without = 0.0;
  for (float w : {0.0f, 0.5f}) {
    ImagePatchEnv env(train(), canvas, {.grid = 4, .budget = 2, .preview_factor = 4});
    Rng models(8);
    PatchReader reader({.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, models);
    TopKRegionPolicy policy({.preview_size = 16, .regions = 16, .k = 2, .hidden = 16}, models);
    for (const auto& [n, v] : policy.named_parameters()) Var(v).value() *= 4.0f;
    start = first_pick_entropy(env, policy);
    Rng init(1), rng(2);
    ReinforceTrainer trainer(env, reader, policy, {.lr = 1e-2, .baseline = "none", .entropy_bonus = w}, init);
    for (std::size_t i = 0; i < 30; ++i) {
      std::vector<std::size_t> ex(32);
      for (std::size_t j = 0; j < 32; ++j) ex[j] = 32 * i + j;
      trainer.train_batch(ex, 1, rng);
    }
    (w == 0.0f ? without : with) = first_pick_entropy(env, policy);
  }
  BOOST_TEST_MESSAGE("first-pick entropy: start " << start << ", after 30 updates " << without << " without the bonus, "
                                                  << with << " with it (max log 16 = " << std::log(16.0) << ")");
  BOOST_TEST(with > start + 0.1);
  BOOST_TEST(with > without + 0.1);
}

// RAM's known trap: the learned baseline must read the reader's summary detached, so that its squared
// error trains the baseline alone. The policy reads it detached too, so the reader's first update is
// its cross-entropy's, the same with a learned baseline as with none (gradient clipping off: the
// clip's scale would mix the baseline's gradient into everyone's). Two glimpses, so the second
// decision's summary depends on the reader's parameters.
BOOST_AUTO_TEST_CASE(the_learned_baseline_trains_nothing_but_itself) {
  auto env = glimpse_env(2);
  std::vector<Array> before, after[2];
  for (int learned : {0, 1}) {
    Models m(5);
    if (learned == 0)
      for (const auto& [n, v] : m.reader.named_parameters()) before.push_back(v.value());
    Rng init(1), rng(2);
    ReinforceTrainer trainer(env, m.reader, m.policy, {.max_grad_norm = 1e9f, .baseline = learned ? "learned" : "none", .reward = "probability"}, init);
    const TrainStats s = trainer.train_batch(batch, kSeed, rng);
    if (learned) BOOST_TEST(s.baseline_loss > 0.0f);
    for (const auto& [n, v] : m.reader.named_parameters()) after[learned].push_back(v.value());
  }
  double moved = 0.0, differ = 0.0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    moved = std::max<double>(moved, xt::amax(xt::abs(after[0][i] - before[i]))());
    differ = std::max<double>(differ, xt::amax(xt::abs(after[1][i] - after[0][i]))());
  }
  BOOST_TEST_MESSAGE("reader's largest step " << moved << "; largest difference with the learned baseline " << differ);
  BOOST_TEST(moved > 1e-4);  // the reader did train (Adam's first step is about lr = 1e-3)
  BOOST_TEST(differ == 0.0, "the learned baseline moved the reader's parameters by up to " << differ);
}

BOOST_AUTO_TEST_CASE(lagrange_cost_follows_the_regions_read) {
  // Budget 4, target 2. A STOP head biased to keep reading (~4 regions) must raise the cost; one
  // biased to stop at once (1 region, the minimum) must lower it; each step is lagrange_lr * (mean - 2).
  for (float stop_bias : {-6.0f, 6.0f}) {
    auto env = glimpse_env(4);
    Rng init(6), rng(7);
    RamReader reader({.glimpse_size = 32, .glimpse_hidden = 16, .hidden = 32}, init);
    GaussianLocationPolicy policy({.input = 32, .stop = true, .min_steps = 1}, init);
    for (const auto& [name, v] : policy.named_parameters()) {
      if (name == "stop.bias") Var(v).value().fill(stop_bias);
    }
    ReinforceTrainer trainer(env, reader, policy, {.region_cost = 0.5f, .target_regions = 2.0f, .lagrange_lr = 0.05f}, init);
    float cost = trainer.cost();
    for (std::size_t i = 0; i < 4; ++i) {
      std::vector<std::size_t> ex(32);
      for (std::size_t j = 0; j < 32; ++j) ex[j] = 32 * i + j;
      const TrainStats s = trainer.train_batch(ex, 1, rng);
      BOOST_TEST(s.cost == trainer.cost());
      BOOST_TEST(s.cost == cost + 0.05f * (s.mean_regions - 2.0f), tt::tolerance(1e-6f));
      if (stop_bias < 0) {
        BOOST_TEST(s.mean_regions > 3.5f);
        BOOST_TEST(s.cost > cost, "batch " << i << ": " << cost << " -> " << s.cost);
      } else {
        BOOST_TEST(s.mean_regions < 1.5f);
        BOOST_TEST(s.cost < cost, "batch " << i << ": " << cost << " -> " << s.cost);
      }
      cost = s.cost;
    }
  }
}

namespace {

// Two dialogues with four slots each (tests/cpp/envs/test_dialogue_env.cpp's, trimmed).
std::shared_ptr<const DialogueSplit> dialogues() {
  KnowledgeBase kb;
  kb.values[0] = {"italian", "french", "greek"};
  kb.values[1] = {"paris", "rome"};
  kb.values[2] = {"cheap", "expensive"};
  kb.values[3] = {"two", "four", "six"};
  auto turn = [](Speaker s, const char* text) { return Turn{s, tokenize(text)}; };
  Dialogue a, b;
  a.turns = {turn(Speaker::user, "table for four in rome please"), turn(Speaker::bot, "which cuisine"),
             turn(Speaker::user, "italian and cheap"), turn(Speaker::user, "actually make it six")};
  a.target = {"italian", "rome", "cheap", "six"};
  b.turns = {turn(Speaker::user, "greek food in paris for two"), turn(Speaker::bot, "price range"),
             turn(Speaker::user, "expensive")};
  b.target = {"greek", "paris", "expensive", "two"};
  const auto vocab = dialogue_vocabulary({a, b}, 1);
  return std::make_shared<const DialogueSplit>(encode_dialogues("tiny", {a, b}, vocab, kb, 6, 4));
}

}  // namespace

BOOST_AUTO_TEST_CASE(reward_probability_with_several_slots_is_the_mean_over_the_slots) {
  // A fixed policy (the first 2 turns of each dialogue): no sampling, so the replay below is the
  // trainer's episode. Expected reward of example b: mean over its 4 slots of p(true value) - cost * 2.
  const auto data = dialogues();
  DialogueEnv env(data, {.turns = 4, .budget = 2});
  auto make_reader = [&] {
    Rng rng(12);
    return TurnReader({.vocab_size = data->vocab->size(), .turn_tokens = 6, .regions = 4, .dim = 8, .heads = 2,
                       .slot_values = {3, 2, 2, 3}}, rng);
  };
  TurnReader reader = make_reader(), replica = make_reader();
  FixedRegionPolicy policy("first", first_regions, 2);
  const std::vector<std::size_t> ex = {0, 1};
  const std::size_t S = 4;
  // The replay: reset, two reads of every example, predict.
  auto [obs, info] = env.reset(ex, kSeed);
  Memory m = replica.init(2);
  Rng none(0);
  for (std::size_t step = 0; step < 2; ++step) {
    const PolicyContext ctx{env.spec(), obs, Var(), step};
    if (step == 0) policy.begin(ctx, none, false);
    const StepResult r = env.step(policy.act(ctx, none, false).action);
    BOOST_TEST_REQUIRE((r.obs.active == std::vector<std::uint8_t>{1, 1}));
    RegionBatch regions;
    regions.content = r.obs.content;
    regions.region = r.obs.region;
    m = replica.update(m, replica.encode(regions), {0, 1});
    obs = r.obs;
  }
  const Array p = softmax(replica.predict(m)).value();  // [2 * S, Vmax]
  Tape::current().clear();
  const float cost = 0.1f;
  double expected = 0.0, per_slot_sum = 0.0;
  for (std::size_t b = 0; b < 2; ++b) {
    double mean = 0.0;
    for (std::size_t s = 0; s < S; ++s) mean += p(b * S + s, static_cast<std::size_t>(info.labels[b * S + s])) / S;
    expected += (mean - cost * 2) / 2;
    per_slot_sum += S * mean / 2;
  }
  Rng init(1), rng(2);
  ReinforceTrainer trainer(env, reader, policy, {.region_cost = cost, .reward = "probability"}, init);
  const TrainStats stats = trainer.train_batch(ex, kSeed, rng);
  BOOST_TEST_MESSAGE("dialogue reward " << stats.reward << ", by hand " << expected << ", summed over slots "
                                        << per_slot_sum - cost * 2);
  BOOST_TEST(stats.mean_regions == 2.0f);
  BOOST_TEST(stats.reward == expected, tt::tolerance(1e-4));
  // Not the sum over slots (nor, since the slots' probabilities differ, any one slot's alone).
  BOOST_TEST(std::abs(stats.reward - (per_slot_sum - cost * 2)) > 0.1);
}
