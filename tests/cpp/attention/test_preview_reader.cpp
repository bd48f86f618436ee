// PreviewReader (attention/preview_reader.hpp): gradients of the cross-entropy by relative error per
// parameter tensor against finite differences, on dense previews with two answer slots and on bag
// previews (a partial rows list included); the bag path equal to embedding each region's dense row and
// averaging; several slots' logits as [B * S, Vmax] rows padded past each slot's own values; nothing read
// predicts the output bias; FLOPs against a hand count; bad options and bag ids named.
#define BOOST_TEST_MODULE preview_reader
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "attention/preview_reader.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_leaves;
using saccade::testing::gradcheck_relative;

namespace {

constexpr std::size_t B = 3, H = 6;

// n examples' bag previews [n, R, 2K]: K random feature ids in [0, features), then K weights in [0.2, 1].
Array bags(Rng& rng, std::size_t n, std::size_t R, std::size_t K, std::size_t features) {
  Array a = Array::from_shape({n, R, 2 * K});
  for (std::size_t i = 0; i < n * R; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      a.data()[i * 2 * K + k] = static_cast<float>(rng.randint(features));
      a.data()[i * 2 * K + K + k] = static_cast<float>(rng.uniform(0.2, 1.0));
    }
  }
  return a;
}

RegionBatch batch_of(Array content) {
  RegionBatch r;
  r.content = std::move(content);
  r.region.assign(r.content.shape()[0], 0);
  return r;
}

std::vector<int> all_rows(std::size_t n) {
  std::vector<int> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<int>(i);
  return rows;
}

