// Layers: output shapes, PyTorch's initialisation bounds, a GRU cell against numpy, and every layer's
// gradient (parameters and input) against finite differences.
#define BOOST_TEST_MODULE layers
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/layers.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_leaves;
using saccade::testing::with_inputs;

namespace {

Var input(Rng& rng, const Shape& shape) { return Var(rng.normal_array(shape, 0.0f, 1.0f), /*requires_grad=*/true); }

float max_abs(const Array& a) {
  float m = 0.0f;
  for (float v : a) m = std::max(m, std::abs(v));
  return m;
}

// (arange(n) + offset) * scale, the values the numpy reference below uses.
Array ramp(const Shape& shape, float offset, float scale) {
  Array a = Array::from_shape(shape);
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = (static_cast<float>(i) + offset) * scale;
  return a;
}

}  // namespace

// Forward passes here are not differentiated: NoGrad keeps them off the tape.
struct NoGradFixture {
  NoGrad guard;
};

BOOST_FIXTURE_TEST_SUITE(shapes_and_init, NoGradFixture)

BOOST_AUTO_TEST_CASE(linear) {
  Rng rng(1);
  Linear fc(3, 5, rng);
  BOOST_TEST(fc.named_parameters().size() == 2u);
  BOOST_TEST(fc.named_parameters()[0].first == "weight");
  BOOST_TEST(fc.named_parameters()[1].first == "bias");
  BOOST_TEST((fc.weight().shape() == Shape{3, 5}));
  BOOST_TEST((fc.bias().shape() == Shape{5}));
  BOOST_TEST(fc.num_parameters() == 20u);
  const float bound = 1.0f / std::sqrt(3.0f);
  BOOST_TEST(max_abs(fc.weight().value()) <= bound);
  BOOST_TEST(max_abs(fc.bias().value()) <= bound);
  BOOST_TEST(max_abs(fc.weight().value()) > 0.5f * bound);  // actually spread over the range

  BOOST_TEST((fc(Var(xt::zeros<float>({4, 3}))).shape() == Shape{4, 5}));
  BOOST_TEST((fc(Var(xt::zeros<float>({2, 4, 3}))).shape() == Shape{2, 4, 5}));
  BOOST_TEST((fc(Var(xt::zeros<float>({3}))).shape() == Shape{5}));
  BOOST_CHECK_THROW(fc(Var(xt::zeros<float>({4, 2}))), std::invalid_argument);

  Linear no_bias(3, 5, rng, /*bias=*/false);
  BOOST_TEST(no_bias.named_parameters().size() == 1u);
  BOOST_TEST(!no_bias.bias().defined());
}

BOOST_AUTO_TEST_CASE(linear_is_x_times_w_plus_b) {
  Rng rng(2);
  Linear fc(2, 3, rng);
  fc.weight().node()->value = Array{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}};
  fc.bias().node()->value = Array{0.5f, -0.5f, 1.f};
  const Var y = fc(Var(Array{{1.f, -1.f}}));
  const std::vector<float> want = {1 - 4 + 0.5f, 2 - 5 - 0.5f, 3 - 6 + 1.f};
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(y.value().data()[i] == want[i]);
}

