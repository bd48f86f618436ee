// IDX reading and image splits: a small file written here round-trips, gzip and plain alike; broken
// files fail with errors that name the file; the sources split deterministically; and the real
// Fashion-MNIST (Debian's dataset-fashion-mnist), when installed, has its published shapes.
#define BOOST_TEST_MODULE idx
#include <boost/test/unit_test.hpp>

#include <zlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "envs/image/dataset.hpp"
#include "envs/image/idx.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;
namespace fs = std::filesystem;

namespace {

// An IDX file's bytes: magic 0x00 0x00 0x08 ndims, big-endian sizes, then the data.
std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& data) {
  std::string s{'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (auto d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((d >> shift) & 0xFF));
  }
  s.append(data.begin(), data.end());
  return s;
}

void write_file(const fs::path& path, const std::string& bytes) {
  if (path.extension() == ".gz") {
    gzFile gz = ::gzopen(path.c_str(), "wb");
    BOOST_REQUIRE(gz);
    BOOST_REQUIRE_EQUAL(::gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    ::gzclose(gz);
  } else {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

// n images of h x w with pixel values that differ per image and position, labels i % classes.
void write_pair(const fs::path& images, const fs::path& labels, std::uint32_t n, std::uint32_t h, std::uint32_t w,
                int classes = 3) {
  std::vector<std::uint8_t> px(n * h * w), ys(n);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 7) % 256);
  for (std::uint32_t i = 0; i < n; ++i) ys[i] = static_cast<std::uint8_t>(i % classes);
  write_file(images, idx_bytes({n, h, w}, px));
  write_file(labels, idx_bytes({n}, ys));
}

// A fresh temporary directory per test case, removed afterwards.
struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("saccade_test_idx_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_CASE(round_trip_gzip_and_plain, TempDir) {
  for (const char* ext : {"", ".gz"}) {
    const fs::path images = dir / (std::string("im") + ext), labels = dir / (std::string("lb") + ext);
    write_pair(images, labels, 12, 3, 4);
    const IdxPair p = read_idx_pair(images, labels);
    BOOST_TEST(p.images.dims == (std::vector<std::size_t>{12, 3, 4}), boost::test_tools::per_element());
    BOOST_TEST(p.labels.dims == (std::vector<std::size_t>{12}), boost::test_tools::per_element());
    for (std::size_t i = 0; i < p.images.data.size(); ++i) BOOST_TEST(p.images.data[i] == (i * 7) % 256);
    for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(p.labels.data[i] == i % 3);
  }
}

BOOST_FIXTURE_TEST_CASE(broken_files_name_the_file, TempDir) {
  const fs::path bad_magic = dir / "bad-magic", truncated = dir / "truncated.gz", trailing = dir / "trailing";
  std::string bytes = idx_bytes({2, 2, 2}, std::vector<std::uint8_t>(8, 1));
  std::string magic = bytes;
  magic[0] = 0x1F;  // what a stray non-IDX file might start with
  write_file(bad_magic, magic);
  write_file(truncated, bytes.substr(0, bytes.size() - 3));
  write_file(trailing, bytes + "xx");

  std::string e = error_of([&] { read_idx(bad_magic); });
  BOOST_TEST(contains(e, bad_magic.string()));
  BOOST_TEST(contains(e, "magic"));
  e = error_of([&] { read_idx(truncated); });
  BOOST_TEST(contains(e, truncated.string()));
  BOOST_TEST(contains(e, "truncated"));
  BOOST_TEST(contains(error_of([&] { read_idx(trailing); }), "trailing"));
  e = error_of([&] { read_idx(dir / "missing"); });
  BOOST_TEST(contains(e, (dir / "missing").string()));
  BOOST_TEST(contains(e, "not found"));
  // Images rank 3, labels rank 1: swapping them is caught.
  write_pair(dir / "im", dir / "lb", 4, 2, 2);
  BOOST_TEST(contains(error_of([&] { read_idx_pair(dir / "lb", dir / "im"); }), "dimensions"));
  // Counts must agree.
  write_file(dir / "lb5", idx_bytes({5}, std::vector<std::uint8_t>(5, 0)));
  e = error_of([&] { read_idx_pair(dir / "im", dir / "lb5"); });
  BOOST_TEST(contains(e, "4 images"));
  BOOST_TEST(contains(e, "5 labels"));
}

BOOST_FIXTURE_TEST_CASE(one_pair_splits_like_digits, TempDir) {
  write_pair(dir / "im.gz", dir / "lb", 20, 4, 4);
  const std::string source = "idx:" + (dir / "im.gz").string() + "," + (dir / "lb").string();
  const ImageSplits s = load_image_splits(source, 5);
  // test = 20 / 5 = 4; validation = (20 - 4) / 10 = 1; train = the remaining 15.
  BOOST_TEST(s.train.size() == 15u);
  BOOST_TEST(s.validation.size() == 1u);
  BOOST_TEST(s.test.size() == 4u);
  BOOST_TEST(s.train.num_classes == 3u);
  BOOST_TEST(s.train.name == source + "/train");
  // Pixels are bytes / 255 of the item the split says it took.
  const std::size_t row = s.test.source_index[2];
  for (std::size_t j = 0; j < 16; ++j) {
    BOOST_TEST(s.test.item(2)[j] == static_cast<float>((row * 16 + j) * 7 % 256) / 255.0f);
  }
  BOOST_TEST(s.test.labels[2] == static_cast<int>(row % 3));
  // load_image_split gives the same split as load_image_splits.
  BOOST_TEST(load_image_split(source, "val", 5).source_index == s.validation.source_index);
}

BOOST_FIXTURE_TEST_CASE(idx_dir_reads_train_and_t10k, TempDir) {
  // Mixed compression on purpose: each file is looked up as NAME.gz, then NAME.
  write_pair(dir / "train-images-idx3-ubyte.gz", dir / "train-labels-idx1-ubyte", 30, 5, 5, 4);
  write_pair(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte.gz", 10, 5, 5, 4);
  const ImageSplits s = load_image_splits("idx-dir:" + dir.string(), 1);
  BOOST_TEST(s.train.size() == 27u);
  BOOST_TEST(s.validation.size() == 3u);  // 10% of the train file
  BOOST_TEST(s.test.size() == 10u);       // the whole test file
  BOOST_TEST(s.test.num_classes == 4u);
  // A bare directory works the same way.
  BOOST_TEST(load_image_split(dir.string(), Split::validation, 1).source_index == s.validation.source_index);

  fs::remove(dir / "t10k-images-idx3-ubyte");
  BOOST_TEST(contains(error_of([&] { load_image_split("idx-dir:" + dir.string(), Split::test, 1); }),
                      (dir / "t10k-images-idx3-ubyte").string()));
}

BOOST_AUTO_TEST_CASE(bad_sources_explain_themselves) {
  BOOST_TEST(contains(error_of([] { load_image_split("cifar", Split::train, 0); }), "idx-dir:DIR"));
  BOOST_TEST(contains(error_of([] { load_image_split("mnist", Split::train, 0); }), "idx-dir:DIR"));
  BOOST_TEST(contains(error_of([] { load_image_split("idx:a", Split::train, 0); }), "idx:IMAGES,LABELS"));
  BOOST_TEST(contains(error_of([] { load_image_split("digits:/nonexistent/digits.csv.gz", Split::train, 0); }),
                      "python3-sklearn"));
  BOOST_TEST(contains(error_of([] { parse_split("dev"); }), "validation"));
}

BOOST_AUTO_TEST_CASE(real_fashion_mnist) {
  const std::string dir = default_fashion_mnist_dir();
  if (!fs::exists(dir + "/train-images-idx3-ubyte.gz")) {
    BOOST_TEST_MESSAGE("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): skipped");
    BOOST_TEST(contains(error_of([] { load_image_split("fashion-mnist", Split::train, 0); }), "dataset-fashion-mnist"));
    return;
  }
  const IdxPair train = read_idx_pair(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
  BOOST_TEST(train.images.dims == (std::vector<std::size_t>{60000, 28, 28}), boost::test_tools::per_element());
  const ImageSplits s = load_image_splits("fashion-mnist", 0);
  BOOST_TEST(s.train.size() == 54000u);
  BOOST_TEST(s.validation.size() == 6000u);
  BOOST_TEST(s.test.size() == 10000u);
  BOOST_TEST(s.test.height() == 28u);
  BOOST_TEST(s.test.width() == 28u);
  BOOST_TEST(s.train.num_classes == 10u);
  float lo = 1.0f, hi = 0.0f;
  for (float v : s.test.images) lo = std::min(lo, v), hi = std::max(hi, v);
  BOOST_TEST(lo == 0.0f);
  BOOST_TEST(hi == 1.0f);
  std::set<int> classes(s.test.labels.begin(), s.test.labels.end());
  BOOST_TEST(classes.size() == 10u);
}
