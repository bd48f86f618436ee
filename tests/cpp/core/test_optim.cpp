// Optimizers against steps computed by hand (SGD) or by an independent numpy transcription of
// PyTorch's algorithms (Adam, AdamW), on two-element problems; and gradient-norm clipping.
#define BOOST_TEST_MODULE optim
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/layers.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"

using namespace saccade;

namespace {

// A parameter w = [1, -2] listed under the name "w".
NamedParameters one_param(Var& w) {
  w = Var(Array{1.0f, -2.0f}, /*requires_grad=*/true);
  return {{"w", w}};
}

void set_grad(Var& w, std::initializer_list<float> g) {
  std::size_t i = 0;
  for (float v : g) w.grad().data()[i++] = v;
}

void check(const Array& got, std::initializer_list<double> want, double tol = 1e-6) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  std::size_t i = 0;
  for (double w : want) {
    BOOST_TEST(std::abs(got.data()[i] - w) <= tol, "element " << i << ": " << got.data()[i] << " vs " << w);
    ++i;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(sgd_plain) {
  Var w;
  SGD opt(one_param(w), {.lr = 0.1f});
  set_grad(w, {0.5f, 1.0f});
  opt.step();
  check(w.value(), {0.95, -2.1});
  BOOST_TEST(opt.steps() == 1);
  BOOST_TEST(opt.named_state().size() == 1u);  // only the step counter: no momentum, no buffers
}

BOOST_AUTO_TEST_CASE(sgd_momentum_weight_decay) {
  // g = grad + 0.1 w; buf = 0.9 buf + g; w -= 0.1 buf.
  // step 1: g = [0.6, 0.8] = buf; w = [0.94, -2.08]
  // step 2: g = [0.594, 0.792]; buf = [1.134, 1.512]; w = [0.8266, -2.2312]
  Var w;
  SGD opt(one_param(w), {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.1f});
  set_grad(w, {0.5f, 1.0f});
  opt.step();
  check(w.value(), {0.94, -2.08});
  opt.step();
  check(w.value(), {0.8266, -2.2312});
  const auto state = opt.named_state();
  BOOST_TEST_REQUIRE(state.size() == 2u);
  BOOST_TEST(state[0].name == "w.momentum_buffer");
  check(*state[0].buffer, {1.134, 1.512});
  BOOST_TEST(state[1].name == "step");
  BOOST_TEST(*state[1].counter == 2);
}

BOOST_AUTO_TEST_CASE(sgd_nesterov) {
  // buf = 0.9 buf + g; w -= 0.1 (g + 0.9 buf).
  // step 1: buf = [0.5, 1]; w = [0.905, -2.19]. step 2: buf = [0.95, 1.9]; w = [0.7695, -2.461]
  Var w;
  SGD opt(one_param(w), {.lr = 0.1f, .momentum = 0.9f, .nesterov = true});
  set_grad(w, {0.5f, 1.0f});
  opt.step();
  check(w.value(), {0.905, -2.19});
  opt.step();
  check(w.value(), {0.7695, -2.461});
  Var v;
  BOOST_CHECK_THROW(SGD(one_param(v), {.lr = 0.1f, .nesterov = true}), std::invalid_argument);
}

// numpy, after PyTorch's Adam/AdamW (lr 0.1, betas 0.9/0.999, eps 1e-8, w = [1, -2]), three steps with
// gradients [0.5, 1], [-0.25, 2], [0.1, -0.3]:
//   if wd: decoupled ? w *= 1 - lr wd : g += wd w
//   m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
struct AdamCase {
  AdamOptions options;
  std::initializer_list<double> w, m, v;
};

void run_adam(const AdamCase& c) {
  Var w;
  Adam opt(one_param(w), c.options);
  for (auto g : {std::initializer_list<float>{0.5f, 1.0f}, {-0.25f, 2.0f}, {0.1f, -0.3f}}) {
    opt.zero_grad();
    set_grad(w, g);
    opt.step();
  }
  check(w.value(), c.w, 2e-6);
  const auto state = opt.named_state();
  BOOST_TEST_REQUIRE(state.size() == 3u);
  BOOST_TEST(state[0].name == "w.exp_avg");
  BOOST_TEST(state[1].name == "w.exp_avg_sq");
  BOOST_TEST(state[2].name == "step");
  check(*state[0].buffer, c.m, 1e-6);
  check(*state[1].buffer, c.v, 1e-8);
  BOOST_TEST(*state[2].counter == 3);
}

BOOST_AUTO_TEST_CASE(adam) {
  run_adam({{.lr = 0.1f}, {0.841841943, -2.2619642323}, {0.028, 0.231}, {0.0003219378, 0.005084001}});
}

BOOST_AUTO_TEST_CASE(adam_l2_weight_decay) {
  run_adam({{.lr = 0.1f, .weight_decay = 0.1f},
            {0.8024037944, -2.250086575},
            {0.0527444137, 0.1739472799},
            {0.0004192443, 0.0041095251}});
}

BOOST_AUTO_TEST_CASE(adamw) {
  run_adam({{.lr = 0.1f, .weight_decay = 0.1f, .decoupled_weight_decay = true},
            {0.81439728, -2.1996070503},
            {0.028, 0.231},
            {0.0003219378, 0.005084001}});
}

BOOST_AUTO_TEST_CASE(parameters_without_gradient_are_skipped) {
  Var used(Array{1.0f}, true), unused(Array{5.0f}, true);
  Adam opt({{"used", used}, {"unused", unused}}, {.lr = 0.1f, .weight_decay = 0.5f, .decoupled_weight_decay = true});
  backward(sum(used * 3.0f));
  opt.step();
  BOOST_TEST(std::abs(used.value()(0) - (1.0f * (1 - 0.05f) - 0.1f)) < 1e-6);
  BOOST_TEST(unused.value()(0) == 5.0f);  // never received a gradient: not even decayed
}

BOOST_AUTO_TEST_CASE(lr_and_validation) {
  Var w;
  SGD opt(one_param(w), {.lr = 0.1f});
  opt.set_lr(0.5f);
  BOOST_TEST(opt.lr() == 0.5f);
  set_grad(w, {1.0f, 1.0f});
  opt.step();
  check(w.value(), {0.5, -2.5});
  Var a(Array{1.0f}, true);
  BOOST_CHECK_THROW(SGD({{"a", a}, {"again", a}}), std::invalid_argument);
  BOOST_CHECK_THROW(SGD({{"c", Var(Array{1.0f})}}), std::invalid_argument);  // no gradient wanted
  BOOST_CHECK_THROW(Adam({{"a", a}}, {.beta1 = 1.0f}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(two_groups_step_at_their_own_rates_scaled_alike) {
  // "reader" at the base rate 0.1, "policy" at 0.4 (policy.lr); the schedule's factor and a halving of
  // the base rate (a NaN's) scale both. By hand, SGD w -= rate * g with g = [1, 2] for both:
  //   step 1 (factor 1):             reader [1, -2] -> [0.9, -2.2]      policy [3] -> [2.6]
  //   step 2 (factor 0.5):           reader -> [0.85, -2.3]             policy -> [2.4]
  //   step 3 (factor 0.5, base 0.05): reader -> [0.825, -2.35]          policy -> [2.3]
  Var reader(Array{1.0f, -2.0f}, true), policy(Array{3.0f}, true);
  SGD opt({{"reader.w", reader}, {"policy.w", policy}}, {.lr = 0.1});
  opt.set_group_lr([](const std::string& n) { return n.starts_with("policy."); }, 0.4);
  BOOST_TEST(opt.rate(0) == 0.1);  // the base rate is untouched, exactly
  BOOST_TEST(std::abs(opt.rate(1) - 0.4) < 1e-15);
  const auto step = [&] {
    reader.grad() = Array{1.0f, 2.0f};
    policy.grad() = Array{1.0f};
    opt.step();
  };
  step();
  check(reader.value(), {0.9, -2.2});
  check(policy.value(), {2.6});
  opt.set_lr_scale(0.5);
  step();
  check(reader.value(), {0.85, -2.3});
  check(policy.value(), {2.4});
  opt.set_lr(0.05);
  step();
  check(reader.value(), {0.825, -2.35});
  check(policy.value(), {2.3});
  BOOST_CHECK_THROW(opt.set_group_lr([](const std::string&) { return true; }, 0.0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(adam_groups_and_a_set_of_optimizers) {
  // Adam's first step moves each entry by its rate (m / sqrt(v) = sign g at t = 1, bias-corrected), so
  // the rates are read off the step. An OptimizerSet passes the factor and the group on to its members.
  Var reader(Array{0.0f, 0.0f}, true), policy(Array{0.0f}, true), critic(Array{0.0f}, true);
  Adam reader_opt({{"reader.w", reader}}, {.lr = 0.01}), policy_opt({{"policy.w", policy}, {"critic.w", critic}}, {.lr = 0.01});
  OptimizerSet both({{"reader", &reader_opt}, {"policy", &policy_opt}});
  both.set_group_lr([](const std::string& n) { return !n.starts_with("reader."); }, 0.03);
  both.set_lr_scale(0.5);
  reader.grad() = Array{2.0f, -3.0f};
  policy.grad() = Array{5.0f};
  critic.grad() = Array{-0.5f};
  both.step();
  check(reader.value(), {-0.005, 0.005}, 1e-7);  // 0.01 x 0.5
  check(policy.value(), {-0.015}, 1e-7);         // 0.03 x 0.5
  check(critic.value(), {0.015}, 1e-7);
}

BOOST_AUTO_TEST_CASE(optimizer_steps_a_module) {
  // The optimizer's Vars are the module's: a step on a least-squares problem moves the layer.
  Rng rng(3);
  Linear fc(2, 1, rng);
  Adam opt(fc.named_parameters(), {.lr = 0.05f});
  const Var x(Array{{1.f, 0.f}, {0.f, 1.f}, {1.f, 1.f}});
  Array targets = Array::from_shape({3, 1});
  targets(0, 0) = 1.f, targets(1, 0) = -1.f, targets(2, 0) = 0.f;
  const Var y(targets);
  float first = 0.0f, last = 0.0f;
  for (int i = 0; i < 200; ++i) {
    opt.zero_grad();
    const Var loss = mse(fc(x), y);
    backward(loss);
    opt.step();
    (i == 0 ? first : last) = loss.item();
  }
  BOOST_TEST(last < 1e-3f * first);
}

BOOST_AUTO_TEST_CASE(clip_grad_norm_scales_globally) {
  Var a(Array{0.0f, 0.0f}, true), b(Array{0.0f}, true), untouched(Array{1.0f, 1.0f}, true);
  a.grad() = Array{3.0f, 4.0f};
  b.grad() = Array{12.0f};
  // Norm sqrt(9 + 16 + 144) = 13. Below the limit: returned, nothing changes.
  BOOST_TEST(std::abs(clip_grad_norm({a, b, untouched}, 20.0f) - 13.0f) < 1e-5f);
  check(a.grad(), {3, 4});
  // Above it: every gradient scaled by 6.5 / (13 + 1e-6), so the new norm is 6.5.
  BOOST_TEST(std::abs(clip_grad_norm({a, b, untouched}, 6.5f) - 13.0f) < 1e-5f);
  check(a.grad(), {1.5, 2.0}, 1e-5);
  check(b.grad(), {6.0}, 1e-5);
  BOOST_TEST(std::abs(clip_grad_norm(NamedParameters{{"a", a}, {"b", b}}, 100.0f) - 6.5f) < 1e-5f);
}
