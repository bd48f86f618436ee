// Inhibition of return (agents/return_inhibition.hpp) against its header comment:
//   - visit_map by hand: exp(-d^2 / (2 r^2)) summed over an example's reads, rows past its last read
//     (and examples that read nothing) adding nothing; the radius is the saliency rule's;
//   - off (policy.inhibition 0) adds no parameter, so the policies' checkpoints are as before;
//   - the env side (envs/episodes.hpp): each read's location goes into Observation::visited in order,
//     and a STOP adds nothing;
//   - behaviour: with a negative weight, a greedy cells or spatial policy that has read the brightest
//     blob turns to the other one; with a positive weight (or none) it stays.
// The weight's gradient against finite differences, and re-scoring with visited, are in
// tests/cpp/agents/test_log_prob.cpp (the "with inhibition" cases).
#define BOOST_TEST_MODULE return_inhibition
#include <boost/test/unit_test.hpp>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xview.hpp>

#include <cmath>

#include "agents/cell_glimpse.hpp"
#include "agents/return_inhibition.hpp"
#include "agents/spatial_location.hpp"
#include "agents/thumbnail_cells.hpp"
#include "envs/episodes.hpp"
#include "policy_steps.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::param;

namespace {

constexpr std::size_t S = 12;  // a 12 x 12 thumbnail: the radius is 2 cells

double centre(std::size_t i) { return (i + 0.5) / S * 2.0 - 1.0; }

// A thumbnail [1, S, S] with a bright blob (1.0) at cell (2, 2) and a dimmer one (0.6) at (9, 8).
Array two_blobs() {
  Array t = xt::zeros<float>({std::size_t{1}, S, S});
  t(0, 2, 2) = 1.0f;
  t(0, 9, 8) = 0.6f;
  return t;
}

// One read at cell (y, x)'s centre: visited [1, 3, 3].
Array read_at(std::size_t y, std::size_t x) {
  Array v = xt::zeros<float>({std::size_t{1}, std::size_t{3}, std::size_t{3}});
  v(0, 0, 0) = static_cast<float>(centre(y));
  v(0, 0, 1) = static_cast<float>(centre(x));
  v(0, 0, 2) = 1.0f;
  return v;
}

// Every parameter 0, except: s_p = 20 * brightness_p, and the inhibition weight `w`.
void score_brightness(Module& p, float w) {
  for (const auto& [n, v] : p.named_parameters()) Var(v).value().fill(0.0f);
  param(p, "local.weight").value()(4, 0) = 1.0f;
  param(p, "local_score.weight").value()(0, 0) = 20.0f;
  param(p, "inhibition.weight").value()(0) = w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(visit_map_sums_a_gaussian_of_the_distance_over_each_examples_reads) {
  const std::size_t H = 6, W = 4;
  const Array centres = cell_centres(H, W);
  const float r = 0.5f;
  Array visited = xt::zeros<float>({std::size_t{2}, std::size_t{3}, std::size_t{3}});
  visited(0, 0, 0) = 0.1f, visited(0, 0, 1) = -0.4f, visited(0, 0, 2) = 1.0f;
  visited(0, 1, 0) = -0.7f, visited(0, 1, 1) = 0.6f, visited(0, 1, 2) = 1.0f;
  // Example 1 read nothing; example 0's third row is past its last read.
  const Array v = visit_map(visited, centres, 2, r);
  BOOST_TEST_REQUIRE((v.shape() == Shape{2, H * W}));
  for (std::size_t p = 0; p < H * W; ++p) {
    const double y = (p / W + 0.5) / H * 2 - 1, x = (p % W + 0.5) / W * 2 - 1;
    const double want = std::exp(-(std::pow(y - 0.1, 2) + std::pow(x + 0.4, 2)) / (2 * r * r)) +
                        std::exp(-(std::pow(y + 0.7, 2) + std::pow(x - 0.6, 2)) / (2 * r * r));
    BOOST_TEST(v(0, p) == want, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(v(1, p) == 0.0f);
  }
  BOOST_TEST(xt::all(xt::equal(visit_map(Array(), centres, 3, r), 0.0f)));
  BOOST_CHECK_THROW(visit_map(xt::zeros<float>({std::size_t{2}, std::size_t{3}}), centres, 2, r), std::invalid_argument);
  BOOST_TEST(ReturnInhibition(-1.0f, 15, 15).radius() == 2 * 2.0f / 15, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(ReturnInhibition(-1.0f, 4, 4).radius() == 2.0f / 4, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(off_adds_no_parameter) {
  Rng rng(1);
  BOOST_TEST(!ReturnInhibition(0.0f, 15, 15).on());
  BOOST_TEST(ReturnInhibition(0.0f, 15, 15).named_parameters().empty());
  const SpatialLocationPolicy off({.gaussian = {.input = 4}, .height = 5, .width = 5}, rng);
  const SpatialLocationPolicy on({.gaussian = {.input = 4}, .height = 5, .width = 5, .inhibition = -2.0f}, rng);
  BOOST_TEST(on.named_parameters().size() == off.named_parameters().size() + 1);
  BOOST_TEST(on.named_parameters().back().first == "inhibition.weight");
  BOOST_TEST(param(on, "inhibition.weight").value()(0) == -2.0f);
}

BOOST_AUTO_TEST_CASE(each_read_goes_into_visited_in_order_and_a_stop_adds_nothing) {
  Episodes e;
  e.reset(2, 0, 3);
  const Info info;
  for (int step = 0; step < 2; ++step) {
    StepResult r = e.blank_result(Array(), {1}, info);
    r.obs.location(0, 0) = 0.1f * static_cast<float>(step + 1), r.obs.location(0, 1) = -0.5f;
    e.spend(0, r);
    if (step == 0) e.stop(1, r);
    BOOST_TEST_REQUIRE((r.obs.visited.shape() == Shape{2, 3, 3}));
    for (int k = 0; k <= step; ++k) {
      BOOST_TEST(r.obs.visited(0, k, 0) == 0.1f * static_cast<float>(k + 1));
      BOOST_TEST(r.obs.visited(0, k, 1) == -0.5f);
      BOOST_TEST(r.obs.visited(0, k, 2) == 1.0f);
    }
    BOOST_TEST(r.obs.visited(0, 2, 2) == 0.0f);
    BOOST_TEST(xt::all(xt::equal(xt::view(r.obs.visited, 1), 0.0f)));
  }
  // The next step's blank result starts from what was read.
  BOOST_TEST(e.blank_observation(Array(), {1}).visited(0, 1, 0) == 0.2f);
  // A discrete env (regions > 0) keeps none: its policies read `read`.
  e.reset(2, 4, 3);
  BOOST_TEST(e.blank_observation(Array(), {1}).visited.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_greedy_cells_policy_that_read_the_bright_blob_turns_to_the_other) {
  const Array t = two_blobs();
  const Var h(Array(xt::zeros<float>({std::size_t{1}, saccade::testing::H})));
  for (float w : {-50.0f, 0.0f, 50.0f}) {
    Rng init(1), rng(2);
    CellGlimpsePolicy p({.input = saccade::testing::H, .height = S, .width = S, .hidden = 3, .inhibition = -1.0f}, init);
    score_brightness(p, w);
    saccade::testing::act(p, h, 0, rng, true, t);  // begin()
    const Decision first = saccade::testing::act(p, h, 1, rng, true, t);
    const Decision second = saccade::testing::act(p, h, 1, rng, true, t, read_at(2, 2));
    BOOST_TEST(first.cell[0] == 2 * static_cast<int>(S) + 2, "w " << w);
    BOOST_TEST(second.cell[0] == (w < 0 ? 9 * static_cast<int>(S) + 8 : 2 * static_cast<int>(S) + 2), "w " << w);
  }
}

BOOST_AUTO_TEST_CASE(a_greedy_spatial_policy_that_read_the_bright_blob_turns_to_the_other) {
  const Array t = two_blobs();
  const Var h(Array(xt::zeros<float>({std::size_t{1}, saccade::testing::H})));
  for (float w : {-50.0f, 50.0f}) {
    Rng init(1), rng(2);
    SpatialLocationPolicy p({.gaussian = {.input = saccade::testing::H}, .height = S, .width = S, .hidden = 3, .inhibition = -1.0f}, init);
    score_brightness(p, w);
    saccade::testing::act(p, h, 0, rng, true, t);  // begin()
    const Array to = saccade::testing::act(p, h, 1, rng, true, t, read_at(2, 2)).action.location;
    const double near_bright = std::hypot(to(0, 0) - centre(2), to(0, 1) - centre(2));
    const double near_dim = std::hypot(to(0, 0) - centre(9), to(0, 1) - centre(8));
    BOOST_TEST((w < 0 ? near_dim : near_bright) < 0.1, "w " << w << ": " << to(0, 0) << ", " << to(0, 1));
  }
}
