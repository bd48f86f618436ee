// The pieces every learner's credit assignment is made of, against hand-computed values: discounted
// returns, GAE, each decision's rewards (dense gains, the region cost per length, the answer at the
// example's last decision), PPO's clipped surrogate against finite differences of the min it stands
// for, and the optimizer set that keeps the reader's and the policy's updates apart.
#define BOOST_TEST_MODULE actor_critic
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "agents/actor_critic.hpp"
#include "agents/returns.hpp"
#include "agents/reward.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"

using namespace saccade;

namespace {

Array row(std::vector<float> v) {
  Array a = Array::from_shape({v.size()});
  for (std::size_t i = 0; i < v.size(); ++i) a(i) = v[i];
  return a;
}

void check_close(const std::vector<Array>& got, const std::vector<std::vector<float>>& want, const char* what) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (std::size_t t = 0; t < want.size(); ++t)
    for (std::size_t b = 0; b < want[t].size(); ++b)
      BOOST_TEST(std::abs(got[t](b) - want[t][b]) < 1e-5, what << " t=" << t << " b=" << b << ": " << got[t](b) << " vs " << want[t][b]);
}

// Two examples, three decisions; example 1 stops deciding after its second.
const std::vector<Array> rewards = {row({1, 0}), row({0, 2}), row({3, 5})};
const std::vector<Array> deciding = {row({1, 1}), row({1, 1}), row({1, 0})};
const std::vector<Array> values = {row({0.5f, 1}), row({1, 0.5f}), row({2, 9})};

}  // namespace

BOOST_AUTO_TEST_CASE(discounted_returns_by_hand) {
  // b=0: G2 = 3, G1 = 0 + .5*3 = 1.5, G0 = 1 + .5*1.5 = 1.75; b=1: its t=2 is past its end (the 5 is
  // ignored), G1 = 2, G0 = 0 + .5*2 = 1.
  check_close(discounted_returns(rewards, deciding, 0.5f), {{1.75f, 1}, {1.5f, 2}, {3, 0}}, "returns");
  check_close(discounted_returns(rewards, deciding, 1.0f), {{4, 2}, {3, 2}, {3, 0}}, "undiscounted");
}

BOOST_AUTO_TEST_CASE(gae_by_hand) {
  // gamma = lambda = 0.5. b=0: d2 = 3 - 2 = 1, A2 = 1; d1 = 0 + .5*2 - 1 = 0, A1 = .25; d0 = 1 + .5*1 - .5
  // = 1, A0 = 1 + .25*.25 = 1.0625. b=1: d1 = 2 - .5 = 1.5 (no value after its end), A1 = 1.5;
  // d0 = 0 + .5*.5 - 1 = -.75, A0 = -.75 + .25*1.5 = -.375.
  check_close(gae_advantages(rewards, values, deciding, 0.5f, 0.5f), {{1.0625f, -0.375f}, {0.25f, 1.5f}, {1, 0}}, "gae");
  // lambda = 1 is the discounted return minus the value; lambda = 0 the one-step TD error.
  const auto G = discounted_returns(rewards, deciding, 0.5f);
  std::vector<std::vector<float>> g_minus_v, td;
  for (std::size_t t = 0; t < 3; ++t) {
    g_minus_v.push_back({G[t](0) - values[t](0), deciding[t](1) ? G[t](1) - values[t](1) : 0.0f});
  }
  check_close(gae_advantages(rewards, values, deciding, 0.5f, 1.0f), g_minus_v, "lambda 1");
  check_close(gae_advantages(rewards, values, deciding, 0.5f, 0.0f), {{1.0f, -0.75f}, {0, 1.5f}, {1, 0}}, "lambda 0");
}

BOOST_AUTO_TEST_CASE(normalized_advantages_have_mean_zero_and_unit_spread_over_decisions) {
  std::vector<Array> adv = {row({1, 2}), row({3, 4}), row({5, 0})};
  normalize_advantages(adv, deciding);
  double sum = 0, sum2 = 0;
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t b = 0; b < 2; ++b) sum += adv[t](b), sum2 += adv[t](b) * adv[t](b);
  BOOST_TEST(std::abs(sum / 5) < 1e-6);
  BOOST_TEST(std::abs(sum2 / 5 - 1.0) < 1e-4);
  BOOST_TEST(adv[2](1) == 0.0f);  // not a decision: stays 0
}

namespace {

// Two examples, 2 classes, three steps of a sequential policy. Example 0 reads at every step and ends
// right (logits 2, 0; label 0); example 1 reads twice, then STOPs, and ends wrong (logits 0, 1; label 0).
Episode hand_episode() {
  Episode ep;
  Array logits = Array::from_shape({2, 2});
  logits(0, 0) = 2, logits(0, 1) = 0, logits(1, 0) = 0, logits(1, 1) = 1;
  ep.logits = Var(logits);
  ep.labels = {0, 0};
  ep.regions_read = {3, 2};
  ep.decision_steps = {0, 1, 2};
  ep.deciding = {row({1, 1}), row({1, 1}), row({1, 1})};
  ep.read_now = {{1, 1}, {1, 1}, {1, 0}};
  const float p0 = std::exp(2.0f) / (std::exp(2.0f) + 1), p1 = 1 / (1 + std::exp(1.0f));
  ep.p_true = {row({0.6f, 0.4f}), row({0.7f, p1}), row({p0, p1})};
  return ep;
}

}  // namespace

