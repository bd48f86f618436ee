// TurnReader (attention/turn_reader.hpp): gradients of every parameter through encode -> update ->
// predict (and summary) against finite differences; the pointer's semantics by hand (one mentioning turn
// takes all the mass whatever the parameters, two split it as the hand-computed alpha); out-of-vocabulary
// values are pointed at like known ones; nothing read means uniform over each slot's own values; pad-only
// turns are finite; shapes, parameter names, bad input and FLOPs. That it learns: test_turn_reader_learns.cpp.
#define BOOST_TEST_MODULE turn_reader
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "attention/turn_reader.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_leaves;
using saccade::testing::gradcheck_relative;

namespace {

// The tiny reader: vocab 8, 3 tokens a turn, 4 turn positions, dim 4, 2 heads, slots of 2 and 3 values
// (G = 5: slot 0 owns g 0-1, codes 1-2; slot 1 owns g 2-4, codes 3-5; Vmax = 3).
constexpr std::size_t L = 3;
TurnReader tiny_reader(std::uint64_t seed, std::size_t dim = 4) {
  Rng rng(seed);
  return TurnReader({.vocab_size = 8, .turn_tokens = L, .regions = 4, .dim = dim, .heads = 2, .slot_values = {2, 3}},
                    rng);
}

struct TurnSpec {
  int speaker;
  std::vector<float> ids, codes;  // L each
};

RegionBatch turns(const std::vector<TurnSpec>& specs, std::vector<int> region) {
  const std::size_t l = specs.empty() ? 0 : specs[0].ids.size();
  RegionBatch r;
  r.content = Array::from_shape({specs.size(), 1 + 2 * l});
  for (std::size_t i = 0; i < specs.size(); ++i) {
    r.content(i, 0) = static_cast<float>(specs[i].speaker);
    for (std::size_t j = 0; j < l; ++j) {
      r.content(i, 1 + j) = specs[i].ids[j];
      r.content(i, 1 + l + j) = specs[i].codes[j];
    }
  }
  r.region = std::move(region);
  return r;
}

bool all_finite(const Array& a) {
  return std::all_of(a.begin(), a.end(), [](float v) { return std::isfinite(v); });
}

Array probabilities(const Var& logits) {
  NoGrad ng;
  return softmax(logits).value();
}

// alpha_t of slot s over the turns in `kept` (indices into h [T, D]), by hand from the parameters:
// score_t = sum_d q'_d h_t,d / sqrt(D) with q' = q_s W_k^T.
std::vector<double> alpha_by_hand(const TurnReader& r, std::size_t s, const Array& h, const std::vector<std::size_t>& kept) {
  const Array& q = r.slot_query().value();
  const Array& w = r.slot_key().weight().value();  // [D, D], k = h W
  const std::size_t D = r.options().dim;
  std::vector<double> score;
  for (std::size_t t : kept) {
    double z = 0.0;
    for (std::size_t d = 0; d < D; ++d) {
      double k = 0.0;
      for (std::size_t e = 0; e < D; ++e) k += static_cast<double>(h(t, e)) * w(e, d);
      z += q(s, d) * k;
    }
    score.push_back(z / std::sqrt(static_cast<double>(D)));
  }
  const double top = *std::max_element(score.begin(), score.end());
  double total = 0.0;
  for (double& z : score) total += (z = std::exp(z - top));
  for (double& z : score) z /= total;
  return score;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parameters_in_order) {
  TurnReader r = tiny_reader(0);
  std::vector<std::string> prefixes;
  for (const auto& [name, v] : r.named_parameters()) {
    const std::string p = name.substr(0, name.find('.'));
    if (prefixes.empty() || prefixes.back() != p) prefixes.push_back(p);
  }
  const std::vector<std::string> expected = {"token",   "kind",         "token_position", "turn_pool", "speaker",
                                             "position", "summary_pool", "slot_query",     "slot_key"};
  BOOST_TEST(prefixes == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradients_through_encode_update_predict_and_summary) {
  TurnReader reader = tiny_reader(1);
  // Step 1: examples 0 and 2 (the scatter path); example 2's turn carries an <unk> value and a second
  // slot's value. Step 2: all three out of order, example 1's turn pad-only. Step 3: example 1 alone.
  // Slot 0 of example 0 and slot 1 of example 2 have two mentioning turns each (alpha is not trivial);
  // slot 0 of example 1 has none (uniform).
  const RegionBatch r1 = turns({{0, {2, 5, 0}, {0, 1, 0}}, {1, {3, 1, 6}, {0, 4, 2}}}, {1, 0});
  const RegionBatch r2 = turns({{0, {0, 0, 0}, {0, 0, 0}}, {1, {4, 7, 3}, {0, 3, 2}}, {0, {6, 2, 0}, {5, 0, 0}}},
                               {3, 2, 3});
  const RegionBatch r3 = turns({{1, {5, 2, 7}, {3, 0, 0}}}, {2});
  const std::vector<int> labels = {1, 0, 0, 0, 1, 2};  // row b * S + s
  Rng wr(5);
  const Var summary_weight(wr.uniform_array({3, 4}, -1.0f, 1.0f));
  auto run = [&] {
    Memory m = reader.init(3);
    m = reader.update(m, reader.encode(r1), {0, 2});
    m = reader.update(m, reader.encode(r2), {1, 0, 2});
    m = reader.update(m, reader.encode(r3), {1});
    // predict does not use the summary pooling; the summary term reaches it.
    return cross_entropy(reader.predict(m), labels) + sum(reader.summary(m) * summary_weight);
  };
  const std::size_t n = gradcheck_leaves("turn", run, reader.named_parameters(), {.eps = 3e-4f, .atol = 3e-3f});
  BOOST_TEST(n == reader.num_parameters());
  // And by relative error per tensor (< 1e-2, ||numeric|| >= 0.1: gradcheck.hpp).
  // The key biases' gradients are 0 (softmax's shift invariance).
  // The summary term weighted x4 here: the summary pooling's query gradient is ~5e-3 otherwise.
  auto heavier_summary = [&] {
    Memory m = reader.init(3);
    m = reader.update(m, reader.encode(r1), {0, 2});
    m = reader.update(m, reader.encode(r2), {1, 0, 2});
    m = reader.update(m, reader.encode(r3), {1});
    return cross_entropy(reader.predict(m), labels) + sum(reader.summary(m) * summary_weight) * 4.0f;
  };
  const double worst = gradcheck_relative("turn", heavier_summary, reader.named_parameters(), {.eps = {1e-3f, 3e-3f, 1e-2f}},
                                          {"turn_pool.attention.k_proj.bias", "summary_pool.attention.k_proj.bias"});
  BOOST_TEST_MESSAGE("turn: largest relative error " << worst);
  // Not vacuous: every parameter tensor gets some gradient...
  for (const auto& [name, p] : reader.named_parameters()) {
    BOOST_TEST(xt::amax(xt::abs(p.grad()))() > 0.0f, name << " has no gradient");
  }
  // ...except the pad embedding, which nothing sees.
  BOOST_TEST(xt::amax(xt::abs(xt::view(reader.named_parameters()[0].second.grad(), 0)))() == 0.0f);
}

BOOST_AUTO_TEST_CASE(one_mentioning_turn_takes_all_the_mass_whatever_the_parameters) {
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    TurnReader reader = tiny_reader(seed, 8);
    // Any parameters: later seeds blow them up, so the attention is far from uniform.
    for (const auto& [name, p] : reader.named_parameters()) Var(p).value() *= static_cast<float>(1 + 2 * seed);
    NoGrad ng;
    // Turn 0 mentions slot 0's value 1 (code 2); turns 1 and 2 mention only slot 1's values, or nothing.
    const RegionBatch r = turns({{0, {3, 6, 0}, {0, 2, 0}}, {1, {4, 5, 2}, {3, 0, 5}}, {0, {7, 0, 0}, {0, 0, 0}}},
                                {0, 1, 3});
    Memory m = reader.init(1);
    for (std::size_t t = 0; t < 3; ++t) {
      RegionBatch one;
      one.content = xt::view(r.content, xt::range(t, t + 1), xt::all());
      one.region = {r.region[t]};
      m = reader.update(m, reader.encode(one), {0});
    }
    const Array p = probabilities(reader.predict(m));
    // (1 + eps) / (1 + 2 eps): all but eps of the mass.
    BOOST_TEST(p(0, 1) > 1.0f - 2.0f * TurnReader::kEps, "seed " << seed);
    // Slot 1: turn 1 mentions values 0 and 2 (g 2 and 4), so they share its weight 1.
    BOOST_TEST(std::abs(p(1, 0) - p(1, 2)) < 1e-6f);
    BOOST_TEST(p(1, 0) + p(1, 2) > 1.0f - 3.0f * TurnReader::kEps);
    // Turns that mention no value of a slot get exactly zero weight for it.
    const Array& alpha = reader.last_slot_weights();  // [1, S, T]
    BOOST_TEST(alpha(0, 0, 0) == 1.0f);
    BOOST_TEST(alpha(0, 0, 1) == 0.0f);
    BOOST_TEST(alpha(0, 0, 2) == 0.0f);
    BOOST_TEST(alpha(0, 1, 1) == 1.0f);
  }
}

BOOST_AUTO_TEST_CASE(two_mentioning_turns_split_the_mass_as_alpha) {
  TurnReader reader = tiny_reader(7, 8);
  NoGrad ng;
  // Turns 0 and 2 mention slot 1's values 0 and 2 (codes 3 and 5); turn 1 mentions only slot 0.
  const RegionBatch r = turns({{0, {3, 6, 2}, {0, 3, 0}}, {1, {4, 5, 0}, {0, 1, 0}}, {1, {7, 2, 6}, {0, 0, 5}}},
                              {0, 2, 3});
  const Var e = reader.encode(r);
  Memory full = reader.init(1);
  for (std::size_t t = 0; t < 3; ++t) full = reader.update(full, slice(e, 0, t, t + 1), {0});
  const Array p = probabilities(reader.predict(full));
  const Array h = xt::view(e.value(), xt::all(), xt::range(0, 8));
  const std::vector<double> a = alpha_by_hand(reader, 1, h, {0, 2});
  const double z = 1.0 + 3.0 * TurnReader::kEps;  // sum over slot 1's values of P + eps
  BOOST_TEST(std::abs(p(1, 0) - (a[0] + TurnReader::kEps) / z) < 1e-5);
  BOOST_TEST(std::abs(p(1, 2) - (a[1] + TurnReader::kEps) / z) < 1e-5);
  BOOST_TEST(std::abs(p(1, 1) - TurnReader::kEps / z) < 1e-6);
  BOOST_TEST((a[0] > 0.05 && a[1] > 0.05), "the split is not trivial: " << a[0] << ", " << a[1]);
  const Array& alpha = reader.last_slot_weights();
  BOOST_TEST(std::abs(alpha(0, 1, 0) - a[0]) < 1e-5);
  BOOST_TEST(alpha(0, 1, 1) == 0.0f);
  // Slot 0: only turn 1 mentions it.
  BOOST_TEST(p(0, 0) > 1.0f - 2.0f * TurnReader::kEps);
}

BOOST_AUTO_TEST_CASE(attention_weights_average_the_pointing_slots_alpha) {
  TurnReader reader = tiny_reader(7, 8);
  // As above: slot 1 splits a[0], a[1] over turns 0 and 2, slot 0 puts 1 on turn 1; a second example
  // reads turns 0 and 1 only (step 3 masked), and its turn 1 (all padding) mentions nothing.
  const RegionBatch r = turns({{0, {3, 6, 2}, {0, 3, 0}}, {1, {4, 5, 0}, {0, 1, 0}}, {1, {7, 2, 6}, {0, 0, 5}}},
                              {0, 2, 3});
  const RegionBatch pad = turns({{0, {0, 0, 0}, {0, 0, 0}}}, {1});
  Memory m = reader.init(2);
  Var e;
  {
    NoGrad ng;
    e = reader.encode(r);
    m = reader.update(m, concat({slice(e, 0, 0, 1), slice(e, 0, 0, 1)}, 0), {0, 1});
    m = reader.update(m, concat({slice(e, 0, 1, 2), reader.encode(pad)}, 0), {0, 1});
    m = reader.update(m, slice(e, 0, 2, 3), {0});
  }
  const Array w = reader.attention_weights(m);  // [2, 3]
  const Array h = xt::view(e.value(), xt::all(), xt::range(0, 8));
  const std::vector<double> a = alpha_by_hand(reader, 1, h, {0, 2});
  BOOST_TEST(std::abs(w(0, 0) - a[0] / 2) < 1e-5);
  BOOST_TEST(std::abs(w(0, 1) - 0.5) < 1e-6);
  BOOST_TEST(std::abs(w(0, 2) - a[1] / 2) < 1e-5);
  // Example 1: only slot 1 points (at turn 0, the one mentioning turn); the unread step gets 0.
  BOOST_TEST(w(1, 0) == 1.0f);
  BOOST_TEST(w(1, 1) == 0.0f);
  BOOST_TEST(w(1, 2) == 0.0f);
}

BOOST_AUTO_TEST_CASE(out_of_vocabulary_values_are_pointed_at_like_known_ones) {
  TurnReader reader = tiny_reader(8, 8);
  NoGrad ng;
  auto predict = [&](const RegionBatch& r) {
    Memory m = reader.init(1);
    const Var e = reader.encode(r);
    for (std::size_t t = 0; t < r.region.size(); ++t) m = reader.update(m, slice(e, 0, t, t + 1), {0});
    return reader.predict(m).value();  // logits
  };
  // Alone, a value that arrives as <unk> (id 1) gets the same probability as one with its own token,
  // though the two turns embed differently.
  const Array known = probabilities(Var(predict(turns({{0, {3, 6, 0}, {0, 4, 0}}}, {1}))));
  const Array oov = probabilities(Var(predict(turns({{0, {3, 1, 0}, {0, 4, 0}}}, {1}))));
  BOOST_TEST(std::abs(oov(1, 1) - known(1, 1)) < 1e-7f);
  BOOST_TEST(oov(1, 1) > 1.0f - 3.0f * TurnReader::kEps);
  // Next to a known value: the <unk> turn's mass is its alpha, and relabelling it with another value
  // of the same slot moves that mass (the logits) to the new value bit for bit: pointing never looks at
  // which value a turn mentions, only at whether it mentions one of the slot's.
  const RegionBatch two = turns({{0, {3, 6, 0}, {0, 3, 0}}, {1, {1, 2, 0}, {4, 0, 0}}}, {1, 2});
  RegionBatch relabelled = two;
  relabelled.content(1, 1 + L) = 5;  // value 1 -> value 2 of slot 1
  const Array before = predict(two), after = predict(relabelled);
  const Array p = probabilities(Var(before));
  BOOST_TEST(after(1, 2) == before(1, 1));
  BOOST_TEST(after(1, 1) == before(1, 2));
  BOOST_TEST(after(1, 0) == before(1, 0));
  const Array h = xt::view(reader.encode(two).value(), xt::all(), xt::range(0, 8));
  const std::vector<double> a = alpha_by_hand(reader, 1, h, {0, 1});
  BOOST_TEST(std::abs(p(1, 1) - (a[1] + TurnReader::kEps) / (1.0 + 3.0 * TurnReader::kEps)) < 1e-5);
}

BOOST_AUTO_TEST_CASE(nothing_read_is_uniform_over_each_slots_own_values) {
  TurnReader reader = tiny_reader(9);
  const auto check_uniform = [](const Array& logits, std::size_t row, std::size_t values, const char* what) {
    BOOST_TEST(all_finite(logits), what);
    const Array p = probabilities(Var(logits));
    for (std::size_t v = 0; v < 3; ++v) {
      if (v < values) {
        BOOST_TEST(std::abs(p(row, v) - 1.0f / values) < 1e-6f, what << " row " << row << " value " << v);
        BOOST_TEST(logits(row, v) == std::log(TurnReader::kEps), what);
      } else {
        BOOST_TEST(p(row, v) < 1e-8f, what << " padded column");
        BOOST_TEST(logits(row, v) == TurnReader::kPadLogit, what);
      }
    }
  };
  {
    NoGrad ng;
    const Array logits = reader.predict(reader.init(2)).value();
    for (std::size_t b = 0; b < 2; ++b) {
      check_uniform(logits, 2 * b, 2, "empty memory");
      check_uniform(logits, 2 * b + 1, 3, "empty memory");
    }
  }
  // Example 0 never reads; example 1 reads a turn mentioning slot 1 only: slot 0 stays uniform. Its
  // gradients are finite, and the constant rows give none.
  Tape::current().clear();
  reader.zero_grad();
  const Memory m = reader.update(reader.init(2), reader.encode(turns({{1, {2, 6, 0}, {0, 3, 0}}}, {3})), {1});
  const Var logits = reader.predict(m);
  check_uniform(logits.value(), 0, 2, "unread example");
  check_uniform(logits.value(), 1, 3, "unread example");
  check_uniform(logits.value(), 2, 2, "slot never mentioned");
  backward(cross_entropy(logits, {1, 2, 0, 0}));
  for (const auto& [name, p] : reader.named_parameters()) BOOST_TEST(all_finite(p.grad()), name);
}

BOOST_AUTO_TEST_CASE(pad_only_turns_are_finite) {
  TurnReader reader = tiny_reader(10);
  NoGrad ng;
  const Array e = reader.encode(turns({{1, {0, 0, 0}, {0, 0, 0}}, {0, {0, 0, 0}, {0, 0, 0}}}, {2, 0})).value();
  BOOST_TEST(all_finite(e));
  // Pooling nothing gives the turn pooling's output bias; then the speaker and position.
  const Array bias = reader.turn_pooling().attention().out_proj().bias().value();
  const auto& params = reader.named_parameters();
  Array speaker, position;
  for (const auto& [name, v] : params) {
    if (name == "speaker.weight") speaker = v.value();
    if (name == "position.weight") position = v.value();
  }
  const Array h0 = bias + xt::view(speaker, 1) + xt::view(position, 2);
  BOOST_TEST(xt::amax(xt::abs(xt::view(e, 0, xt::range(0, 4)) - h0))() < 1e-6f);
  BOOST_TEST(xt::amax(xt::abs(xt::view(e, xt::all(), xt::range(4, 9))))() == 0.0f);  // no mentions
}

BOOST_AUTO_TEST_CASE(shapes) {
  TurnReader reader = tiny_reader(11);
  NoGrad ng;
  BOOST_TEST(reader.candidates() == 5u);
  BOOST_TEST(reader.max_values() == 3u);
  BOOST_TEST(reader.summary_size() == 4u);
  BOOST_TEST(reader.slot_of(1) == 0u);
  BOOST_TEST(reader.slot_of(2) == 1u);
  const Var e = reader.encode(turns({{0, {2, 6, 0}, {0, 1, 0}}, {1, {3, 3, 3}, {0, 0, 5}}}, {0, 3}));
  BOOST_TEST(e.shape() == Shape({2, 9}), boost::test_tools::per_element());
  Memory m = reader.update(reader.init(3), e, {2, 0});
  m = reader.update(m, slice(e, 0, 0, 1), {1});
  BOOST_TEST(stacked(m.items).shape() == Shape({3, 2, 9}), boost::test_tools::per_element());
  BOOST_TEST(reader.summary(m).shape() == Shape({3, 4}), boost::test_tools::per_element());
  BOOST_TEST(reader.summary(reader.init(3)).shape() == Shape({3, 4}), boost::test_tools::per_element());
  BOOST_TEST(reader.predict(m).shape() == Shape({6, 3}), boost::test_tools::per_element());
  BOOST_TEST(all_finite(reader.summary(m).value()));
}

BOOST_AUTO_TEST_CASE(bad_input_is_named) {
  TurnReader reader = tiny_reader(12);
  NoGrad ng;
  const TurnSpec good{0, {2, 6, 0}, {0, 1, 0}};
  BOOST_CHECK_NO_THROW(reader.encode(turns({good}, {0})));
  for (auto bad : {TurnSpec{2, {2, 6, 0}, {0, 1, 0}}, TurnSpec{0, {8, 6, 0}, {0, 1, 0}},
                   TurnSpec{0, {2, 6.5f, 0}, {0, 1, 0}}, TurnSpec{0, {2, 6, 0}, {0, 6, 0}},
                   TurnSpec{0, {2, 6, 0}, {0, 1, 3}}}) {
    BOOST_CHECK_THROW(reader.encode(turns({bad}, {0})), std::invalid_argument);
  }
  BOOST_CHECK_THROW(reader.encode(turns({good}, {4})), std::invalid_argument);
  BOOST_CHECK_THROW(reader.encode(turns({good}, {})), std::invalid_argument);
  Rng rng(0);
  BOOST_CHECK_THROW(TurnReader({.vocab_size = 8, .dim = 4, .heads = 2, .slot_values = {}}, rng), std::invalid_argument);
  BOOST_CHECK_THROW(TurnReader({.vocab_size = 8, .dim = 4, .heads = 2, .slot_values = {2, 0}}, rng),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(flops_against_a_hand_count) {
  TurnReader r = tiny_reader(13);
  // L = 3, D = 4, S = 2, G = 5. Encoding one turn, multiply-adds:
  //   turn pooling: k, v projections of 3 tokens    2 * 3 * 16 = 96
  //                 query and output projections    2 * 16     = 32
  //                 scores 3x4, weighted sum 3x4    2 * 12     = 24
  //   summary pooling: k, v projections of h        2 * 16     = 32
  //                                                             184 = 368 FLOPs
  BOOST_TEST(r.flops_encode() == 368.0);
  BOOST_TEST(r.flops_update(2) == 0.0);
  // Prediction over T turns: slot queries through W_k 2 * 16, scores 2 T 4, pointer sum 2 T 5.
  BOOST_TEST(r.flops_predict(0) == 2.0 * 32.0);
  BOOST_TEST(r.flops_predict(3) == 2.0 * (32.0 + 24.0 + 30.0));
}
