// Checkpoints and the .npz files under them: bitwise round trips (model + Adam state), errors that name
// the file and the key, atomic writes, and numpy interoperability. The `numpy_interop` cases are driven
// by tests/py/test_npz.py, which runs them through this binary with file paths in the environment.
#define BOOST_TEST_MODULE checkpoint
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/checkpoint.hpp"
#include "core/layers.hpp"
#include "core/npz.hpp"
#include "core/npz_array.hpp"
#include "core/ops.hpp"

using namespace saccade;
namespace fs = std::filesystem;

namespace {

// A model with every kind of layer, so every parameter shape goes through the file.
struct Net : Module {
  Embedding emb;
  GRUCell gru;
  LayerNorm norm;
  Linear head;
  Net(Rng& rng) : emb(7, 4, rng), gru(4, 5, rng), norm(5), head(5, 3, rng) {
    register_module("emb", emb);
    register_module("gru", gru);
    register_module("norm", norm);
    register_module("head", head);
  }
  Var forward(const std::vector<int>& ids) const {
    const Var x = emb(ids);
    const Var h = gru(x, Var(xt::zeros<float>({ids.size(), std::size_t{5}})));
    return head(norm(h));
  }
};

void train_steps(const Net& net, Optimizer& opt, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    backward(cross_entropy(net.forward({1, 2, 3, 6}), {0, 2, 1, 1}));
    opt.step();
  }
}

bool bitwise_equal(const Array& a, const Array& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A fresh directory per test case, removed afterwards.
struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("saccade-ckpt-" + std::to_string(::getpid()) + "-" +
                                       boost::unit_test::framework::current_test_case().p_name.get());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

// An exception predicate: the message mentions every one of `parts`.
auto mentions(std::vector<std::string> parts) {
  return [parts](const std::runtime_error& e) {
    const std::string what = e.what();
    for (const auto& p : parts) {
      if (what.find(p) == std::string::npos) {
        BOOST_TEST_MESSAGE("message '" << what << "' lacks '" << p << "'");
        return false;
      }
    }
    return true;
  };
}

std::string build_dir() {
  const char* b = std::getenv("SACCADE_BUILD");
  return b && *b ? b : "build";
}

// arange(n) * scale, shaped.
Array ramp(const Shape& shape, float scale) {
  Array a = Array::from_shape(shape);
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(i) * scale;
  return a;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(round_trip, TempDir)

BOOST_AUTO_TEST_CASE(model_and_adam_state_bitwise) {
  Rng rng(1);
  Net net(rng);
  Adam opt(net.named_parameters(), {.lr = 0.01, .weight_decay = 0.01, .decoupled_weight_decay = true});
  train_steps(net, opt, 3);
  const std::string file = path("ckpt.npz");
  save_checkpoint(file, net, &opt, {{"epoch", 4.0}, {"best_accuracy", 0.8125}});
  BOOST_TEST(!fs::exists(file + ".tmp-" + std::to_string(::getpid())));  // the temporary was renamed

  Rng other(2);
  Net restored(other);
  Adam restored_opt(restored.named_parameters(), {.lr = 0.01, .weight_decay = 0.01, .decoupled_weight_decay = true});
  const auto extra = load_checkpoint(file, restored, &restored_opt);
  BOOST_TEST(extra.size() == 2u);
  BOOST_TEST(extra.at("epoch") == 4.0);
  BOOST_TEST(extra.at("best_accuracy") == 0.8125);

  const auto& a = net.named_parameters();
  const auto& b = restored.named_parameters();
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(bitwise_equal(a[i].second.value(), b[i].second.value()), a[i].first);
  }
  const auto sa = opt.named_state();
  const auto sb = restored_opt.named_state();
  BOOST_TEST_REQUIRE(sa.size() == sb.size());
  BOOST_TEST(sa.size() == 2 * a.size() + 1);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    BOOST_TEST(sa[i].name == sb[i].name);
    if (sa[i].buffer) BOOST_TEST(bitwise_equal(*sa[i].buffer, *sb[i].buffer), sa[i].name);
    else BOOST_TEST(*sa[i].counter == *sb[i].counter, sa[i].name);
  }
  BOOST_TEST(restored_opt.steps() == 3);

  // Training on from both gives the same numbers: the restored state is the whole state.
  train_steps(net, opt, 2);
  train_steps(restored, restored_opt, 2);
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(bitwise_equal(a[i].second.value(), b[i].second.value()), a[i].first << " after resuming");
  }
}

