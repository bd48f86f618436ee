// The two image envs through the Env interface: shapes match the spec, the budget truncates, STOP
// terminates, done examples are never read again, the same (examples, seed, actions) replay
// exactly, and the patch env keeps its read mask.
#define BOOST_TEST_MODULE image_env
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "envs/image/image_env.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::regions;
using saccade::testing::row_is_zero;

namespace {

std::shared_ptr<const ImageDataset> synthetic(std::size_t n = 12, std::size_t side = 28) {
  Rng rng(5);
  auto d = std::make_shared<ImageDataset>();
  d->name = "synthetic";
  d->images = Tensor3::from_shape({n, side, side});
  for (auto& v : d->images) v = static_cast<float>(rng.uniform(0.05, 1.0));
  for (std::size_t i = 0; i < n; ++i) d->labels.push_back(static_cast<int>(i % 10));
  d->num_classes = 10;
  return d;
}

// A [b, 2] location action, every example at (row, col).
Action glimpse_at(std::size_t b, float row, float col, std::vector<std::uint8_t> stop = {}) {
  Action a;
  a.location = Array::from_shape({b, 2});
  for (std::size_t i = 0; i < b; ++i) a.location(i, 0) = row, a.location(i, 1) = col;
  a.stop = std::move(stop);
  return a;
}

bool same(const Array& a, const Array& b) { return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin()); }

}  // namespace

