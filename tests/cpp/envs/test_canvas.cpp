// Canvases: the item lands whole inside; clutter is what the placement says it is (count, size,
// other items, max-combined); a canvas depends only on (seed, example); and splits are disjoint,
// cover the data and are the sizes the header promises.
#define BOOST_TEST_MODULE canvas
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "envs/image/canvas.hpp"

using namespace saccade;

namespace {

// n items of side x side with values in (0, 1]: every pixel is non-zero, so "where the item is"
// is visible on a zero canvas.
ImageDataset synthetic(std::size_t n, std::size_t side, std::uint64_t seed = 0) {
  Rng rng(seed);
  ImageDataset d;
  d.name = "synthetic";
  d.images = Tensor3::from_shape({n, side, side});
  for (auto& v : d.images) v = static_cast<float>(rng.uniform(0.05, 1.0));
  for (std::size_t i = 0; i < n; ++i) d.labels.push_back(static_cast<int>(i % 10));
  d.num_classes = 10;
  return d;
}

bool same(const Tensor2& a, const Tensor2& b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

BOOST_AUTO_TEST_CASE(plain_and_translated_items_are_whole) {
  const ImageDataset d = synthetic(6, 28);
  Rng rng(1);
  const Canvas plain = render_canvas(d, 2, CanvasSpec::plain(), rng);
  BOOST_TEST((plain.image.shape() == std::array<std::size_t, 2>{28, 28}));
  BOOST_TEST(std::equal(plain.image.begin(), plain.image.end(), d.item(2)));

  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Rng r = canvas_rng(seed, 4);
    const Canvas c = render_canvas(d, 4, CanvasSpec::translated(60), r);
    const auto [row, col] = std::pair{c.placement.row, c.placement.col};
    BOOST_TEST_REQUIRE(row + 28 <= 60u);
    BOOST_TEST_REQUIRE(col + 28 <= 60u);
    // The item is there pixel for pixel, and nothing else is on the canvas.
    double inside = 0.0, total = 0.0;
    for (std::size_t r2 = 0; r2 < 60; ++r2) {
      for (std::size_t c2 = 0; c2 < 60; ++c2) {
        total += c.image(r2, c2);
        if (r2 >= row && r2 < row + 28 && c2 >= col && c2 < col + 28) {
          BOOST_TEST_REQUIRE(c.image(r2, c2) == d.item(4)[(r2 - row) * 28 + (c2 - col)]);
          inside += c.image(r2, c2);
        }
      }
    }
    BOOST_TEST_REQUIRE(total == inside);
  }
}

BOOST_AUTO_TEST_CASE(clutter_matches_its_placement) {
  const ImageDataset d = synthetic(10, 28);
  const CanvasSpec spec = CanvasSpec::cluttered(60, 4, 8);
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng = canvas_rng(seed, 3);
    const Canvas c = render_canvas(d, 3, spec, rng);
    BOOST_TEST_REQUIRE(c.placement.clutter.size() == 4u);
    // Rebuild the canvas from the placement: item pasted, then each 8x8 piece combined with max.
    Tensor2 want = Tensor2::from_shape({60, 60});
    std::fill(want.begin(), want.end(), 0.0f);
    for (std::size_t r = 0; r < 28; ++r) {
      for (std::size_t k = 0; k < 28; ++k) want(c.placement.row + r, c.placement.col + k) = d.item(3)[r * 28 + k];
    }
    for (const ClutterPiece& p : c.placement.clutter) {
      BOOST_TEST_REQUIRE(p.item != 3u);  // clutter comes from other items
      BOOST_TEST_REQUIRE(p.src_row + 8 <= 28u);
      BOOST_TEST_REQUIRE(p.row + 8 <= 60u);
      for (std::size_t r = 0; r < 8; ++r) {
        for (std::size_t k = 0; k < 8; ++k) {
          float& v = want(p.row + r, p.col + k);
          v = std::max(v, d.item(p.item)[(p.src_row + r) * 28 + p.src_col + k]);
        }
      }
    }
    BOOST_TEST_REQUIRE(same(c.image, want));
  }
  // 100x100 with 8 pieces, RAM's other setting.
  Rng rng = canvas_rng(0, 0);
  BOOST_TEST(render_canvas(d, 0, CanvasSpec::cluttered(100, 8, 8), rng).placement.clutter.size() == 8u);
}

BOOST_AUTO_TEST_CASE(canvas_depends_on_seed_and_example_only) {
  const ImageDataset d = synthetic(10, 28);
  const CanvasSpec spec = CanvasSpec::cluttered();
  const auto draw = [&](std::uint64_t seed, std::size_t ex) {
    Rng r = canvas_rng(seed, ex);
    return render_canvas(d, ex, spec, r).image;
  };
  BOOST_TEST(same(draw(7, 5), draw(7, 5)));
  BOOST_TEST(!same(draw(7, 5), draw(8, 5)));
  BOOST_TEST(!same(draw(7, 5), draw(7, 6)));
}

BOOST_AUTO_TEST_CASE(specs_that_do_not_fit_are_refused) {
  const ImageDataset d = synthetic(3, 28);
  BOOST_CHECK_THROW(canvas_side(CanvasSpec::translated(20), d), std::invalid_argument);
  BOOST_CHECK_THROW(canvas_side(CanvasSpec::cluttered(60, 4, 30), d), std::invalid_argument);
  BOOST_CHECK_THROW(canvas_side(CanvasSpec::cluttered(60, 4, 8), synthetic(1, 28)), std::invalid_argument);
  BOOST_TEST(canvas_side(CanvasSpec::from_config(0, 0, 8), d) == 28u);  // env.canvas unset: plain
  BOOST_TEST((CanvasSpec::from_config(60, 0, 8).kind == CanvasKind::translated));
  BOOST_TEST((CanvasSpec::from_config(60, 4, 8).kind == CanvasKind::cluttered));
}

BOOST_AUTO_TEST_CASE(splits_are_disjoint_and_seeded) {
  // Digits (python3-sklearn): one file, so test = N/5 by permutation, validation = 10% of the rest.
  const ImageSplits s = load_image_splits("digits", 11);
  const std::size_t n = 1797, nt = n / 5, nv = (n - nt) / 10;
  BOOST_TEST(s.test.size() == nt);
  BOOST_TEST(s.validation.size() == nv);
  BOOST_TEST(s.train.size() == n - nt - nv);
  BOOST_TEST(s.train.height() == 8u);
  std::set<std::size_t> all;
  for (const ImageDataset* part : {&s.train, &s.validation, &s.test}) {
    all.insert(part->source_index.begin(), part->source_index.end());
    BOOST_TEST(std::is_sorted(part->source_index.begin(), part->source_index.end()));
  }
  BOOST_TEST(all.size() == n);  // disjoint and covering
  BOOST_TEST(load_image_split("digits", Split::validation, 11).source_index == s.validation.source_index);
  BOOST_TEST(load_image_split("digits", Split::validation, 12).source_index != s.validation.source_index);
}