BOOST_AUTO_TEST_CASE(model_only) {
  Rng rng(3);
  MLP mlp({4, 8, 2}, rng);
  save_checkpoint(path("m.npz"), mlp);
  Rng other(4);
  MLP restored({4, 8, 2}, other);
  BOOST_TEST(load_checkpoint(path("m.npz"), restored).empty());
  for (std::size_t i = 0; i < mlp.named_parameters().size(); ++i) {
    BOOST_TEST(bitwise_equal(mlp.named_parameters()[i].second.value(), restored.named_parameters()[i].second.value()));
  }
  // A checkpoint with optimizer state loads into a model alone: the state is just not wanted.
  SGD sgd(mlp.named_parameters(), {.lr = 0.1, .momentum = 0.9});
  save_checkpoint(path("with_sgd.npz"), mlp, &sgd);
  BOOST_CHECK_NO_THROW(load_checkpoint(path("with_sgd.npz"), restored));
}

// A run saved mid-way keeps its random streams and snapshots as "state/" arrays: a stream restored from
// its words draws exactly what the original draws next, cached second normal included.
BOOST_AUTO_TEST_CASE(state_arrays_and_random_streams) {
  Rng rng(5);
  MLP mlp({3, 2}, rng);
  Rng stream = Rng::stream(9, "policy-adaptive");
  stream.permutation(10);
  stream.normal();  // leaves the second normal of the pair cached
  const Rng::State words = stream.state();
  std::vector<std::int64_t> packed(words.begin(), words.end());
  save_checkpoint(path("s.npz"), mlp, nullptr, {{"epoch", 2.0}},
                  {{"rng.policy", NpyArray::int64({packed.size()}, packed.data())}, {"best/w", to_npy(ramp({2, 3}, 0.5f))}});

  Rng other(6);
  MLP restored({3, 2}, other);
  std::map<std::string, NpyArray> state;
  const auto extra = load_checkpoint(path("s.npz"), restored, nullptr, &state);
  BOOST_TEST(extra.at("epoch") == 2.0);
  BOOST_TEST_REQUIRE(state.size() == 2u);
  BOOST_TEST(bitwise_equal(to_array(state.at("best/w")), ramp({2, 3}, 0.5f)));
  const std::vector<std::int64_t> read = state.at("rng.policy").to_int64();
  Rng::State back{};
  BOOST_TEST_REQUIRE(read.size() == back.size());
  for (std::size_t i = 0; i < back.size(); ++i) back[i] = static_cast<std::uint64_t>(read[i]);
  Rng resumed = Rng::from_state(back);
  for (int i = 0; i < 5; ++i) BOOST_TEST(resumed.normal() == stream.normal());  // the cached one first
  BOOST_TEST(resumed.next_u64() == stream.next_u64());
  BOOST_TEST(resumed.fork("x").next_u64() == stream.fork("x").next_u64());  // the seed came along
  // A loader that does not ask for the state still loads the model.
  BOOST_CHECK_NO_THROW(load_checkpoint(path("s.npz"), restored));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(errors, TempDir)

BOOST_AUTO_TEST_CASE(shape_mismatch_names_file_and_key) {
  Rng rng(5);
  MLP small({3, 4, 2}, rng);
  const std::string file = path("small.npz");
  save_checkpoint(file, small);
  MLP wider({3, 6, 2}, rng);
  const Array before = wider.named_parameters()[0].second.value();
  BOOST_CHECK_EXCEPTION(load_checkpoint(file, wider), std::runtime_error,
                        mentions({file, "'param/layers.0.weight'", "[3, 4]", "[3, 6]"}));
  // Nothing was assigned, not even the parameters that did match.
  BOOST_TEST(bitwise_equal(wider.named_parameters()[0].second.value(), before));
}

BOOST_AUTO_TEST_CASE(missing_and_unexpected_keys) {
  Rng rng(6);
  MLP two({3, 4, 2}, rng);
  Module plus = two;  // the same parameters and one more
  plus.register_parameter("extra", Array{1.0f});
  save_checkpoint(path("two.npz"), two);
  save_checkpoint(path("plus.npz"), plus);
  BOOST_CHECK_EXCEPTION(load_checkpoint(path("two.npz"), plus), std::runtime_error,
                        mentions({"two.npz", "missing key 'param/extra'"}));
  BOOST_CHECK_EXCEPTION(load_checkpoint(path("plus.npz"), two), std::runtime_error,
                        mentions({"plus.npz", "unexpected key 'param/extra'"}));
  // Asked for the optimizer's state, but the file has none.
  Adam adam(two.named_parameters());
  BOOST_CHECK_EXCEPTION(load_checkpoint(path("two.npz"), two, &adam), std::runtime_error,
                        mentions({"missing key 'optim/layers.0.weight.exp_avg'"}));
  // A different optimizer's state.
  SGD sgd(two.named_parameters(), {.lr = 0.1, .momentum = 0.5});
  save_checkpoint(path("sgd.npz"), two, &sgd);
  BOOST_CHECK_EXCEPTION(load_checkpoint(path("sgd.npz"), two, &adam), std::runtime_error,
                        mentions({"sgd.npz", "'optim/layers.0.weight.exp_avg'"}));
  BOOST_CHECK_EXCEPTION(load_checkpoint(path("absent.npz"), two), std::runtime_error, mentions({"absent.npz"}));
}

BOOST_AUTO_TEST_CASE(corrupt_files_name_the_entry) {
  const std::string file = path("c.npz");
  write_npz(file, {{"a", to_npy(ramp({4}, 1.0f))}, {"b", to_npy(ramp({2, 3}, 0.5f))}});
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Flip one byte of b's data: the CRC no longer matches.
  const std::size_t pos = bytes.rfind("b.npy");  // the central directory's copy of the name
  const std::size_t data_pos = bytes.find("b.npy") + 5 + 128 + 4;  // past the local name and the npy header
  BOOST_TEST_REQUIRE(pos != std::string::npos);
  bytes[data_pos] ^= 0x40;
  {
    std::ofstream out(path("flipped.npz"), std::ios::binary);
    out << bytes;
  }
  BOOST_CHECK_EXCEPTION(read_npz(path("flipped.npz")), std::runtime_error,
                        mentions({"flipped.npz", "entry 'b.npy'", "CRC"}));
  {
    std::ofstream out(path("truncated.npz"), std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  BOOST_CHECK_EXCEPTION(read_npz(path("truncated.npz")), std::runtime_error, mentions({"truncated.npz"}));
  // An entry count of 0xffff in the end record means the real one is in a zip64 record.
  std::string zip64 = bytes;
  zip64[zip64.size() - 22 + 10] = zip64[zip64.size() - 22 + 11] = '\xff';
  {
    std::ofstream out(path("zip64.npz"), std::ios::binary);
    out << zip64;
  }
  BOOST_CHECK_EXCEPTION(read_npz(path("zip64.npz")), std::runtime_error, mentions({"zip64.npz", "zip64"}));
  BOOST_CHECK_EXCEPTION(write_npz(path("no/such/dir/x.npz"), {{"a", to_npy(ramp({1}, 1.0f))}}), std::runtime_error,
                        mentions({"no/such/dir/x.npz"}));
  BOOST_CHECK_EXCEPTION(write_npz(path("dup.npz"), {{"a", to_npy(ramp({1}, 1.0f))}, {"a", to_npy(ramp({1}, 1.0f))}}),
                        std::runtime_error, mentions({"dup.npz", "'a'"}));
  BOOST_TEST(!fs::exists(path("dup.npz")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(npz, TempDir)

BOOST_AUTO_TEST_CASE(dtypes_shapes_and_overwrite) {
  const std::int64_t ints[] = {-3, 0, 1LL << 40};
  const float two_and_a_half = 2.5f;
  const std::string file = path("t.npz");
  write_npz(file, {{"matrix", to_npy(ramp({2, 3}, 0.25f))},
                   {"scalar", NpyArray::float32({}, &two_and_a_half)},
                   {"ints", NpyArray::int64({3}, ints)},
                   {"empty", to_npy(Array::from_shape({0, 4}))},
                   {"f64", NpyArray::scalar_float64(0.1)}});
  auto m = read_npz(file);
  BOOST_TEST(m.size() == 5u);
  BOOST_TEST(bitwise_equal(to_array(m.at("matrix")), ramp({2, 3}, 0.25f)));
  BOOST_TEST(m.at("scalar").shape.empty());
  BOOST_TEST(m.at("scalar").to_float32()[0] == 2.5f);
  BOOST_TEST((m.at("ints").dtype == DType::int64));
  BOOST_TEST((m.at("ints").to_int64() == std::vector<std::int64_t>{-3, 0, 1LL << 40}));
  BOOST_TEST((m.at("empty").shape == std::vector<std::size_t>{0, 4}));
  BOOST_TEST(m.at("f64").to_float64()[0] == 0.1);
  BOOST_CHECK_THROW(m.at("matrix").to_int64(), std::invalid_argument);
  // Overwriting replaces the whole file.
  write_npz(file, {{"only", to_npy(ramp({1}, 1.0f))}});
  BOOST_TEST(read_npz(file).size() == 1u);
}

BOOST_AUTO_TEST_CASE(npy_header_is_numpy_s) {
  const std::string h = npy_header(DType::float32, {3, 4});
  BOOST_TEST(h.size() % 64 == 0u);
  BOOST_TEST(h.substr(10) .find("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }") == 0u);
  BOOST_TEST(npy_header(DType::int64, {5}).find("'shape': (5,)") != std::string::npos);
  BOOST_TEST(npy_header(DType::float64, {}).find("'shape': ()") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- driven by tests/py/test_npz.py ----

BOOST_AUTO_TEST_SUITE(numpy_interop)

// A Linear(3, 2) with weight arange(6).reshape(3, 2) / 4 and bias [-1, 0.5], after one Adam step
// (lr 0.01) on all-ones gradients, with extras epoch = 3 and loss = 0.25. numpy checks it.
BOOST_AUTO_TEST_CASE(write_for_numpy) {
  const char* env = std::getenv("SACCADE_NPZ_OUT");
  const std::string file = env && *env ? env : build_dir() + "/test-artifacts/checkpoint.npz";
  fs::create_directories(fs::path(file).parent_path());
  Rng rng(9);
  Linear fc(3, 2, rng);
  fc.weight().node()->value = ramp({3, 2}, 0.25f);
  fc.bias().node()->value = Array{-1.0f, 0.5f};
  Adam opt(fc.named_parameters(), {.lr = 0.01});
  backward(sum(fc.weight()) + sum(fc.bias()));  // all-ones gradients
  opt.step();
  save_checkpoint(file, fc, &opt, {{"epoch", 3.0}, {"loss", 0.25}});
  BOOST_TEST_MESSAGE("wrote " << file);
}

// Reads what numpy wrote (np.savez or np.savez_compressed): a checkpoint of the same Linear(3, 2) with
// weight arange(6).reshape(3, 2) / 4 as float32, bias [-1, 0.5] as float64, Adam moments 0.1 / 0.001,
// step 7 (int64), extras epoch = 3 (float64), count = 42 (int32), flag = True (bool).
BOOST_AUTO_TEST_CASE(read_from_numpy) {
  const char* env = std::getenv("SACCADE_NPZ_FROM_NUMPY");
  const std::string file = env && *env ? env : build_dir() + "/test-artifacts/from_numpy.npz";
  if (!(env && *env) && !fs::exists(file)) {
    BOOST_TEST_MESSAGE("no " << file << " yet (tests/py/test_npz.py writes it): nothing to check");
    return;
  }
  const auto raw = read_npz(file);
  BOOST_TEST((raw.at("param/weight").dtype == DType::float32));
  BOOST_TEST((raw.at("param/bias").dtype == DType::float64));
  BOOST_TEST((raw.at("optim/step").dtype == DType::int64));
  BOOST_TEST((raw.at("extra/count").dtype == DType::int32));
  BOOST_TEST((raw.at("extra/flag").dtype == DType::bool8));

  Rng rng(10);
  Linear fc(3, 2, rng);
  Adam opt(fc.named_parameters(), {.lr = 0.01});
  const auto extra = load_checkpoint(file, fc, &opt);
  BOOST_TEST(bitwise_equal(fc.weight().value(), ramp({3, 2}, 0.25f)));
  BOOST_TEST(fc.bias().value()(0) == -1.0f);
  BOOST_TEST(fc.bias().value()(1) == 0.5f);
  BOOST_TEST(opt.steps() == 7);
  for (const auto& e : opt.named_state()) {
    if (!e.buffer) continue;
    const float want = e.name.find("exp_avg_sq") != std::string::npos ? 0.001f : 0.1f;
    for (float v : *e.buffer) BOOST_TEST(v == want, e.name);
  }
  BOOST_TEST(extra.at("epoch") == 3.0);
  BOOST_TEST(extra.at("count") == 42.0);
  BOOST_TEST(extra.at("flag") == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