const Var& parameter(const Module& m, const std::string& name) {
  for (const auto& [n, p] : m.named_parameters())
    if (n == name) return p;
  throw std::logic_error("no parameter " + name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(parameters_in_order) {
  Rng init(1);
  PreviewReader r({.preview_size = 12, .hidden = H, .num_classes = 3}, init);
  std::vector<std::string> names;
  for (const auto& [n, p] : r.named_parameters()) names.push_back(n);
  BOOST_TEST(names == (std::vector<std::string>{"first.weight", "first.bias", "second.weight", "second.bias", "out.weight",
                                                 "out.bias"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(relative_error_per_tensor_dense_with_two_slots) {
  // [3, 4] previews (rows per region), slots of 3 and 2 values; examples 2 and 0 read (compaction),
  // then example 1 alone: every example's memory is one preview, reached through gather and scatter.
  // Initialised so that no hidden pre-activation lies within the steps (1e-3, 3e-3) of ReLU's kink,
  // where a central difference is wrong whatever the backward (from seed 2 one is: its one bias entry
  // is off at those steps and right at 3e-4, which the element-wise check below uses).
  Rng init(12), data(3);
  PreviewReader r({.preview_size = 12, .hidden = H, .slot_values = {3, 2}}, init);
  const RegionBatch first = batch_of(data.uniform_array({2, 3, 4}, 0.0f, 1.0f)), second = batch_of(data.uniform_array({1, 3, 4}, 0.0f, 1.0f));
  const std::vector<int> labels = {2, 1, 0, 0, 1, 1};  // [B * S]
  auto run = [&] {
    Memory m = r.init(B);
    m = r.update(m, r.encode(first), {2, 0});
    m = r.update(m, r.encode(second), {1});
    return cross_entropy(r.predict(m), labels) * static_cast<float>(B * 2);
  };
  const double worst = gradcheck_relative("preview dense", run, r.named_parameters());
  BOOST_TEST_MESSAGE("dense, two slots: largest relative error per tensor " << worst);
  // Element by element at a small step, from the seed with an entry near the kink too.
  Rng near_kink(2);
  PreviewReader other({.preview_size = 12, .hidden = H, .slot_values = {3, 2}}, near_kink);
  auto run_other = [&] {
    Memory m = other.init(B);
    m = other.update(m, other.encode(first), {2, 0});
    m = other.update(m, other.encode(second), {1});
    return cross_entropy(other.predict(m), labels) * static_cast<float>(B * 2);
  };
  gradcheck_leaves("preview dense, seed 2", run_other, other.named_parameters(), {.eps = 3e-4f, .atol = 3e-3f});
}

BOOST_AUTO_TEST_CASE(relative_error_per_tensor_bags) {
  Rng init(4), data(5);
  PreviewReader r({.preview_size = 2 * 2 * 2, .bag_features = 6, .regions = 2, .hidden = H, .num_classes = 3}, init);
  const RegionBatch previews = batch_of(bags(data, B, 2, 2, 6));
  const std::vector<int> labels = {1, 2, 0};
  auto run = [&] {
    const Memory m = r.update(r.init(B), r.encode(previews), all_rows(B));
    return cross_entropy(r.predict(m), labels) * static_cast<float>(B);
  };
  const double worst = gradcheck_relative("preview bags", run, r.named_parameters());
  BOOST_TEST_MESSAGE("bags: largest relative error per tensor " << worst);
}

BOOST_AUTO_TEST_CASE(a_bag_is_its_dense_row_and_regions_are_averaged) {
  // encode(bags) = relu(W2 mean_r relu(x_r W1 + b1) + b2), x_r the dense row over the features that
  // region r's bag stands for (a feature twice in one bag adds its weights).
  constexpr std::size_t R = 3, K = 2, F = 5;
  Rng init(6), data(7);
  PreviewReader r({.preview_size = R * 2 * K, .bag_features = F, .regions = R, .hidden = H, .num_classes = 2}, init);
  const Array previews = bags(data, 2, R, K, F);
  NoGrad ng;
  const Array got = r.encode(batch_of(previews)).value();
  const Array &w1 = parameter(r, "first.weight").value(), &b1 = parameter(r, "first.bias").value();
  const Array &w2 = parameter(r, "second.weight").value(), &b2 = parameter(r, "second.bias").value();
  for (std::size_t n = 0; n < 2; ++n) {
    Array pooled = xt::zeros<float>({H});
    for (std::size_t reg = 0; reg < R; ++reg) {
      Array x = xt::zeros<float>({F});
      for (std::size_t k = 0; k < K; ++k) x(static_cast<std::size_t>(previews(n, reg, k))) += previews(n, reg, K + k);
      for (std::size_t h = 0; h < H; ++h) {
        float a = b1(h);
        for (std::size_t f = 0; f < F; ++f) a += x(f) * w1(f, h);
        pooled(h) += std::max(a, 0.0f) / static_cast<float>(R);
      }
    }
    for (std::size_t h = 0; h < H; ++h) {
      float a = b2(h);
      for (std::size_t j = 0; j < H; ++j) a += pooled(j) * w2(j, h);
      BOOST_TEST(got(n, h) == std::max(a, 0.0f), boost::test_tools::tolerance(1e-5f));
    }
  }
}

BOOST_AUTO_TEST_CASE(slot_rows_are_padded_past_their_own_values) {
  // Slots of 4, 2 and 3 values: logits [B * 3, 4], row b * 3 + s holds slot s's own columns of the
  // output layer, then kPadLogit.
  Rng init(8), data(9);
  const std::vector<std::size_t> values = {4, 2, 3};
  PreviewReader r({.preview_size = 6, .hidden = H, .slot_values = values}, init);
  NoGrad ng;
  const Var e = r.encode(batch_of(data.uniform_array({B, 6}, -1.0f, 1.0f)));
  const Array logits = r.predict(r.update(r.init(B), e, all_rows(B))).value();
  BOOST_TEST_REQUIRE(logits.shape() == (std::vector<std::size_t>{B * 3, 4}), boost::test_tools::per_element());
  const Array &w = parameter(r, "out.weight").value(), &bias = parameter(r, "out.bias").value();
  for (std::size_t b = 0; b < B; ++b) {
    std::size_t offset = 0;
    for (std::size_t s = 0; s < 3; ++s) {
      for (std::size_t v = 0; v < 4; ++v) {
        if (v >= values[s]) {
          BOOST_TEST(logits(b * 3 + s, v) == PreviewReader::kPadLogit);
          continue;
        }
        float want = bias(offset + v);
        for (std::size_t h = 0; h < H; ++h) want += e.value()(b, h) * w(h, offset + v);
        BOOST_TEST(logits(b * 3 + s, v) == want, boost::test_tools::tolerance(1e-5f));
      }
      offset += values[s];
    }
  }
}

BOOST_AUTO_TEST_CASE(nothing_read_predicts_the_output_bias) {
  Rng init(10);
  PreviewReader r({.preview_size = 4, .hidden = H, .num_classes = 3}, init);
  NoGrad ng;
  const Array logits = r.predict(r.init(2)).value();
  const Array& bias = parameter(r, "out.bias").value();
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t c = 0; c < 3; ++c) BOOST_TEST(logits(b, c) == bias(c));
}

BOOST_AUTO_TEST_CASE(flops_against_a_hand_count) {
  Rng init(11);
  // Dense [15, 15] thumbnail, H 256, 10 classes: 2 (225 * 256 + 256^2) to encode, 2 * 256 * 10 to predict.
  PreviewReader thumb({.preview_size = 225, .hidden = 256, .num_classes = 10}, init);
  BOOST_TEST(thumb.flops_encode() == 2.0 * (225 * 256 + 256 * 256));
  BOOST_TEST(thumb.flops_predict(1) == 2.0 * 256 * 10);
  // Bags of 16 chunks x 12 (feature, weight) pairs over 4096 features: each chunk touches 12 rows of W1.
  PreviewReader text({.preview_size = 16 * 24, .bag_features = 4096, .regions = 16, .hidden = 256, .num_classes = 8}, init);
  BOOST_TEST(text.flops_encode() == 2.0 * (16 * 12 * 256 + 256 * 256));
  // Dialogue slots of 16, 16, 3 and 4 values: 39 outputs.
  PreviewReader turns({.preview_size = 24 * 71, .hidden = 256, .slot_values = {16, 16, 3, 4}}, init);
  BOOST_TEST(turns.flops_predict(0) == 2.0 * 256 * 39);
  BOOST_TEST(turns.flops_update(1) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_options_and_ids_are_named) {
  Rng init(12);
  BOOST_CHECK_THROW(PreviewReader({.preview_size = 0, .num_classes = 3}, init), std::invalid_argument);
  BOOST_CHECK_THROW(PreviewReader({.preview_size = 9, .bag_features = 4, .regions = 2, .num_classes = 3}, init),
                    std::invalid_argument);  // 9 floats are not 2 rows of pairs
  BOOST_CHECK_THROW(PreviewReader({.preview_size = 4, .slot_values = {3, 0}}, init), std::invalid_argument);
  PreviewReader r({.preview_size = 4, .bag_features = 4, .regions = 1, .hidden = H, .num_classes = 2}, init);
  Array previews = {{0.0f, 7.0f, 1.0f, 1.0f}};  // feature 7 of 4
  try {
    r.encode(batch_of(previews));
    BOOST_FAIL("a feature id out of range was accepted");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("feature 7") != std::string::npos, e.what());
  }
  BOOST_CHECK_THROW(r.encode(batch_of(xt::zeros<float>({std::size_t{2}, std::size_t{3}}))), std::invalid_argument);
}
