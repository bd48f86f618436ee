// A NaN in the loss, injected through a parameter: the update is skipped (no parameter moves), the
// learning rate halves, a good step afterwards updates again, and train.nonfinite_limit skipped
// updates in a row stop training with a message naming the step and the op the NaN came from. An Inf
// in a gradient under a finite loss: the same, naming the parameter. A NaN location from the policy:
// the same, before the env ever sees it.
#define BOOST_TEST_MODULE nonfinite
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "agents/gaussian_location.hpp"
#include "agents/reinforce.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

namespace {

std::vector<Array> snapshot(const Module& m) {
  std::vector<Array> values;
  for (const auto& [name, p] : m.named_parameters()) values.push_back(p.value());
  return values;
}

bool unchanged(const Module& m, const std::vector<Array>& before) {
  std::size_t i = 0;
  for (const auto& [name, p] : m.named_parameters()) {
    const Array& now = p.value();
    for (std::size_t j = 0; j < now.size(); ++j) {
      const float a = now.data()[j], b = before[i].data()[j];
      if (!(a == b || (std::isnan(a) && std::isnan(b)))) return false;
    }
    ++i;
  }
  return true;
}

// A small RAM on digits, its trainer stopping after `nonfinite_limit` skipped updates in a row.
struct Ram {
  ImageSplits splits = load_image_splits("digits", 0);
  ImageGlimpseEnv env{std::make_shared<const ImageDataset>(splits.train), CanvasSpec::translated(16),
                      ImageGlimpseOptions{.retina = {4, 2}, .budget = 3, .preview_factor = 4}};
  Rng init{1}, rng{2};
  RamReader reader{{.glimpse_size = 2 * 4 * 4, .glimpse_hidden = 16, .hidden = 16, .num_classes = 10}, init};
  GaussianLocationPolicy policy{{.input = 16, .std = 0.1f}, init};
  ReinforceTrainer trainer;
  std::vector<std::size_t> batch = {0, 1, 2, 3, 4, 5, 6, 7};
  explicit Ram(std::size_t nonfinite_limit)
      : trainer(env, reader, policy, ReinforceOptions{.lr = 1e-3, .nonfinite_limit = nonfinite_limit}, init) {}
};

// Two steps of a trainer whose limit is 2, with something non-finite injected: the first is skipped
// (nothing moves, the rate halves), the second stops training. Returns the first step's stats and
// the message that stopped it.
std::pair<TrainStats, std::string> skipped_then_stopped(Ram& ram) {
  const Module params = ram.trainer.trainable();
  const std::vector<Array> before = snapshot(params);
  const TrainStats bad = ram.trainer.train_batch(ram.batch, 1, ram.rng);
  BOOST_TEST(bad.skipped);
  BOOST_TEST(unchanged(params, before));
  BOOST_TEST(ram.trainer.optimizer().lr() == 0.5e-3);
  try {
    ram.trainer.train_batch(ram.batch, 2, ram.rng);
  } catch (const NonFiniteError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return {bad, e.what()};
  }
  BOOST_FAIL("two non-finite steps in a row should stop training");
  return {bad, ""};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_nan_skips_the_update_halves_the_rate_and_too_many_stop_training) {
  Ram ram(3);
  const Module params = ram.trainer.trainable();

  // A good step moves the parameters at the full rate.
  std::vector<Array> before = snapshot(params);
  BOOST_TEST(!ram.trainer.train_batch(ram.batch, 1, ram.rng).skipped);
  BOOST_TEST(!unchanged(params, before));
  BOOST_TEST(ram.trainer.optimizer().lr() == 1e-3);

  // A NaN in the output layer's bias: every logit is NaN, so is the loss.
  Var bias = ram.reader.named_parameters().back().second;  // "out.bias"
  BOOST_TEST(ram.reader.named_parameters().back().first == "out.bias");
  bias.value()(3) = std::numeric_limits<float>::quiet_NaN();
  before = snapshot(params);
  const TrainStats bad = ram.trainer.train_batch(ram.batch, 2, ram.rng);
  BOOST_TEST(bad.skipped);
  BOOST_TEST(!std::isfinite(bad.loss));
  BOOST_TEST(unchanged(params, before));  // nothing moved, Adam's state included in the next check
  BOOST_TEST(ram.trainer.optimizer().lr() == 0.5e-3);

  // Repaired, training goes on (at the halved rate) and the count of bad steps starts over.
  bias.value()(3) = 0.0f;
  BOOST_TEST(!ram.trainer.train_batch(ram.batch, 3, ram.rng).skipped);
  bias.value()(3) = std::numeric_limits<float>::quiet_NaN();
  BOOST_TEST(ram.trainer.train_batch(ram.batch, 4, ram.rng).skipped);
  BOOST_TEST(ram.trainer.train_batch(ram.batch, 5, ram.rng).skipped);
  BOOST_TEST(ram.trainer.optimizer().lr() == 0.125e-3);
  try {
    ram.trainer.train_batch(ram.batch, 6, ram.rng);  // the third in a row
    BOOST_FAIL("three non-finite steps in a row should stop training");
  } catch (const NonFiniteError& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what.find("step 6: the loss is NaN") == 0);
    BOOST_TEST(what.find("op affine") != std::string::npos);
    BOOST_TEST(what.find("3 updates in a row") != std::string::npos);
  }
}

// A finite loss whose gradient overflows: the glimpse embedding e is made huge (1e20) and the output
// weights too, while the core's input weights shrink by as much, so the forward stays finite (a loss of
// about 1e20) but the core's input-weight gradient, e^T times a 1e20 upstream gradient, is Inf. The
// update is skipped and the message names that parameter.
BOOST_AUTO_TEST_CASE(an_overflowing_gradient_with_a_finite_loss_skips_the_update) {
  Ram ram(2);
  for (const auto& [name, p] : ram.reader.named_parameters()) {
    Array& v = p.node()->value;
    if (name == "glimpse_to_e.bias") v.fill(1e20f);
    if (name == "core_eh.weight") v *= 1e-20f;
    if (name == "out.weight") v *= 1e20f;
  }

  const auto [bad, stop] = skipped_then_stopped(ram);
  BOOST_TEST(std::isfinite(bad.loss));
  BOOST_TEST(bad.loss > 1e15f);  // the forward was pushed to the edge, not past it
  BOOST_TEST(stop.find("step 2: the gradient norm is Inf (first in reader.core_eh.weight)") == 0);
}

// The policy's location goes NaN (its mean layer's bias): the episode stops before the env sees the
// action, and the update is skipped like a NaN loss's.
BOOST_AUTO_TEST_CASE(a_nan_location_skips_the_update_before_the_env_sees_it) {
  Ram ram(2);
  Var bias;
  for (const auto& [name, p] : ram.policy.named_parameters())
    if (name == "mean.bias") bias = p;
  BOOST_TEST_REQUIRE(bias.defined());
  bias.value()(0) = std::numeric_limits<float>::quiet_NaN();
  const std::string stop = skipped_then_stopped(ram).second;
  BOOST_TEST(stop.find("step 2: the policy's location for example 0 at episode step 0 is not finite") == 0);
  BOOST_TEST(stop.find("op affine") != std::string::npos);
}
