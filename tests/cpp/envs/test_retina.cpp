// The retina against values worked out by hand, its zeros off the canvas, the batched read against
// single reads; and the patch grid and thumbnail, the discrete env's sensors.
#define BOOST_TEST_MODULE retina
#include <boost/test/unit_test.hpp>

#include "core/random.hpp"
#include "envs/image/patches.hpp"
#include "envs/image/retina.hpp"

using namespace saccade;

namespace {

// The 8x8 canvas v[r][c] = 8r + c: every pixel tells where it is, so averages are easy by hand.
Tensor2 ramp8() {
  Tensor2 c = Tensor2::from_shape({8, 8});
  for (std::size_t i = 0; i < 64; ++i) c.data()[i] = static_cast<float>(i);
  return c;
}

void check_scale(const Tensor3& g, std::size_t s, std::initializer_list<float> want) {
  std::size_t i = 0;
  for (float w : want) {
    BOOST_TEST_CONTEXT("scale " << s << " value " << i) { BOOST_TEST(g.data()[s * 4 + i] == w); }
    ++i;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(hand_computed_glimpses) {
  const Tensor2 canvas = ramp8();
  const RetinaSpec spec{2, 2};  // g = 2, k = 2: widths 2 and 4

  // l = (0, 0): centre = (0 + 1) / 2 * 8 = 4 on both axes.
  //   scale 0: top-left round(4 - 1) = 3 -> rows 3..4, cols 3..4: [[27, 28], [35, 36]].
  //   scale 1: top-left round(4 - 2) = 2 -> rows 2..5, cols 2..5, averaged in 2x2 blocks:
  //     (18 + 19 + 26 + 27) / 4 = 22.5   (20 + 21 + 28 + 29) / 4 = 24.5
  //     (34 + 35 + 42 + 43) / 4 = 38.5   (36 + 37 + 44 + 45) / 4 = 40.5
  Tensor3 g = retina(canvas, 0.0f, 0.0f, spec);
  BOOST_TEST((g.shape() == std::array<std::size_t, 3>{2, 2, 2}));
  check_scale(g, 0, {27, 28, 35, 36});
  check_scale(g, 1, {22.5f, 24.5f, 38.5f, 40.5f});

  // l = (-1, -0.5) is (row, col): row centre 0 (the top edge), col centre 0.5 / 2 * 8 = 2.
  //   scale 0: top-left (round(-1), round(1)) = (-1, 1): row -1 is off the canvas -> [[0, 0], [1, 2]].
  //   scale 1: top-left (-2, 0): rows -2..1, cols 0..3; the top blocks are off the canvas ->
  //     0, 0, (0 + 1 + 8 + 9) / 4 = 4.5, (2 + 3 + 10 + 11) / 4 = 6.5
  g = retina(canvas, -1.0f, -0.5f, spec);
  check_scale(g, 0, {0, 0, 1, 2});
  check_scale(g, 1, {0, 0, 4.5f, 6.5f});

  // Rounding is floor(x + 0.5): l = (0.125, 0) puts the row centre at 1.125 / 2 * 8 = 4.5, so the
  // scale-0 top row is round(3.5) = 4 -> rows 4..5, cols 3..4: [[35, 36], [43, 44]].
  g = retina(canvas, 0.125f, 0.0f, spec);
  check_scale(g, 0, {35, 36, 43, 44});
  // Halves round up below zero too: l = (-0.875, 0) puts the row centre at 0.5, round(-0.5) = 0 ->
  // rows 0..1, cols 3..4: [[3, 4], [11, 12]] (round-half-away-from-zero would start at row -1).
  g = retina(canvas, -0.875f, 0.0f, spec);
  check_scale(g, 0, {3, 4, 11, 12});
}

BOOST_AUTO_TEST_CASE(off_canvas_is_zero) {
  Tensor2 ones = Tensor2::from_shape({8, 8});
  std::fill(ones.begin(), ones.end(), 1.0f);
  const RetinaSpec spec{2, 2};
  // At the bottom-right corner (1, 1), centre (8, 8): scale 0 reads rows/cols 7..8, one pixel of four
  // is on the canvas; scale 1 reads 6..9, each 2x2 block average: only the top-left block is inside.
  const Tensor3 g = retina(ones, 1.0f, 1.0f, spec);
  check_scale(g, 0, {1, 0, 0, 0});
  check_scale(g, 1, {1, 0, 0, 0});
  // Far away (and absurdly far away) everything is zero.
  for (float l : {3.0f, -40.0f, 1e30f}) {
    const Tensor3 z = retina(ones, l, 0.0f, spec);
    for (float v : z) BOOST_TEST(v == 0.0f);
  }
  BOOST_CHECK_THROW(retina(ones, std::nanf(""), 0.0f, spec), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(batched_equals_single) {
  Rng rng(3);
  const std::size_t b = 5, w = 30;
  const RetinaSpec spec{6, 3};
  const Array canvases = rng.uniform_array({b, w, w}, 0.0f, 1.0f);
  const Array locations = rng.uniform_array({b, 2}, -1.2f, 1.2f);
  const std::vector<std::uint8_t> active{1, 1, 0, 1, 1};
  Array out;
  retina_batch(canvases, locations, spec, out, active.data());
  BOOST_TEST((out.shape() == Shape{b, 3, 6, 6}));
  std::vector<float> one(3 * 6 * 6);
  for (std::size_t i = 0; i < b; ++i) {
    retina_read(canvases.data() + i * w * w, w, w, locations(i, 0), locations(i, 1), spec, one.data());
    for (std::size_t j = 0; j < one.size(); ++j) {
      BOOST_TEST(out.data()[i * one.size() + j] == (active[i] ? one[j] : 0.0f));
    }
  }
}

BOOST_AUTO_TEST_CASE(patch_grid_and_thumbnail) {
  const Tensor2 canvas = ramp8();
  const PatchGrid grid = PatchGrid::for_canvas(8, 2);  // 2x2 patches of 4x4
  BOOST_TEST(grid.p == 4u);
  BOOST_TEST(grid.regions() == 4u);
  // Region 3 = row 1, col 1: the bottom-right 4x4, starting at pixel (4, 4) = 36.
  const Tensor2 p = read_patch(canvas, grid, 3);
  BOOST_TEST(p(0, 0) == 36.0f);
  BOOST_TEST(p(3, 3) == 63.0f);
  BOOST_TEST(p(1, 2) == 46.0f);  // (5, 6)
  // Its centre is pixel 6 on both axes: l = 2 * 6 / 8 - 1 = 0.5.
  BOOST_TEST(patch_centre(grid, 3).first == 0.5f);
  BOOST_TEST(patch_centre(grid, 1).first == -0.5f);
  BOOST_CHECK_THROW(PatchGrid::for_canvas(8, 3), std::invalid_argument);
  BOOST_CHECK_THROW(read_patch(canvas, grid, 4), std::out_of_range);

  // Thumbnail by 4: each value averages a 4x4 block: top-left (0+1+2+3) * 4 / 16 + 8 * (0+1+2+3) / 16 = 13.5.
  const Tensor2 t = thumbnail(canvas, 4);
  BOOST_TEST((t.shape() == std::array<std::size_t, 2>{2, 2}));
  BOOST_TEST(t(0, 0) == 13.5f);
  BOOST_TEST(t(1, 1) == 13.5f + 36.0f);  // shifted by 4 rows (32) and 4 cols (4)
  BOOST_CHECK_THROW(thumbnail(canvas, 3), std::invalid_argument);
}
