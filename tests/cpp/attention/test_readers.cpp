// The readers (RamReader with both cores, PatchReader, MlpReader) through encode -> update -> predict:
// gradients w.r.t. every parameter against finite differences, with a partial `rows` list (the
// compaction path: gather/scatter) and the full one; examples left out of `rows` keep their memory
// bit for bit; PatchReader's mask marks exactly the examples that read; the FLOP counts.
#define BOOST_TEST_MODULE readers
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "attention/mlp_reader.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "core/ops.hpp"
#include "gradcheck_module.hpp"

using namespace saccade;
using saccade::testing::gradcheck_leaves;
using saccade::testing::gradcheck_relative;

namespace {

constexpr std::size_t B = 3, C = 3;

// n regions of `content` shape, with locations and region indices (each reader uses what it needs).
RegionBatch regions(Rng& rng, std::size_t n, const Shape& content, std::size_t num_regions) {
  Shape s = {n};
  s.insert(s.end(), content.begin(), content.end());
  RegionBatch r;
  r.content = rng.uniform_array(s, 0.0f, 1.0f);
  r.location = rng.uniform_array({n, 2}, -1.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) r.region.push_back(static_cast<int>(rng.randint(num_regions)));
  return r;
}

struct Readers {
  Rng rng{11};
  std::unique_ptr<Reader> make(const std::string& kind) {
    if (kind == "ram-rnn" || kind == "ram-gru") {
      return std::make_unique<RamReader>(RamReaderOptions{8, 5, 6, C, kind == "ram-rnn" ? "rnn" : "gru"}, rng);
    }
    if (kind == "patch") return std::make_unique<PatchReader>(PatchReaderOptions{4, 4, 8, 2, C}, rng);
    return std::make_unique<MlpReader>(MlpReaderOptions{4, 6, 2, C}, rng);
  }
};
const Shape ram_content = {2, 2, 2}, flat_content = {2, 2};
const std::vector<std::string> kinds = {"ram-rnn", "ram-gru", "patch", "mlp"};

Shape content_of(const std::string& kind) { return kind.rfind("ram", 0) == 0 ? ram_content : flat_content; }

bool rows_equal(const Array& a, const Array& b, std::size_t row) {
  const std::size_t w = a.size() / a.shape()[0];
  return std::equal(a.data() + row * w, a.data() + (row + 1) * w, b.data() + row * w);
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradients_through_encode_update_predict) {
  for (const auto& kind : kinds) {
    Readers f;
    auto reader = f.make(kind);
    Rng data(3);
    // Step 1: only examples 0 and 2 read (gather/scatter); step 2: everyone; step 3: example 1 alone.
    const RegionBatch r1 = regions(data, 2, content_of(kind), 4), r2 = regions(data, B, content_of(kind), 4),
                      r3 = regions(data, 1, content_of(kind), 4);
    auto run = [&] {
      Memory m = reader->init(B);
      m = reader->update(m, reader->encode(r1), {0, 2});
      m = reader->update(m, reader->encode(r2), {0, 1, 2});
      m = reader->update(m, reader->encode(r3), {1});
      return reader->predict(m);
    };
    // A small eps: with eps 1e-3 the central difference of these tiny ReLU nets sometimes straddles a
    // kink (the mismatch shrinks to nothing as eps does, which is how that was told from a bug).
    const std::size_t n = gradcheck_leaves(kind, run, reader->named_parameters(), {.eps = 3e-4f, .atol = 3e-3f});
    BOOST_TEST(n == reader->num_parameters());
    // Not vacuous: every parameter tensor gets some gradient.
    for (const auto& [name, p] : reader->named_parameters()) {
      BOOST_TEST(xt::amax(xt::abs(p.grad()))() > 0.0f, kind << " " << name << " has no gradient");
    }
  }
}

// The same path by relative error per tensor (gradcheck.hpp: ||analytic - numeric|| / ||numeric|| <
// 1e-2, ||numeric|| >= 0.1) on the cross-entropy of the prediction, summed over the examples, with the
// partial rows of step 1 and 3. PatchReader is a SetReader, so this covers the set readers' position
// embedding, attention pooling and head.
BOOST_AUTO_TEST_CASE(relative_error_per_tensor_of_the_cross_entropy) {
  const std::vector<int> labels = {2, 0, 1};
  for (const auto& kind : kinds) {
    Readers f;
    auto reader = f.make(kind);
    Rng data(5);
    const RegionBatch r1 = regions(data, 2, content_of(kind), 4), r2 = regions(data, B, content_of(kind), 4),
                      r3 = regions(data, 1, content_of(kind), 4);
    auto run = [&] {
      Memory m = reader->init(B);
      m = reader->update(m, reader->encode(r1), {2, 0});
      m = reader->update(m, reader->encode(r2), {0, 1, 2});
      m = reader->update(m, reader->encode(r3), {1});
      return cross_entropy(reader->predict(m), labels) * static_cast<float>(B);
    };
    // Left out: tensors whose gradient here is below float32's reach (||numeric|| < 1e-3, the
    // central difference's noise): the set pooling's query and key paths (its attention over 1-3
    // items is near uniform, so the scores barely matter) and the GRU's W_hh (its state starts at 0).
    // Those are checked where they are large: test_attention's pooling and multi-head cases, and
    // GRUCell in tests/cpp/core/test_layers.cpp.
    NamedParameters leaves;
    for (const auto& [name, p] : reader->named_parameters()) {
      if (name.rfind("pool.query", 0) == 0 || name.rfind("pool.attention.q_proj", 0) == 0 ||
          name.rfind("pool.attention.k_proj", 0) == 0 || name == "core.weight_hh") {
        continue;
      }
      leaves.emplace_back(name, p);
    }
    const double worst = gradcheck_relative(kind, run, leaves);
    BOOST_TEST_MESSAGE(kind << ": largest relative error per tensor " << worst);
  }
}

BOOST_AUTO_TEST_CASE(examples_outside_rows_keep_their_memory_bitwise) {
  for (const auto& kind : kinds) {
    Readers f;
    auto reader = f.make(kind);
    Rng data(4);
    NoGrad ng;
    Memory m = reader->update(reader->init(B), reader->encode(regions(data, B, content_of(kind), 4)), {0, 1, 2});
    const Memory next = reader->update(m, reader->encode(regions(data, 1, content_of(kind), 4)), {1});
    for (std::size_t b : {0u, 2u}) {
      if (m.state.defined()) BOOST_TEST(rows_equal(m.state.value(), next.state.value(), b), kind << " state " << b);
      if (kind == "mlp") BOOST_TEST(next.mask(b, 0) == m.mask(b, 0));
      if (kind == "patch") {  // the old slot is untouched, the new one is zero and masked
        const Array old_slot = xt::view(stacked(next.keys).value(), xt::all(), xt::range(0, 1), xt::all());
        BOOST_TEST(rows_equal(stacked(m.keys).value(), Array(old_slot), b));
        BOOST_TEST(xt::amax(xt::abs(xt::view(stacked(next.keys).value(), b, 1, xt::all())))() == 0.0f);
      }
    }
    // Example 1's memory did change (the test can fail).
    if (kind == "patch") {
      BOOST_TEST(xt::amax(xt::abs(xt::view(stacked(next.keys).value(), 1, 1, xt::all())))() > 0.0f);
    } else {
      BOOST_TEST(!rows_equal(m.state.value(), next.state.value(), 1), kind);
    }
    // And the prediction of examples 0 and 2 is as before, up to rounding.
    const Array p0 = reader->predict(m).value(), p1 = reader->predict(next).value();
    for (std::size_t b : {0u, 2u}) {
      for (std::size_t c = 0; c < C; ++c) BOOST_TEST(std::abs(p0(b, c) - p1(b, c)) < 1e-5f, kind << " " << b);
    }
  }
}

BOOST_AUTO_TEST_CASE(rows_in_any_order_go_to_their_examples) {
  // Embedding row i belongs to example rows[i]: updating rows {2, 0} equals the full-batch update
  // with the embeddings placed at those examples.
  Readers f;
  auto reader = f.make("ram-gru");
  Rng data(5);
  NoGrad ng;
  const Memory m = reader->update(reader->init(B), reader->encode(regions(data, B, ram_content, 4)), {0, 1, 2});
  const Var e = reader->encode(regions(data, 2, ram_content, 4));
  const Memory partial = reader->update(m, e, {2, 0});
  const Var e_full = gather_rows(e, {1, 0, 0});  // example 0 <- row 1, example 2 <- row 0
  const Memory full = reader->update(m, e_full, {0, 1, 2});
  for (std::size_t b : {0u, 2u}) {
    for (std::size_t j = 0; j < 6; ++j) BOOST_TEST(std::abs(partial.state.value()(b, j) - full.state.value()(b, j)) < 1e-6f);
  }
}

// The same contract when `rows` names every example but not in order: each reader takes
// rows.size() == batch to mean "rows is 0..B-1" (the common case it skips gather/scatter for), so
// embedding i lands on example i instead of rows[i]. run_episode always passes ascending rows, so
// nothing in the repository hits this today; a caller that builds rows in another order would.
BOOST_AUTO_TEST_CASE(a_full_but_permuted_rows_list_goes_to_its_examples) {
  for (const auto& kind : kinds) {
    Readers f;
    auto reader = f.make(kind);
    Rng data(5);
    NoGrad ng;
    const Memory m = reader->update(reader->init(B), reader->encode(regions(data, B, content_of(kind), 4)), {0, 1, 2});
    const Var e = reader->encode(regions(data, B, content_of(kind), 4));
    const Array want = reader->predict(reader->update(m, gather_rows(e, {1, 2, 0}), {0, 1, 2})).value();
    const Array got = reader->predict(reader->update(m, e, {2, 0, 1})).value();  // e[0] -> example 2, ...
    for (std::size_t b = 0; b < B; ++b) {
      for (std::size_t c = 0; c < C; ++c) BOOST_TEST(std::abs(got(b, c) - want(b, c)) < 1e-5f, kind << " example " << b);
    }
  }
}

BOOST_AUTO_TEST_CASE(patch_mask_marks_exactly_the_rows_that_read) {
  Readers f;
  auto reader = f.make("patch");
  Rng data(6);
  NoGrad ng;
  Memory m = reader->init(B);
  BOOST_TEST(m.mask.shape()[1] == 0u);
  const std::vector<std::vector<int>> steps = {{0, 2}, {1}, {0, 1, 2}, {2}};
  for (const auto& rows : steps) m = reader->update(m, reader->encode(regions(data, rows.size(), flat_content, 4)), rows);
  const Array want = {{1, 0, 1, 0}, {0, 1, 1, 0}, {1, 0, 1, 1}};
  BOOST_TEST((m.mask.shape() == Shape{B, 4}));
  BOOST_TEST(m.mask == want);
  BOOST_TEST((stacked(m.keys).shape() == Shape{B, 4, 8}));
}

// read_steps (the batched read of a fixed or one-shot policy's regions, agents/episode.cpp) gives the
// memory that encode and update step by step give: the same mask and, up to rounding, the same
// prediction, for every reader; with steps that skip examples, and on top of a memory already read.
BOOST_AUTO_TEST_CASE(read_steps_equals_reading_step_by_step) {
  for (const auto& kind : kinds) {
    Readers f;
    auto reader = f.make(kind);
    Rng data(7);
    NoGrad ng;
    const Memory start = reader->update(reader->init(B), reader->encode(regions(data, B, content_of(kind), 4)), {0, 1, 2});
    std::vector<StepRead> steps;
    for (const std::vector<int>& rows : std::vector<std::vector<int>>{{0, 2}, {1}, {0, 1, 2}, {2}}) {
      steps.push_back({regions(data, rows.size(), content_of(kind), 4), rows});
    }
    Memory one_by_one = start;
    for (const StepRead& s : steps) one_by_one = reader->update(one_by_one, reader->encode(s.regions), s.rows);
    const Memory batched = reader->read_steps(start, steps);
    BOOST_TEST(batched.mask == one_by_one.mask, kind);
    const Array want = reader->predict(one_by_one).value(), got = reader->predict(batched).value();
    BOOST_TEST(xt::amax(xt::abs(got - want))() < 1e-5f, kind);
    BOOST_TEST(xt::amax(xt::abs(want))() > 1e-3f, kind);  // a prediction that is all zeros would prove nothing
  }
}

BOOST_AUTO_TEST_CASE(patch_reader_parameters_keep_their_names_and_order) {
  // Checkpoints are keyed by these names; PatchReader's set part moved into SetReader without changing
  // them (nor the order the Rng draws them in).
  Rng rng(2);
  PatchReader p({16, 4, 8, 2, 10}, rng);
  std::vector<std::string> names;
  for (const auto& [k, v] : p.named_parameters()) names.push_back(k);
  const std::vector<std::string> want = {
      "in1.weight", "in1.bias", "in2.weight", "in2.bias", "position.weight", "pool.query",
      "pool.attention.q_proj.weight", "pool.attention.q_proj.bias", "pool.attention.k_proj.weight",
      "pool.attention.k_proj.bias", "pool.attention.v_proj.weight", "pool.attention.v_proj.bias",
      "pool.attention.out_proj.weight", "pool.attention.out_proj.bias", "head1.weight", "head1.bias",
      "head2.weight", "head2.bias"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(flops_are_positive_and_scale_as_documented) {
  Rng rng(1);
  auto weights = [](const Reader& r, std::initializer_list<const char*> names) {
    double n = 0;
    for (const char* name : names) {
      for (const auto& [k, v] : r.named_parameters()) n += k == name ? static_cast<double>(v.size()) : 0.0;
    }
    return 2.0 * n;  // multiply-adds x 2
  };
  // RAM: encoding is the glimpse network's weights, the update the core's, the prediction the head's.
  for (std::string core : {"rnn", "gru"}) {
    RamReader r({48, 16, 32, 10, core}, rng);
    BOOST_TEST(r.flops_encode() == weights(r, {"glimpse.weight", "where.weight", "glimpse_to_e.weight", "where_to_e.weight"}));
    const double update = core == "rnn" ? weights(r, {"core_hh.weight", "core_eh.weight"})
                                        : weights(r, {"core.weight_ih", "core.weight_hh"});
    BOOST_TEST(r.flops_update(0) == update);
    BOOST_TEST(r.flops_update(7) == update);  // a recurrent state: the cost does not grow
    BOOST_TEST(r.flops_predict(3) == weights(r, {"out.weight"}));
  }
  BOOST_TEST(RamReader({48, 16, 32, 10, "gru"}, rng).flops_update(0) == 3.0 * RamReader({48, 16, 32, 10, "rnn"}, rng).flops_update(0));

  PatchReader p({16, 4, 8, 2, 10}, rng);
  const double d = 8;
  BOOST_TEST(p.flops_encode() == weights(p, {"in1.weight", "in2.weight", "pool.attention.k_proj.weight", "pool.attention.v_proj.weight"}));
  BOOST_TEST(p.flops_update(3) == 0.0);
  BOOST_TEST(p.flops_predict(0) > 0.0);
  // Linear in the items read: scores and weighted sum cost 2 * 2d per item.
  BOOST_TEST(p.flops_predict(5) - p.flops_predict(4) == 4.0 * d);
  BOOST_TEST(p.flops_predict(4) - p.flops_predict(0) == 4.0 * 4.0 * d);

  MlpReader m({16, 6, 3, 10}, rng);
  BOOST_TEST(m.flops_encode() == weights(m, {"body.layers.0.weight", "body.layers.1.weight", "body.layers.2.weight"}));
  BOOST_TEST(m.flops_predict(2) == weights(m, {"out.weight"}));
  BOOST_TEST(m.flops_encode() > 0.0);
}
