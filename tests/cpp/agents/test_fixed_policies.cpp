// The fixed policies do what agents/region_rules.hpp, agents/glimpse_rules.hpp and their files in
// agents/fixed/ say, built by name from their table rows (experiments/tables/fixed_policies.cpp): the
// plans of first/last/spaced/all/center/middle/random/saliency over a 5 x 5 grid, plans over the
// regions an example has (last_user among them), the glimpse scan, centre, centre-out spiral, random
// and saliency locations, STOP once the budget is spent, and unknown names rejected.
#define BOOST_TEST_MODULE fixed_policies
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "agents/fixed_policy.hpp"
#include "experiments/tables/choose.hpp"

using namespace saccade;

namespace {

// An observation of `b` examples with the given previews; fixed policies look at nothing else.
Observation observation(std::size_t b, Array preview = {}) {
  Observation o;
  o.preview = std::move(preview);
  o.steps_left.assign(b, 6);
  return o;
}

// The spec of an env of `regions` discrete regions (0: glimpse locations) with previews of `kind`.
EnvSpec spec_of(std::size_t regions, PreviewKind kind = PreviewKind::per_region) {
  EnvSpec spec;
  spec.num_regions = regions;
  spec.preview_kind = kind;
  return spec;
}

// A fixed policy by its table name, as a run builds it; `all` is the reference that reads every region
// with the `first` rule (experiments/tables/references.cpp).
struct Fixed {
  EnvSpec spec;
  std::unique_ptr<Policy> policy;
  Fixed(const std::string& name, std::size_t regions, std::size_t budget, PreviewKind kind = PreviewKind::per_region)
      : spec(spec_of(regions, kind)),
        policy(name == "all" ? make_fixed_policy("first", name, spec, regions) : make_fixed_policy(name, name, spec, budget)) {}
};

// Every step's action until the policy stops (region -1) or `max_steps`; returns plans[b] = regions.
std::vector<std::vector<int>> plan(Fixed& f, const Observation& obs, std::size_t max_steps = 30, std::uint64_t seed = 1) {
  Policy& p = *f.policy;
  const EnvSpec& spec = f.spec;
  const Var summary;
  Rng rng(seed);
  const std::size_t B = obs.steps_left.size();
  std::vector<std::vector<int>> out(B);
  for (std::size_t step = 0; step < max_steps; ++step) {
    const PolicyContext ctx{spec, obs, summary, step};
    if (step == 0) p.begin(ctx, rng, true);
    const Decision d = p.act(ctx, rng, true);
    BOOST_TEST(!d.log_prob.defined());  // fixed policies carry no log-probability
    for (std::size_t b = 0; b < B; ++b) {
      if (d.action.region[b] >= 0) out[b].push_back(d.action.region[b]);
    }
  }
  return out;
}

std::vector<int> plan1(const std::string& name, std::size_t regions, std::size_t budget, Array preview = {},
                       PreviewKind kind = PreviewKind::image) {
  Fixed p(name, regions, budget, kind);
  return plan(p, observation(1, preview))[0];
}

using V = std::vector<int>;

// A [B, h, w] thumbnail of zeros with a bright h/5 x w/5 block over region `bright[b]` of a 5 x 5 grid.
Array thumbnails(std::size_t side, const std::vector<int>& bright) {
  Array t = xt::zeros<float>({bright.size(), side, side});
  const std::size_t cell = side / 5;
  for (std::size_t b = 0; b < bright.size(); ++b) {
    const std::size_t r0 = (bright[b] / 5) * cell, c0 = (bright[b] % 5) * cell;
    for (std::size_t y = r0; y < r0 + cell; ++y) {
      for (std::size_t x = c0; x < c0 + cell; ++x) t(b, y, x) = 0.9f;
    }
  }
  return t;
}

// Runs a glimpse policy for `steps` steps: locations[step] [B, 2] and stop[step] [B].
struct GlimpseRun {
  std::vector<Array> locations;
  std::vector<std::vector<std::uint8_t>> stop;
};
GlimpseRun glimpses(Fixed& f, const Observation& obs, std::size_t steps, std::uint64_t seed = 1) {
  Policy& p = *f.policy;
  const EnvSpec& spec = f.spec;
  const Var summary;
  Rng rng(seed);
  GlimpseRun run;
  for (std::size_t step = 0; step < steps; ++step) {
    const PolicyContext ctx{spec, obs, summary, step};
    if (step == 0) p.begin(ctx, rng, true);
    const Decision d = p.act(ctx, rng, true);
    run.locations.push_back(d.action.location);
    run.stop.push_back(d.action.stop);
  }
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(region_plans_follow_the_header) {
  BOOST_TEST(plan1("first", 25, 3) == (V{0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(plan1("last", 25, 3) == (V{22, 23, 24}), boost::test_tools::per_element());
  BOOST_TEST(plan1("spaced", 25, 3) == (V{4, 12, 20}), boost::test_tools::per_element());  // (2j+1) R / 2k
  BOOST_TEST(plan1("grid", 25, 5) == (V{2, 7, 12, 17, 22}), boost::test_tools::per_element());
  V all(25);
  std::iota(all.begin(), all.end(), 0);
  BOOST_TEST(plan1("all", 25, 3) == all, boost::test_tools::per_element());  // the budget does not apply
  BOOST_TEST(plan1("last", 25, 40) == all, boost::test_tools::per_element());  // at most R regions
  // center: 12 first, then its four neighbours (ties in index order), then the 3 x 3 block.
  BOOST_TEST(plan1("center", 25, 1) == (V{12}), boost::test_tools::per_element());
  BOOST_TEST(plan1("center", 25, 5) == (V{12, 7, 11, 13, 17}), boost::test_tools::per_element());
  V nine = plan1("center", 25, 9);
  std::sort(nine.begin(), nine.end());
  BOOST_TEST(nine == (V{6, 7, 8, 11, 12, 13, 16, 17, 18}), boost::test_tools::per_element());
  BOOST_TEST(plan1("center", 9, 1) == (V{4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(random_plans_are_distinct_and_depend_on_the_seed) {
  Fixed p("random", 25, 6);
  const auto a = plan(p, observation(4), 30, 1), b = plan(p, observation(4), 30, 2);
  for (const auto& one : a) {
    BOOST_TEST(one.size() == 6u);
    BOOST_TEST(std::set<int>(one.begin(), one.end()).size() == 6u);
    BOOST_TEST(*std::min_element(one.begin(), one.end()) >= 0);
    BOOST_TEST(*std::max_element(one.begin(), one.end()) < 25);
  }
  BOOST_TEST((a != b));              // another seed, other plans
  BOOST_TEST((a[0] != a[1]));        // and each example its own
  BOOST_TEST((plan(p, observation(4), 30, 1) == a));  // the same seed, the same plans
}

BOOST_AUTO_TEST_CASE(saliency_picks_bright_regions) {
  // [B, h, w] thumbnails (10 x 10 over the 5 x 5 grid): each example's bright region first.
  {
    Fixed p("saliency", 25, 1, PreviewKind::image);
    const auto got = plan(p, observation(3, thumbnails(10, {16, 4, 12})));
    BOOST_TEST(got == (std::vector<V>{{16}, {4}, {12}}));
  }
  {  // two blobs of different brightness: the brighter first
    Array t = thumbnails(10, {3}) + 0.5f * thumbnails(10, {20});
    BOOST_TEST(plan1("saliency", 25, 2, t) == (V{3, 20}), boost::test_tools::per_element());
  }
  // [B, R, P] previews: the row with the most |preview| (negative values count too).
  Array rows = xt::zeros<float>({2, 5, 3});
  rows(0, 3, 1) = 2.0f;
  rows(0, 1, 0) = 1.0f;
  rows(1, 0, 2) = -4.0f;
  Fixed p("saliency", 5, 2);
  BOOST_TEST(plan(p, observation(2, rows)) == (std::vector<V>{{3, 1}, {0, 1}}));
  // Bag previews [B, R, 2K] (K feature ids, then K weights): the weights count, the ids do not.
  Array bags = xt::zeros<float>({1, 4, 4});
  bags(0, 0, 0) = 90.0f;  // a large id with a small weight
  bags(0, 0, 2) = 0.1f;
  bags(0, 2, 0) = 1.0f;  // a small id with the largest weights
  bags(0, 2, 2) = 0.5f;
  bags(0, 2, 3) = 0.25f;
  bags(0, 3, 3) = 0.3f;
  Fixed salient("salient", 4, 3, PreviewKind::bag);
  BOOST_TEST(plan(salient, observation(1, bags)) == (std::vector<V>{{2, 3, 0}}));
}

// A 5 x 5 grid (R = 25) under a 25 x 25 thumbnail (e.g. RAM's 100 x 100 canvas, preview_factor 4,
// grid 5): the thumbnail's height equals R, so preview_energy reads it as [R, P] rows and scores
// region r by thumbnail ROW r. The bright block over region 4 (top-right) is then credited to
// regions 0..4 by rows, and the plan starts at region 0.
BOOST_AUTO_TEST_CASE(saliency_thumbnail_whose_side_equals_the_region_count) {
  BOOST_TEST(plan1("saliency", 25, 1, thumbnails(25, {4})) == (V{4}), boost::test_tools::per_element());
  BOOST_TEST(plan1("saliency", 25, 1, thumbnails(25, {13})) == (V{13}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(glimpse_grid_center_and_random) {
  const Observation obs = observation(2);
  Fixed grid("grid", 0, 6);
  const GlimpseRun g = glimpses(grid, obs, 6);
  // 6 glimpses: 2 rows x 3 columns of cell centres, row-major.
  const std::vector<std::pair<float, float>> want = {{-0.5f, -2.f / 3}, {-0.5f, 0.f}, {-0.5f, 2.f / 3},
                                                     {0.5f, -2.f / 3},  {0.5f, 0.f},  {0.5f, 2.f / 3}};
  for (std::size_t s = 0; s < 6; ++s) {
    for (std::size_t b = 0; b < 2; ++b) {
      BOOST_TEST(std::abs(g.locations[s](b, 0) - want[s].first) < 1e-6f, "step " << s);
      BOOST_TEST(std::abs(g.locations[s](b, 1) - want[s].second) < 1e-6f, "step " << s);
    }
  }
  Fixed center("center", 0, 3);
  for (const Array& l : glimpses(center, obs, 3).locations) BOOST_TEST(xt::amax(xt::abs(l))() == 0.0f);

  Fixed random("random", 0, 4);
  const GlimpseRun r1 = glimpses(random, obs, 4, 1), r2 = glimpses(random, obs, 4, 2);
  std::set<float> seen;
  for (const Array& l : r1.locations) {
    BOOST_TEST(xt::amax(xt::abs(l))() <= 1.0f);
    seen.insert(l.begin(), l.end());
  }
  BOOST_TEST(seen.size() == 16u);  // 4 steps x 2 examples x 2 coordinates, all different
  BOOST_TEST(!(r1.locations[0] == r2.locations[0]));
}

BOOST_AUTO_TEST_CASE(glimpse_saliency_lands_on_bright_blobs) {
  // 12 x 12 thumbnail, a bright 2 x 2 blob covering pixels [8, 10) x [2, 4) -> centre (9, 3) -> l = (0.5, -0.5);
  // a dimmer one over [1, 3) x [9, 11) -> centre (2, 10) -> l = (-2/3, 2/3).
  Array t = xt::zeros<float>({1, 12, 12});
  for (int y : {8, 9}) for (int x : {2, 3}) t(0, y, x) = 1.0f;
  for (int y : {1, 2}) for (int x : {9, 10}) t(0, y, x) = 0.6f;
  Fixed p("saliency", 0, 2);
  const GlimpseRun g = glimpses(p, observation(1, t), 2);
  const float pixel = 2.0f / 12;  // one thumbnail pixel in location units
  BOOST_TEST(std::abs(g.locations[0](0, 0) - 0.5f) <= pixel);
  BOOST_TEST(std::abs(g.locations[0](0, 1) + 0.5f) <= pixel);
  BOOST_TEST(std::abs(g.locations[1](0, 0) + 2.f / 3) <= pixel);  // the second glimpse: the other blob
  BOOST_TEST(std::abs(g.locations[1](0, 1) - 2.f / 3) <= pixel);
  Fixed flat("saliency", 0, 1);  // needs a thumbnail
  BOOST_CHECK_THROW(glimpses(flat, observation(1, xt::zeros<float>({1, 12})), 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(glimpses_stop_after_the_budget) {
  for (const std::string name : {"center", "random", "grid"}) {
    Fixed p(name, 0, 3);
    const GlimpseRun g = glimpses(p, observation(2), 5);
    for (std::size_t s = 0; s < 5; ++s) {
      for (std::size_t b = 0; b < 2; ++b) BOOST_TEST(g.stop[s][b] == (s >= 3 ? 1 : 0), name << " step " << s);
    }
  }
  Fixed r("first", 25, 3);
  BOOST_TEST(plan(r, observation(1), 10)[0].size() == 3u);  // then region -1: STOP
}

BOOST_AUTO_TEST_CASE(unknown_or_unfitting_names_are_refused) {
  auto message = [](auto make) {
    try {
      make();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  const EnvSpec patches = spec_of(25), glimpses = spec_of(0);
  BOOST_TEST(message([&] { make_fixed_policy("spiral", "spiral", patches, 3); }).find("\"spiral\"") != std::string::npos);
  // middle plans regions, not glimpse locations; center_out the other way round.
  BOOST_TEST(message([&] { make_fixed_policy("middle", "middle", glimpses, 3); }).find("\"middle\"") != std::string::npos);
  BOOST_TEST(message([&] { make_fixed_policy("center_out", "center_out", patches, 3); }).find("\"center_out\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(middle_reads_the_regions_nearest_the_middle_in_order) {
  BOOST_TEST(plan1("middle", 16, 4) == (V{6, 7, 8, 9}), boost::test_tools::per_element());  // the middle is 7.5
  BOOST_TEST(plan1("middle", 5, 1) == (V{2}), boost::test_tools::per_element());
  BOOST_TEST(plan1("middle", 5, 3) == (V{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(plan1("middle", 4, 3) == (V{0, 1, 2}), boost::test_tools::per_element());  // a tie (0 or 3): the lower
}

BOOST_AUTO_TEST_CASE(center_out_spirals_from_the_centre) {
  Fixed spiral("center_out", 0, 9);
  const GlimpseRun g = glimpses(spiral, observation(1), 10);
  // 9 glimpses: the centre of a 3 x 3 grid of cells (side 2/3), then right, down, left, left, up, up,
  // right, right: every cell once.
  const float c = 2.f / 3;
  const std::vector<std::pair<float, float>> want = {{0, 0}, {0, c}, {c, c}, {c, 0}, {c, -c}, {0, -c}, {-c, -c}, {-c, 0}, {-c, c}};
  for (std::size_t s = 0; s < want.size(); ++s) {
    BOOST_TEST(std::abs(g.locations[s](0, 0) - want[s].first) < 1e-6f, "step " << s);
    BOOST_TEST(std::abs(g.locations[s](0, 1) - want[s].second) < 1e-6f, "step " << s);
  }
  BOOST_TEST(g.stop[9][0] == 1);  // then STOP
  Fixed two("center_out", 0, 2);  // 2 glimpses: still a 3 x 3 grid (the smallest odd side holding 2)
  const GlimpseRun g2 = glimpses(two, observation(1), 2);
  BOOST_TEST(std::abs(g2.locations[1](0, 1) - c) < 1e-6f);
}

BOOST_AUTO_TEST_CASE(plans_skip_the_regions_an_example_does_not_have) {
  // A dialogue env with R = 8 turn slots: example 0 has turns 3..7 (the first three flagged as read
  // at the start), example 1 all eight. Previews [R, 2]: feature 0 flags a user turn (even regions).
  const std::size_t R = 8;
  Array preview = xt::zeros<float>({std::size_t{2}, R, std::size_t{2}});
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t r = 0; r < R; r += 2) preview(b, r, 0) = 1.0f;
  Observation obs = observation(2, preview);
  obs.read.assign(2 * R, 0);
  for (std::size_t r = 0; r < 3; ++r) obs.read[r] = 1;
  auto run = [&](const std::string& name, std::size_t k) {
    Fixed p(name, R, k);
    return plan(p, obs);
  };
  BOOST_TEST(run("first", 2)[0] == (V{3, 4}), boost::test_tools::per_element());
  BOOST_TEST(run("first", 2)[1] == (V{0, 1}), boost::test_tools::per_element());
  BOOST_TEST(run("last", 2)[0] == (V{6, 7}), boost::test_tools::per_element());
  BOOST_TEST(run("all", 2)[0] == (V{3, 4, 5, 6, 7}), boost::test_tools::per_element());
  BOOST_TEST(run("last_user", 2)[0] == (V{4, 6}), boost::test_tools::per_element());
  BOOST_TEST(run("last_user", 3)[1] == (V{2, 4, 6}), boost::test_tools::per_element());
  BOOST_TEST(run("last_user", 9)[0] == (V{4, 6}), boost::test_tools::per_element());  // only two user turns
  BOOST_TEST(run("spaced", 2)[0] == (V{4, 6}), boost::test_tools::per_element());  // (2j+1) n / 2k of 3..7
  const auto random = run("random", 4);
  for (int r : random[0]) BOOST_TEST(r >= 3);
  BOOST_TEST(run("random", 9)[0].size() == 5u);
}