BOOST_AUTO_TEST_CASE(glimpse_spec_shapes_and_content) {
  ImageGlimpseEnv env(synthetic(), CanvasSpec::cluttered(), {});
  const EnvSpec& s = env.spec();
  BOOST_TEST(s.name == "image-glimpse");
  BOOST_TEST(s.num_classes == 10u);
  BOOST_TEST(s.num_regions == 0u);
  BOOST_TEST(s.max_steps == 6u);
  BOOST_TEST((s.content_shape == Shape{3, 12, 12}));
  BOOST_TEST((s.preview_shape == Shape{15, 15}));

  auto [obs, info] = env.reset({0, 4, 9}, 1);
  BOOST_TEST((obs.preview.shape() == Shape{3, 15, 15}));
  BOOST_TEST((obs.content.shape() == Shape{3, 3, 12, 12}));
  BOOST_TEST((env.canvases().shape() == Shape{3, 60, 60}));
  BOOST_TEST(row_is_zero(obs.content, 0));  // the reset observation reads nothing
  BOOST_TEST(info.labels == (std::vector<int>{0, 4, 9}), boost::test_tools::per_element());
  BOOST_TEST(obs.steps_left == (std::vector<int>{6, 6, 6}), boost::test_tools::per_element());

  // The content is the retina at the echoed location; an out-of-range location is clipped.
  const StepResult r = env.step(glimpse_at(3, 0.2f, 2.5f));
  BOOST_TEST(r.obs.location(1, 1) == 1.0f);
  Array want;
  retina_batch(env.canvases(), r.obs.location, RetinaSpec{}, want);
  BOOST_TEST(same(r.obs.content, want));
  BOOST_TEST(same(r.obs.preview, obs.preview));  // the preview stays for the episode
  BOOST_TEST(r.obs.steps_left == (std::vector<int>{5, 5, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(budget_truncates_and_stop_terminates) {
  ImageGlimpseOptions opt;
  opt.budget = 3;
  ImageGlimpseEnv env(synthetic(), CanvasSpec::translated(), opt);
  env.reset({1, 2}, 0);
  // Example 0 stops at the first step; example 1 reads until its budget runs out.
  StepResult r = env.step(glimpse_at(2, 0, 0, {1, 0}));
  BOOST_TEST(r.terminated[0] == 1);
  BOOST_TEST(r.obs.active[0] == 0);
  BOOST_TEST(row_is_zero(r.obs.content, 0));
  BOOST_TEST(r.obs.active[1] == 1);
  BOOST_TEST(!row_is_zero(r.obs.content, 1));
  for (int k = 0; k < 2; ++k) {
    r = env.step(glimpse_at(2, 0.1f * k, 0));
    BOOST_TEST(r.terminated[0] == 0);  // flags are set on the step it happens only
    BOOST_TEST(r.obs.active[0] == 0);  // a done example is never read again
    BOOST_TEST(row_is_zero(r.obs.content, 0));
    BOOST_TEST(r.obs.active[1] == 1);
  }
  BOOST_TEST(r.truncated[1] == 1);  // the third read spent the budget
  BOOST_TEST(env.all_done());
  r = env.step(glimpse_at(2, 0, 0));
  BOOST_TEST(r.obs.active == (std::vector<std::uint8_t>{0, 0}), boost::test_tools::per_element());
  BOOST_TEST(row_is_zero(r.obs.content, 1));
  BOOST_CHECK_THROW(env.step(glimpse_at(3, 0, 0)), std::invalid_argument);  // wrong batch size
}

BOOST_AUTO_TEST_CASE(replay_is_exact_per_seed) {
  const auto data = synthetic();
  const auto run = [&](std::uint64_t seed, std::vector<std::size_t> examples) {
    ImageGlimpseEnv env(data, CanvasSpec::cluttered(), {});
    env.reset(examples, seed);
    std::vector<Array> seen{env.canvases()};
    for (float l : {-0.5f, 0.0f, 0.7f}) seen.push_back(env.step(glimpse_at(examples.size(), l, -l)).obs.content);
    return seen;
  };
  const auto a = run(3, {0, 5, 7}), b = run(3, {0, 5, 7}), c = run(4, {0, 5, 7});
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(same(a[i], b[i]));
  BOOST_TEST(!same(a[0], c[0]));
  // An example's canvas does not depend on the rest of the batch or its position in it.
  ImageGlimpseEnv env(data, CanvasSpec::cluttered(), {});
  env.reset({7, 2}, 3);
  BOOST_TEST(std::equal(env.canvases().begin(), env.canvases().begin() + 3600, a[0].begin() + 2 * 3600));
}

BOOST_AUTO_TEST_CASE(patch_env_reads_and_masks) {
  ImagePatchOptions opt;
  opt.budget = 3;
  ImagePatchEnv env(synthetic(), CanvasSpec::translated(60), opt);
  const EnvSpec& s = env.spec();
  BOOST_TEST(s.num_regions == 25u);
  BOOST_TEST((s.content_shape == Shape{12, 12}));
  BOOST_TEST((s.preview_shape == Shape{15, 15}));
  auto [obs, info] = env.reset({3, 8}, 2);
  BOOST_TEST(obs.read.size() == 50u);
  BOOST_TEST(std::count(obs.read.begin(), obs.read.end(), 1) == 0);
  // The preview is the canvas' 4x thumbnail.
  std::vector<float> thumb(15 * 15);
  thumbnail(env.canvases().data() + 3600, 60, 4, thumb.data());
  BOOST_TEST(std::equal(thumb.begin(), thumb.end(), obs.preview.data() + 225));

  StepResult r = env.step(regions({7, 24}));
  BOOST_TEST(r.obs.read[7] == 1);
  BOOST_TEST(r.obs.read[25 + 24] == 1);
  BOOST_TEST(std::count(r.obs.read.begin(), r.obs.read.end(), 1) == 2);
  // Region 7 = row 1, col 2: pixels (12.., 24..) of example 0's canvas.
  BOOST_TEST(r.obs.content(0, 0, 0) == env.canvases()(0, 12, 24));
  BOOST_TEST(r.obs.content(0, 11, 11) == env.canvases()(0, 23, 35));
  BOOST_TEST(r.obs.location(0, 0) == patch_centre(env.grid(), 7).first);
  BOOST_TEST(r.obs.region == (std::vector<int>{7, 24}), boost::test_tools::per_element());

  BOOST_CHECK_THROW(env.step(regions({25, 0})), std::out_of_range);  // rejected before any change
  // Re-reading region 7 is a STOP for example 0; example 1 stops with -1.
  r = env.step(regions({7, -1}));
  BOOST_TEST(r.terminated == (std::vector<std::uint8_t>{1, 1}), boost::test_tools::per_element());
  BOOST_TEST(r.obs.active == (std::vector<std::uint8_t>{0, 0}), boost::test_tools::per_element());
  BOOST_TEST(std::count(r.obs.read.begin(), r.obs.read.end(), 1) == 2);
  BOOST_TEST(env.all_done());

  // Budget: three reads, the third truncates. Strict mode refuses repeats.
  opt.repeat_stops = false;
  ImagePatchEnv strict(synthetic(), CanvasSpec::translated(60), opt);
  strict.reset({0}, 0);
  strict.step(regions({0}));
  BOOST_CHECK_THROW(strict.step(regions({0})), std::invalid_argument);
  strict.step(regions({1}));
  BOOST_TEST(strict.step(regions({2})).truncated[0] == 1);

  // A budget above the number of regions is capped: 2x2 patches of 14x14 on the plain 28x28 item.
  opt.grid = 2;
  opt.budget = 6;
  BOOST_TEST(ImagePatchEnv(synthetic(), CanvasSpec::plain(), opt).spec().max_steps == 4u);
  opt.grid = 7;
  BOOST_CHECK_THROW(ImagePatchEnv(synthetic(), CanvasSpec::translated(60), opt), std::invalid_argument);
}