BOOST_AUTO_TEST_CASE(embedding) {
  Rng rng(3);
  Embedding emb(10, 4, rng);
  BOOST_TEST((emb.weight().shape() == Shape{10, 4}));
  const Var e = emb({3, 3, 9});
  BOOST_TEST((e.shape() == Shape{3, 4}));
  for (std::size_t j = 0; j < 4; ++j) {
    BOOST_TEST(e.value()(0, j) == emb.weight().value()(3, j));
    BOOST_TEST(e.value()(2, j) == emb.weight().value()(9, j));
  }
  BOOST_CHECK_THROW(emb({10}), std::out_of_range);
  BOOST_CHECK_THROW(emb({-1}), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(mlp) {
  Rng rng(4);
  MLP mlp({64, 128, 10}, rng);
  const auto& named = mlp.named_parameters();
  BOOST_TEST_REQUIRE(named.size() == 4u);
  BOOST_TEST(named[0].first == "layers.0.weight");
  BOOST_TEST(named[1].first == "layers.0.bias");
  BOOST_TEST(named[2].first == "layers.1.weight");
  BOOST_TEST(named[3].first == "layers.1.bias");
  BOOST_TEST(mlp.num_parameters() == 64u * 128 + 128 + 128 * 10 + 10);
  BOOST_TEST((mlp(Var(xt::zeros<float>({7, 64}))).shape() == Shape{7, 10}));
  // The parent's Vars are the children's: one node, two names.
  BOOST_TEST(named[0].second.node() == mlp.layers()[0].weight().node());
  BOOST_CHECK_THROW(MLP({5}, rng), std::invalid_argument);
  BOOST_TEST((activation_from_string("tanh") == Activation::tanh));
  BOOST_CHECK_THROW(activation_from_string("gelu"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(module_moves_keep_parameters_shared) {
  Rng rng(5);
  MLP a({3, 4, 2}, rng);
  const Node* w0 = a.named_parameters()[0].second.node();
  MLP b = std::move(a);
  BOOST_TEST(b.named_parameters()[0].second.node() == w0);
  BOOST_TEST(b.layers()[0].weight().node() == w0);
  Module parent;
  BOOST_CHECK_THROW(parent.register_parameter("", Array{1.f}), std::invalid_argument);
  parent.register_parameter("x", Array{1.f});
  BOOST_CHECK_THROW(parent.register_parameter("x", Array{1.f}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(layer_norm) {
  Rng rng(6);
  LayerNorm ln(8);
  BOOST_TEST(ln.num_parameters() == 16u);
  const Var y = ln(Var(rng.normal_array({3, 8}, 2.0f, 3.0f)));
  BOOST_TEST_REQUIRE((y.shape() == Shape{3, 8}));
  for (std::size_t i = 0; i < 3; ++i) {
    double mean = 0, sq = 0;
    for (std::size_t j = 0; j < 8; ++j) mean += y.value()(i, j) / 8.0;
    for (std::size_t j = 0; j < 8; ++j) sq += std::pow(y.value()(i, j) - mean, 2) / 8.0;
    BOOST_TEST(std::abs(mean) < 1e-5);
    BOOST_TEST(std::abs(sq - 1.0) < 1e-3);
  }
}

BOOST_AUTO_TEST_CASE(gru_cell_shapes_and_init) {
  Rng rng(7);
  GRUCell gru(3, 4, rng);
  BOOST_TEST((gru.weight_ih().shape() == Shape{3, 12}));
  BOOST_TEST((gru.weight_hh().shape() == Shape{4, 12}));
  BOOST_TEST((gru.bias_ih().shape() == Shape{12}));
  BOOST_TEST((gru.bias_hh().shape() == Shape{12}));
  for (const auto& [name, p] : gru.named_parameters()) BOOST_TEST(max_abs(p.value()) <= 0.5f, name);  // 1/sqrt(4)
  BOOST_TEST((gru(Var(xt::zeros<float>({2, 3})), Var(xt::zeros<float>({2, 4}))).shape() == Shape{2, 4}));
  BOOST_CHECK_THROW(gru(Var(xt::zeros<float>({2, 3})), Var(xt::zeros<float>({1, 4}))), std::invalid_argument);
}

// Reference from numpy with PyTorch's GRUCell equations and layout (weight_ih = our weight_ih.T):
//   Wih = ((arange(12) - 6) / 10).reshape(2, 6); Whh = ((arange(12) - 5) / 20).reshape(2, 6)
//   bih = (arange(6) - 3) / 10;                   bhh = 0.2 - arange(6) / 10
//   gi = x @ Wih + bih; gh = h @ Whh + bhh; r = sig(gi[:, :2] + gh[:, :2]); z = sig(gi[:, 2:4] + gh[:, 2:4])
//   n = tanh(gi[:, 4:] + r * gh[:, 4:]); h' = (1 - z) * n + z * h
BOOST_AUTO_TEST_CASE(gru_cell_matches_numpy) {
  Rng rng(8);
  GRUCell gru(2, 2, rng);
  gru.weight_ih().node()->value = ramp({2, 6}, -6.0f, 0.1f);
  gru.weight_hh().node()->value = ramp({2, 6}, -5.0f, 0.05f);
  gru.bias_ih().node()->value = ramp({6}, -3.0f, 0.1f);
  gru.bias_hh().node()->value = ramp({6}, -2.0f, -0.1f);  // 0.2 - i/10
  const Var x(Array{{0.5f, -1.0f}, {1.5f, 0.25f}});
  const Var h(Array{{0.3f, -0.2f}, {-0.4f, 0.1f}});
  const Var out = gru(x, h);
  const std::vector<double> want = {-0.188186079, -0.361872757, -0.236152879, 0.092333401};
  for (std::size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST(std::abs(out.value().data()[i] - want[i]) < 1e-6, "element " << i << ": " << out.value().data()[i]);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(gradients)

BOOST_AUTO_TEST_CASE(linear) {
  Rng rng(11);
  Linear fc(4, 3, rng);
  const Var x = input(rng, {5, 4});
  gradcheck_leaves("linear", [&] { return fc(x); }, with_inputs(fc, {{"x", x}}));
  const Var x3 = input(rng, {2, 3, 4});
  gradcheck_leaves("linear 3d", [&] { return fc(x3); }, with_inputs(fc, {{"x", x3}}));
  const Var x1 = input(rng, {4});
  gradcheck_leaves("linear vector", [&] { return fc(x1); }, with_inputs(fc, {{"x", x1}}));
}

BOOST_AUTO_TEST_CASE(embedding) {
  Rng rng(12);
  Embedding emb(6, 3, rng);
  // Repeated ids: their rows' gradients add up.
  gradcheck_leaves("embedding", [&] { return emb({1, 4, 1, 0}); }, emb.named_parameters());
}

BOOST_AUTO_TEST_CASE(mlp) {
  Rng rng(13);
  for (Activation act : {Activation::tanh, Activation::relu}) {
    MLP mlp({4, 6, 5, 3}, rng, act);
    const Var x = input(rng, {3, 4});
    gradcheck_leaves(act == Activation::tanh ? "mlp tanh" : "mlp relu", [&] { return mlp(x); },
                     with_inputs(mlp, {{"x", x}}));
  }
}

BOOST_AUTO_TEST_CASE(layer_norm) {
  Rng rng(14);
  LayerNorm ln(5);
  // Move gamma and beta away from 1 and 0 so their gradients are not a special case.
  ln.gamma().node()->value = rng.uniform_array({5}, 0.5f, 1.5f);
  ln.beta().node()->value = rng.normal_array({5}, 0.0f, 1.0f);
  const Var x = input(rng, {3, 5});
  gradcheck_leaves("layer_norm", [&] { return ln(x); }, with_inputs(ln, {{"x", x}}));
}

BOOST_AUTO_TEST_CASE(gru_cell) {
  Rng rng(15);
  GRUCell gru(3, 4, rng);
  const Var x = input(rng, {2, 3});
  const Var h = input(rng, {2, 4});
  gradcheck_leaves("gru_cell", [&] { return gru(x, h); }, with_inputs(gru, {{"x", x}, {"h", h}}));
  // Two steps: the second step's gradient flows back through the first.
  const Var x2 = input(rng, {2, 3});
  gradcheck_leaves("gru_cell unrolled", [&] { return gru(x2, gru(x, h)); }, with_inputs(gru, {{"x", x}, {"h", h}}));
}

BOOST_AUTO_TEST_SUITE_END()

// Sparse rows: a bag of (feature, weight) pairs is the dense row it stands for, in value and gradient.
BOOST_AUTO_TEST_SUITE(bags)

// Two rows over 5 features, K = 3 slots: row 0 has feature 2 twice (weights add) and an empty slot;
// row 1 has features 4, 0 and 1.
Array bag_array() { return Array({{2, 3, 2, 0.5f, -1.0f, 0.25f}, {4, 0, 1, 1.5f, 2.0f, -0.5f}}); }
Array dense_of_bag() { return Array({{0, 0, 0.75f, -1.0f, 0}, {2.0f, -0.5f, 0, 0, 1.5f}}); }

BOOST_AUTO_TEST_CASE(bag_rows_split_ids_and_weights) {
  const BagRows b = bag_rows(bag_array(), 5);
  BOOST_TEST((b.index == std::vector<int>{2, 3, 2, 4, 0, 1}));
  BOOST_TEST((b.weight == Array({{0.5f, -1.0f, 0.25f}, {1.5f, 2.0f, -0.5f}})));
  BOOST_CHECK_THROW(bag_rows(bag_array(), 4), std::invalid_argument);  // feature 4 of 4
  BOOST_CHECK_THROW(bag_rows(Array({{0.5f, 1.0f}}), 4), std::invalid_argument);  // not an integer id
  BOOST_CHECK_THROW(bag_rows(Array({{1, 2, 3}}), 4), std::invalid_argument);  // odd width
}

BOOST_AUTO_TEST_CASE(linear_and_mlp_on_a_bag_equal_them_on_the_dense_rows) {
  Rng rng(21);
  MLP mlp({5, 4, 2}, rng);
  const BagRows bag = bag_rows(bag_array(), 5);
  const Var mix(rng.normal_array({2, 2}, 0.0f, 1.0f));  // a loss that weighs every output
  Var sparse = sum(mlp(bag) * mix);
  backward(sparse);
  std::vector<Array> sparse_grads;
  for (const auto& [name, p] : mlp.named_parameters()) sparse_grads.push_back(p.grad());
  mlp.zero_grad();
  Var dense = sum(mlp(Var(dense_of_bag())) * mix);
  backward(dense);
  BOOST_TEST(std::abs(sparse.item() - dense.item()) < 1e-5f);
  std::size_t i = 0;
  for (const auto& [name, p] : mlp.named_parameters()) {
    BOOST_TEST(max_abs(p.grad() - sparse_grads[i++]) < 1e-5f, name);
    BOOST_TEST(max_abs(p.grad()) > 0.0f, name);
  }
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
  Rng rng(22);
  Linear fc(5, 3, rng);
  const BagRows bag = bag_rows(bag_array(), 5);
  gradcheck_leaves("linear on a bag", [&] { return fc(bag); }, fc.named_parameters());
}

BOOST_AUTO_TEST_SUITE_END()
