// Policy::log_prob, the re-scoring a multi-epoch learner (PPO) needs, for every learned policy: at the
// parameters act() used it returns act()'s own log-probability and entropy, even after the policy has
// moved on to another episode; after the parameters change it follows them, matching the policies'
// formulas (their header comments) computed here by hand in double; and the gradient of its sum with
// respect to every parameter matches central finite differences.
#define BOOST_TEST_MODULE log_prob
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "agents/cell_glimpse.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/jump_reading.hpp"
#include "agents/minibatch.hpp"
#include "agents/spatial_location.hpp"
#include "agents/top_k_regions.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"
#include "policy_formulas.hpp"

using namespace saccade;
using saccade::testing::gradcheck_relative;
using namespace saccade::testing;

namespace {

constexpr std::size_t F = 3, FEATURES = 7, SLOTS = 2, STEPS = 5;

using Options = std::variant<GaussianLocationOptions, SpatialLocationOptions, TopKRegionOptions, JumpReadingOptions, CellGlimpseOptions>;
struct Case {
  std::string name;
  Options options;
};

std::vector<Case> cases() {
  const JumpReadingOptions jump{.input = H, .regions = R, .preview_size = F, .hidden = 4};
  const TopKRegionOptions top_k{.preview_size = R * F, .regions = R, .k = 3, .hidden = 5, .features = F};
  JumpReadingOptions jump_forward = jump, jump_any = jump, jump_bag = jump;
  jump_forward.max_jump = 2, jump_forward.stop = true;
  jump_any.any_order = true, jump_any.stop = true, jump_any.min_steps = 2;
  jump_bag.preview_size = FEATURES, jump_bag.bag_slots = SLOTS, jump_bag.stop = true;
  TopKRegionOptions top_k_stop = top_k, top_k_bag = top_k;
  top_k_stop.k = 4, top_k_stop.stop = true, top_k_stop.input = H;
  top_k_bag.features = FEATURES, top_k_bag.bag_slots = SLOTS, top_k_bag.stop = true, top_k_bag.input = H;
  return {
      {"gaussian with stop", GaussianLocationOptions{.input = H, .std = 0.2f, .stop = true}},
      {"gaussian with a preview", GaussianLocationOptions{.input = H, .std = 0.3f, .preview_size = 9, .preview_hidden = 4}},
      {"spatial with stop", SpatialLocationOptions{.gaussian = {.input = H, .std = 0.2f, .stop = true, .min_steps = 2},
                                                   .height = 4, .width = 5, .hidden = 3}},
      // Hidden 4: after the gradient test's perturbation every ReLU input is at least 3e-3 from the kink,
      // which a finite-difference step of 1e-3 cannot cross (with hidden 3 one sat at 4e-4 and the
      // local layer's check was off by 2-4%).
      {"cells", CellGlimpseOptions{.input = H, .height = 4, .width = 5, .hidden = 4, .offset_std = 0.3f}},
      // Inhibition of return: the rollout keeps obs.visited as the env does.
      // (5 x 4: at 6 x 5 with hidden 4 a local ReLU input sat within the difference step of its kink, as above.)
      {"spatial with inhibition", SpatialLocationOptions{.gaussian = {.input = H, .std = 0.3f}, .height = 5, .width = 4, .hidden = 4, .inhibition = -1.5f}},
      {"cells with inhibition", CellGlimpseOptions{.input = H, .height = 6, .width = 4, .hidden = 4, .offset_std = 0.3f, .inhibition = -1.5f}},
      {"cells with stop", CellGlimpseOptions{.input = H, .height = 3, .width = 3, .hidden = 4, .offset_std = 0.2f, .stop = true, .min_steps = 2}},
      {"top-k over the whole preview", TopKRegionOptions{.preview_size = 8, .regions = R, .k = 3, .hidden = 5}},
      {"top-k per region", top_k},
      {"top-k with stop", top_k_stop},
      {"top-k over bags with stop", top_k_bag},
      {"jump forward", jump},
      {"jump forward within 2 with stop", jump_forward},
      {"jump in any order with stop", jump_any},
      {"jump over bags with stop", jump_bag},
  };
}

std::unique_ptr<Policy> make(const Case& c, Rng& rng) {
  return std::visit([&](const auto& o) -> std::unique_ptr<Policy> {
    using O = std::decay_t<decltype(o)>;
    if constexpr (std::is_same_v<O, GaussianLocationOptions>) return std::make_unique<GaussianLocationPolicy>(o, rng);
    if constexpr (std::is_same_v<O, SpatialLocationOptions>) return std::make_unique<SpatialLocationPolicy>(o, rng);
    if constexpr (std::is_same_v<O, TopKRegionOptions>) return std::make_unique<TopKRegionPolicy>(o, rng);
    if constexpr (std::is_same_v<O, JumpReadingOptions>) return std::make_unique<JumpReadingPolicy>(o, rng);
    if constexpr (std::is_same_v<O, CellGlimpseOptions>) return std::make_unique<CellGlimpsePolicy>(o, rng);
  }, c.options);
}

bool picks_regions(const Case& c) {
  return std::holds_alternative<TopKRegionOptions>(c.options) || std::holds_alternative<JumpReadingOptions>(c.options);
}

// Bag rows [B, R, 2 * SLOTS]: SLOTS feature ids in [0, FEATURES), then their weights.
Array bags(Rng& rng) {
  Array a = rng.uniform_array({B, R, 2 * SLOTS}, -1.0f, 1.0f);
  for (std::size_t i = 0; i < B * R; ++i)
    for (std::size_t j = 0; j < SLOTS; ++j) a.data()[i * 2 * SLOTS + j] = static_cast<float>(rng.randint(FEATURES));
  return a;
}

Array preview(const Case& c, Rng& rng) {
  if (const auto* g = std::get_if<GaussianLocationOptions>(&c.options))
    return g->preview_size ? rng.uniform_array({B, 3, 3}, 0.0f, 1.0f) : Array();
  if (const auto* s = std::get_if<SpatialLocationOptions>(&c.options)) return rng.uniform_array({B, s->height, s->width}, 0.0f, 1.0f);
  if (const auto* g = std::get_if<CellGlimpseOptions>(&c.options)) return rng.uniform_array({B, g->height, g->width}, 0.0f, 1.0f);
  if (const auto* k = std::get_if<TopKRegionOptions>(&c.options)) {
    if (k->bag_slots) return bags(rng);
    return k->features ? rng.uniform_array({B, R, F}, -1.0f, 1.0f) : rng.uniform_array({B, k->preview_size}, -1.0f, 1.0f);
  }
  return std::get<JumpReadingOptions>(c.options).bag_slots ? bags(rng) : rng.uniform_array({B, R, F}, -1.0f, 1.0f);
}

const EnvSpec spec;
PolicyContext context(const Step& s) { return {spec, s.obs, s.summary, s.step}; }

// One sampled episode (greedy = false) on random summaries. Example 0 lacks region 1 and example 1
// has regions 4 and 5 only (flagged read at the start); a region read is flagged, a location read is
// added to obs.visited, and a STOP ends the example, as the env does.
Episode rollout(Policy& p, const Case& c, Rng& rng) {
  Observation obs;
  obs.preview = preview(c, rng);
  obs.steps_left.assign(B, static_cast<int>(STEPS));
  if (picks_regions(c)) {
    obs.read.assign(B * R, 0);
    obs.read[1] = 1;
    for (std::size_t r = 0; r < 4; ++r) obs.read[R + r] = 1;
  }
  std::vector<bool> done(B, false);
  Episode ep;
  for (std::size_t t = 0; t < STEPS; ++t) {
    const Var h(rng.uniform_array({B, H}, -1.0f, 1.0f));
    const PolicyContext ctx{spec, obs, h, t};
    if (t == 0) p.begin(ctx, rng, false);
    ep.push_back({obs, h, t, p.act(ctx, rng, false)});
    if (!picks_regions(c)) {
      const Decision& d = ep.back().d;
      if (obs.visited.dimension() == 0) obs.visited = xt::zeros<float>({B, STEPS, std::size_t{3}});
      for (std::size_t b = 0; b < B; ++b) {
        done[b] = done[b] || (!d.action.stop.empty() && d.action.stop[b]);
        if (!done[b]) obs.visited(b, t, 0) = d.action.location(b, 0), obs.visited(b, t, 1) = d.action.location(b, 1), obs.visited(b, t, 2) = 1;
      }
      continue;
    }
    for (std::size_t b = 0; b < B; ++b) {
      const int r = ep.back().d.action.region[b];
      if (!done[b] && r >= 0) obs.read[b * R + static_cast<std::size_t>(r)] = 1;
      done[b] = done[b] || r < 0;
    }
  }
  return ep;
}

double relative(double got, double want) { return std::abs(got - want) / std::max(1.0, std::abs(want)); }

Ref reference(const Policy& p, const Case& c, const Episode& ep, std::size_t t, std::size_t b) {
  if (const auto* g = std::get_if<GaussianLocationOptions>(&c.options)) return gaussian_ref(p, *g, gaussian_mean(p, *g, ep[t], b), ep[t], b);
  if (const auto* s = std::get_if<SpatialLocationOptions>(&c.options)) return gaussian_ref(p, s->gaussian, spatial_mean(p, *s, ep[t], b), ep[t], b);
  if (const auto* g = std::get_if<CellGlimpseOptions>(&c.options)) return cells_ref(p, *g, ep[t], b);
  if (const auto* k = std::get_if<TopKRegionOptions>(&c.options)) return top_k_ref(p, *k, ep, t, b);
  return jump_ref(p, std::get<JumpReadingOptions>(c.options), ep, t, b);
}

// Whether example b is still going at step t (no STOP at an earlier step): the examples a learner scores.
bool deciding(const Episode& ep, std::size_t t, std::size_t b) {
  for (std::size_t i = 0; i < t; ++i) {
    const Decision& d = ep[i].d;
    if (d.action.region.empty() ? d.action.stop[b] != 0 : d.action.region[b] < 0) return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(log_prob_at_the_acting_parameters_is_the_decisions_own) {
  double worst = 0;
  for (const Case& c : cases()) {
    Rng init(1), rng(2);
    const auto p = make(c, init);
    const Episode ep = rollout(*p, c, rng);
    rollout(*p, c, rng);  // the policy is in another episode now: re-scoring must not read its state
    std::size_t scored = 0;
    for (const Step& s : ep) {
      const Policy::Scored got = p->log_prob(context(s), s.d);
      BOOST_TEST(got.log_prob.defined() == s.d.log_prob.defined(), c.name << ", step " << s.step);
      BOOST_TEST(got.entropy.defined() == s.d.entropy.defined(), c.name << ", step " << s.step);
      if (s.d.sample.size()) BOOST_TEST((xt::clip(s.d.sample, -1.0f, 1.0f) == s.d.action.location), c.name);
      if (!s.d.log_prob.defined() || !got.log_prob.defined()) continue;
      for (std::size_t b = 0; b < B; ++b) {
        worst = std::max({worst, relative(got.log_prob.value()(b), s.d.log_prob.value()(b)),
                          relative(got.entropy.value()(b), s.d.entropy.value()(b))});
      }
      ++scored;
    }
    BOOST_TEST(scored > 0u, c.name);
  }
  BOOST_TEST_MESSAGE("log_prob vs act: max relative difference " << worst);
  BOOST_TEST(worst < 1e-5);
}

// Re-scoring a whole episode at once (what is fixed for it computed once) gives each step's log_prob().
BOOST_AUTO_TEST_CASE(an_episode_re_scores_as_its_steps_one_by_one) {
  for (const Case& c : cases()) {
    Rng init(1), rng(2);
    const auto p = make(c, init);
    const Episode ep = rollout(*p, c, rng);
    std::vector<PolicyContext> steps;
    std::vector<Decision> decisions;
    for (const Step& s : ep) steps.push_back(context(s)), decisions.push_back(s.d);
    const std::vector<Policy::Scored> all = p->log_prob_episode(steps, decisions);
    BOOST_TEST_REQUIRE(all.size() == ep.size(), c.name);
    for (std::size_t t = 0; t < ep.size(); ++t) {
      const Policy::Scored one = p->log_prob(steps[t], decisions[t]);
      BOOST_TEST_REQUIRE(all[t].log_prob.defined() == one.log_prob.defined(), c.name << ", step " << t);
      if (!one.log_prob.defined()) continue;
      for (std::size_t b = 0; b < B; ++b) {
        BOOST_TEST(all[t].log_prob.value()(b) == one.log_prob.value()(b), c.name << ", step " << t);
        BOOST_TEST(all[t].entropy.value()(b) == one.entropy.value()(b), c.name << ", step " << t);
      }
    }
  }
}

// A multi-epoch learner re-scores one minibatch at a time (agents/minibatch.hpp): the part's rows of
// what the rollout kept must score as those rows of the whole batch do.
BOOST_AUTO_TEST_CASE(a_part_of_the_batch_re_scores_as_its_rows_of_the_whole) {
  const std::vector<int> rows = {3, 0, 4};
  for (const Case& c : cases()) {
    Rng init(1), rng(2);
    const auto p = make(c, init);
    const Episode ep = rollout(*p, c, rng);
    for (const Step& s : ep) {
      const Policy::Scored whole = p->log_prob(context(s), s.d);
      if (!whole.log_prob.defined()) continue;
      const Observation obs = select_examples(s.obs, rows, B);
      const Var summary(select_examples(s.summary.value(), rows));
      const Policy::Scored part = p->log_prob({spec, obs, summary, s.step}, select_examples(s.d, rows, B));
      BOOST_TEST_REQUIRE(part.log_prob.size() == rows.size(), c.name);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        // (Not bit-equal: a matrix product of fewer rows may sum in another order.)
        BOOST_TEST(relative(part.log_prob.value()(i), whole.log_prob.value()(rows[i])) < 1e-5, c.name << ", step " << s.step);
        BOOST_TEST(relative(part.entropy.value()(i), whole.entropy.value()(rows[i])) < 1e-5, c.name << ", step " << s.step);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(log_prob_follows_the_current_parameters) {
  double worst = 0;
  for (const Case& c : cases()) {
    Rng init(1), rng(2), noise(3);
    const auto p = make(c, init);
    const Episode ep = rollout(*p, c, rng);
    for (const auto& [name, v] : p->named_parameters()) {
      Var w = v;
      w.value() += noise.normal_array(Shape(w.value().shape().begin(), w.value().shape().end()), 0.0f, 0.3f);
    }
    double moved = 0;
    for (std::size_t t = 0; t < ep.size(); ++t) {
      const Step& s = ep[t];
      const Policy::Scored got = p->log_prob(context(s), s.d);
      if (!s.d.log_prob.defined()) continue;
      for (std::size_t b = 0; b < B; ++b) {
        if (!deciding(ep, t, b)) continue;
        const Ref want = reference(*p, c, ep, t, b);
        const double lp = got.log_prob.value()(b), ent = got.entropy.value()(b);
        BOOST_TEST(relative(lp, want.log_prob) < 1e-4, c.name << ", step " << t << ", example " << b << ": " << lp << " vs " << want.log_prob);
        BOOST_TEST(relative(ent, want.entropy) < 1e-4, c.name << ", step " << t << ", example " << b << ": " << ent << " vs " << want.entropy);
        worst = std::max({worst, relative(lp, want.log_prob), relative(ent, want.entropy)});
        moved = std::max(moved, std::abs(lp - s.d.log_prob.value()(b)));
      }
    }
    BOOST_TEST(moved > 1e-2, c.name << ": the log-probabilities did not move with the parameters");
  }
  BOOST_TEST_MESSAGE("log_prob vs the formulas by hand after a parameter change: max relative error " << worst);
}

namespace {

// Parameters whose true gradient is zero: a location policy's entropy has none outside its STOP head
// (a fixed-std Gaussian's is a constant); the spatial policy never reads the mean head it inherits;
// and a bias added to every choice's score alike cancels in the softmax (the local score's, and the
// per-region scorer's last one), unless a STOP logit competes with the chunks. The cells policy's
// entropy is its categorical's plus the draw's constant: its offset head has no entropy gradient.
bool zero_gradient(const Case& c, const std::string& param, bool entropy) {
  if (const auto* k = std::get_if<TopKRegionOptions>(&c.options)) return k->features && param == "scorer.layers.1.bias";
  if (const auto* j = std::get_if<JumpReadingOptions>(&c.options)) return !j->stop && param == "local_score.bias";
  if (std::holds_alternative<SpatialLocationOptions>(c.options) && (param.starts_with("mean.") || param == "local_score.bias")) return true;
  if (std::holds_alternative<CellGlimpseOptions>(c.options)) return entropy && param.starts_with("offset.");
  return entropy && !param.starts_with("stop.");
}

// d/dθ of the sum over the episode's steps and examples of log_prob's `log_prob` (or `entropy`), per
// parameter tensor θ, against central differences (gradcheck_relative: relative error < 1e-2, with
// the guard ||numeric|| > 0.02, about 100 times the differences' float32 noise measured on the truly
// zero gradients, ~1.5e-4 per element). Returns the worst relative error.
double check_gradient(Policy& p, const Case& c, const Episode& ep, bool entropy) {
  // Every step's [B] values side by side (gradcheck_relative weighs and sums them in double).
  auto outputs = [&] {
    std::vector<Var> parts;
    for (const Step& s : ep) {
      const Policy::Scored sc = p.log_prob(context(s), s.d);
      if (sc.log_prob.defined()) parts.push_back(entropy ? sc.entropy : sc.log_prob);
    }
    return concat(parts, 0);
  };
  std::vector<std::string> zero;
  for (const auto& [name, v] : p.named_parameters())
    if (zero_gradient(c, name, entropy)) zero.push_back(name);
  return gradcheck_relative(c.name + (entropy ? ", entropy" : ", log_prob"), outputs, p.named_parameters(),
                            {.eps = {1e-3f}, .min_norm = 0.02}, zero);
}

}  // namespace

BOOST_AUTO_TEST_CASE(log_prob_and_entropy_gradients_match_finite_differences) {
  double worst_lp = 0, worst_ent = 0;
  for (const Case& c : cases()) {
    Rng init(1), rng(2), noise(4);
    const auto p = make(c, init);
    // Away from the initialisation's near-uniform choices, where an entropy sits at its maximum and
    // its gradient is too small to measure in float32.
    for (const auto& [name, v] : p->named_parameters()) {
      Var w = v;
      w.value() += noise.normal_array(Shape(w.value().shape().begin(), w.value().shape().end()), 0.0f, 0.5f);
    }
    Episode ep = rollout(*p, c, rng);
    // Summaries on the tape, as the reader's are: log_prob detaches them.
    for (Step& s : ep) s.summary = Var(s.summary.value(), /*requires_grad=*/true);
    worst_lp = std::max(worst_lp, check_gradient(*p, c, ep, false));
    worst_ent = std::max(worst_ent, check_gradient(*p, c, ep, true));
    for (const Step& s : ep) BOOST_TEST(!s.summary.has_grad(), c.name << ": a gradient reached the summary");
  }
  BOOST_TEST_MESSAGE("max relative error per tensor: log_prob " << worst_lp << ", entropy " << worst_ent);
}

BOOST_AUTO_TEST_CASE(a_policy_that_does_not_learn_cannot_re_score) {
  struct Fixed : Policy {
    std::string name() const override { return "fixed"; }
    Decision act(const PolicyContext&, Rng&, bool) override { return {}; }
  } fixed;
  Observation obs;
  const Var none;
  BOOST_CHECK_THROW(fixed.log_prob({spec, obs, none, 0}, Decision{}), std::logic_error);
}

// Policy::decision_from (imitation, agents/imitation.hpp): a policy handed its own actions as a
// teacher's scores them as act() did, at every step an example read something (a location inside
// [-1, 1]^2, which is its sample; the plan after a STOP is unknown to a teacher's actions).
BOOST_AUTO_TEST_CASE(decision_from_its_own_actions_scores_as_act_did) {
  double worst = 0;
  for (const Case& c : cases()) {
    Rng init(1), rng(2);
    const auto p = make(c, init);
    const Episode ep = rollout(*p, c, rng);
    std::vector<Action> taken;
    for (const Step& s : ep) taken.push_back(s.d.action);
    std::size_t compared = 0;
    for (const Step& s : ep) {
      if (!s.d.log_prob.defined()) continue;
      const Policy::Scored got = p->log_prob(context(s), p->decision_from(context(s), taken));
      BOOST_TEST_REQUIRE(got.log_prob.defined(), c.name << ", step " << s.step);
      for (std::size_t b = 0; b < B; ++b) {
        const bool read = s.d.action.region.empty() ? s.d.action.stop.empty() || s.d.action.stop[b] == 0 : s.d.action.region[b] >= 0;
        const bool inside = s.d.sample.size() == 0 || (s.d.sample(b, 0) == s.d.action.location(b, 0) && s.d.sample(b, 1) == s.d.action.location(b, 1));
        // The cells policy's draw may leave the cell it drew; a teacher's location is put in the cell
        // it falls in, so only draws that stayed in theirs are the same decision.
        const Decision from = p->decision_from(context(s), taken);
        const bool same_cell = s.d.cell.empty() || from.cell[b] == s.d.cell[b];
        if (!deciding(ep, s.step, b) || !read || !inside || !same_cell) continue;
        worst = std::max(worst, relative(got.log_prob.value()(b), s.d.log_prob.value()(b)));
        ++compared;
      }
    }
    BOOST_TEST(compared > 0u, c.name);
  }
  BOOST_TEST_MESSAGE("decision_from vs act: max relative difference " << worst);
  BOOST_TEST(worst < 1e-5);
}