BOOST_AUTO_TEST_CASE(decision_rewards_by_hand) {
  const Episode ep = hand_episode();
  const float p0 = ep.p_true[2](0), p1 = ep.p_true[2](1);
  // gain per read from p = 1/2 before the first; cost 0.1 over 4 regions = 0.025 per read; the answer
  // (1, 0) at each example's last decision.
  RegionReward gain({.answer = "correct", .step = "gain", .region_cost = 0.1f, .cost_per_length = true, .regions = 4});
  check_close(gain.decision_rewards(ep),
              {{0.1f - 0.025f, -0.1f - 0.025f}, {0.1f - 0.025f, p1 - 0.4f - 0.025f}, {p0 - 0.7f - 0.025f + 1, 0}}, "gain");
  // Per example, the decisions' rewards add up to the episode's.
  const auto per_decision = gain.decision_rewards(ep);
  const auto whole = gain.reward(ep);
  for (std::size_t b = 0; b < 2; ++b)
    BOOST_TEST(std::abs(per_decision[0](b) + per_decision[1](b) + per_decision[2](b) - whole[b]) < 1e-5);
  // loss_drop: log p after - log p before; the answer max(correct, p): example 1 is paid p1.
  RegionReward drop({.answer = "max", .step = "loss_drop"});
  check_close(drop.decision_rewards(ep),
              {{std::log(0.6f / 0.5f), std::log(0.4f / 0.5f)},
               {std::log(0.7f / 0.6f), std::log(p1 / 0.4f)},
               {std::log(p0 / 0.7f) + 1, p1}},
              "loss_drop");
  // No step rewards: costs per read, the answer at the end (RAM's R spread over the decisions).
  RegionReward plain({.region_cost = 0.1f});
  check_close(plain.decision_rewards(ep), {{-0.1f, -0.1f}, {-0.1f, -0.1f}, {0.9f, 0}}, "plain");
}

BOOST_AUTO_TEST_CASE(a_one_shot_decision_earns_every_step_of_its_plan) {
  Episode ep = hand_episode();
  ep.decision_steps = {0};
  ep.deciding = {row({1, 1})};
  RegionReward gain({.answer = "none", .step = "gain"});
  const auto r = gain.decision_rewards(ep);
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST(std::abs(r[0](0) - (ep.p_true[2](0) - 0.5f)) < 1e-5);  // the gains telescope
  BOOST_TEST(std::abs(r[0](1) - (ep.p_true[2](1) - 0.5f)) < 1e-5);
}

BOOST_AUTO_TEST_CASE(dense_rewards_without_the_step_probabilities_are_refused) {
  Episode ep = hand_episode();
  ep.p_true.clear();
  RegionReward gain({.step = "gain"});
  BOOST_CHECK_THROW(gain.decision_rewards(ep), std::logic_error);
}

// The surrogate's gradient with respect to log pi equals that of PPO's min(rho A, clip(rho) A),
// taken by central differences in double away from the kinks, for advantages of both signs and ratios
// inside and outside the clip range; with clip 0 it is the unclipped rho A everywhere.
BOOST_AUTO_TEST_CASE(clipped_surrogate_gradient_matches_finite_differences_of_the_min) {
  const float eps = 0.2f;
  const std::vector<float> log_ratios = {-0.6f, -0.1f, 0.0f, 0.1f, 0.5f};
  const std::vector<float> advs = {-1.5f, -0.3f, 0.4f, 2.0f};
  auto objective = [&](double x, double a, double clip) {
    const double r = std::exp(x), clipped = clip > 0 ? std::min(std::max(r, 1 - clip), 1 + clip) : r;
    return std::min(r * a, clipped * a);
  };
  int zeroed = 0;
  for (float clip : {eps, 0.0f})
    for (float x : log_ratios)
      for (float a : advs) {
        const Array ratio = row({std::exp(x)}), adv = row({a});
        const float w = surrogate_weights(ratio, adv, clip)(0);
        const double analytic = std::exp(static_cast<double>(x)) * w;  // d/dx of rho * w
        const double h = 1e-6;
        const double numeric = (objective(x + h, a, clip) - objective(x - h, a, clip)) / (2 * h);
        const double scale = std::max(1e-3, std::abs(numeric));
        BOOST_TEST(std::abs(analytic - numeric) / scale < 1e-4, "clip " << clip << " log ratio " << x << " A " << a << ": "
                                                                        << analytic << " vs " << numeric);
        zeroed += w == 0.0f;
      }
  BOOST_TEST(zeroed == 4);  // (x=-0.6, A<0) twice and (x=0.5, A>0) twice: the clip did act
}

BOOST_AUTO_TEST_CASE(an_optimizer_set_names_each_members_state_and_steps_only_what_is_asked) {
  Var a(Array(xt::ones<float>({2})), true), b(Array(xt::ones<float>({3})), true);
  Adam reader({{"w", a}}), policy({{"w", b}});
  OptimizerSet both({{"reader", &reader}, {"policy", &policy}});
  std::vector<std::string> names;
  for (const auto& e : both.named_state()) names.push_back(e.name);
  const std::vector<std::string> want = {"reader/w.exp_avg", "reader/w.exp_avg_sq", "reader/step",
                                         "policy/w.exp_avg", "policy/w.exp_avg_sq", "policy/step", "step"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
  // A policy-only update after both had moments: the reader's parameters stay where they are.
  backward(sum(a * a) + sum(b * b));
  both.step();
  const Array a_after = a.value();
  policy.zero_grad();
  backward(sum(b * b));
  policy.step();
  BOOST_TEST(a.value() == a_after);
  BOOST_TEST(policy.steps() == 2);
  BOOST_TEST(reader.steps() == 1);
}
