// PreviewReader (attention/preview_reader.hpp) learns labels its previews carry, on each kind of preview:
// a thumbnail whose bright quadrant is the class, bags one of whose regions holds the class's feature
// among noise features, and rows per region answering two slots at once. Chance is 1/4, 1/4 and 1/6;
// a reader that did not learn, or learned from the wrong inputs, stays near it, far below the bounds.
#define BOOST_TEST_MODULE preview_reader_learns
#include <boost/test/unit_test.hpp>

#include <functional>

#include <xtensor/xbuilder.hpp>

#include "agents/episode.hpp"
#include "attention/preview_reader.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"

using namespace saccade;

namespace {

struct Data {
  Array previews;           // [n, preview...]
  std::vector<int> labels;  // [n * slots]
};
using Make = std::function<Data(Rng&, std::size_t)>;

// Trains `reader` for 300 batches of 32 from `make`, then returns the share of 512 fresh examples whose
// every slot is right (agents/episode.hpp's correct_per_example, as the runner scores).
double train_and_score(PreviewReader& reader, const Make& make, std::size_t slots) {
  auto forward = [&](const Data& d) {
    RegionBatch r;
    r.content = d.previews;
    const std::size_t n = d.previews.shape()[0];
    std::vector<int> rows(n);
    for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<int>(i);
    r.region.assign(n, 0);
    return reader.predict(reader.update(reader.init(n), reader.encode(r), rows));
  };
  Adam adam(reader.named_parameters(), {.lr = 3e-3});
  Rng data(21);
  for (int step = 0; step < 300; ++step) {
    const Data d = make(data, 32);
    adam.zero_grad();
    backward(cross_entropy(forward(d), d.labels));
    adam.step();
  }
  Rng test(22);
  const Data d = make(test, 512);
  NoGrad ng;
  double correct = 0.0;
  for (float c : correct_per_example(forward(d), d.labels, slots)) correct += c;
  return correct / 512.0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(thumbnails_whose_bright_quadrant_is_the_class) {
  // [6, 6] thumbnails of noise in [0, 0.5); the class's 3 x 3 quadrant gets +0.5.
  const Make make = [](Rng& rng, std::size_t n) {
    Data d{rng.uniform_array({n, 6, 6}, 0.0f, 0.5f), {}};
    for (std::size_t b = 0; b < n; ++b) {
      const auto c = static_cast<int>(rng.randint(4));
      d.labels.push_back(c);
      for (std::size_t y = 0; y < 3; ++y)
        for (std::size_t x = 0; x < 3; ++x) d.previews(b, 3 * (c / 2) + y, 3 * (c % 2) + x) += 0.5f;
    }
    return d;
  };
  Rng init(1);
  PreviewReader reader({.preview_size = 36, .hidden = 32, .num_classes = 4}, init);
  const double accuracy = train_and_score(reader, make, 1);
  BOOST_TEST_MESSAGE("thumbnails: test accuracy " << accuracy << " (chance 0.25)");
  BOOST_TEST(accuracy >= 0.9);
}

BOOST_AUTO_TEST_CASE(bags_one_of_whose_regions_holds_the_class_feature) {
  // 4 regions of 3 (feature, weight) pairs over 20 features: noise features 0..15 with weights in
  // [0.1, 1); one random region's first pair is (16 + class, 0.5).
  constexpr std::size_t R = 4, K = 3;
  const Make make = [](Rng& rng, std::size_t n) {
    Data d{Array::from_shape({n, R, 2 * K}), {}};
    for (std::size_t b = 0; b < n; ++b) {
      for (std::size_t r = 0; r < R; ++r) {
        for (std::size_t k = 0; k < K; ++k) {
          d.previews(b, r, k) = static_cast<float>(rng.randint(16));
          d.previews(b, r, K + k) = static_cast<float>(rng.uniform(0.1, 1.0));
        }
      }
      const auto c = static_cast<int>(rng.randint(4));
      const std::size_t at = rng.randint(R);
      d.previews(b, at, 0) = static_cast<float>(16 + c);
      d.previews(b, at, K) = 0.5f;
      d.labels.push_back(c);
    }
    return d;
  };
  Rng init(2);
  PreviewReader reader({.preview_size = R * 2 * K, .bag_features = 20, .regions = R, .hidden = 32, .num_classes = 4}, init);
  const double accuracy = train_and_score(reader, make, 1);
  BOOST_TEST_MESSAGE("bags: test accuracy " << accuracy << " (chance 0.25)");
  BOOST_TEST(accuracy >= 0.9);
}

BOOST_AUTO_TEST_CASE(rows_answering_two_slots) {
  // [5, 4] rows of noise in [0, 0.3); slot 0 (3 values): row 1's feature v is set to 1; slot 1 (2
  // values): row 3's feature 3 is 1 for value 1. An example is right when both slots are.
  const Make make = [](Rng& rng, std::size_t n) {
    Data d{rng.uniform_array({n, 5, 4}, 0.0f, 0.3f), {}};
    for (std::size_t b = 0; b < n; ++b) {
      const auto v0 = static_cast<int>(rng.randint(3)), v1 = static_cast<int>(rng.randint(2));
      d.previews(b, 1, static_cast<std::size_t>(v0)) = 1.0f;
      if (v1 == 1) d.previews(b, 3, 3) = 1.0f;
      d.labels.insert(d.labels.end(), {v0, v1});
    }
    return d;
  };
  Rng init(3);
  PreviewReader reader({.preview_size = 20, .hidden = 32, .slot_values = {3, 2}}, init);
  const double accuracy = train_and_score(reader, make, 2);
  BOOST_TEST_MESSAGE("two slots: test accuracy (both right) " << accuracy << " (chance 1/6)");
  BOOST_TEST(accuracy >= 0.9);
}
