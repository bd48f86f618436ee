// Images from NumPy arrays (envs/image/array_images.hpp): an .npz archive and a directory of .npy files
// load into the same splits (validation carved from train, or given as x_val / y_val), bytes are scaled
// by 1/255 and float32 kept as is; every bad array fails with an error naming the file and the key.
#define BOOST_TEST_MODULE array_images
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/npz.hpp"
#include "envs/image/dataset.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;
using saccade::testing::TempDir;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class T>
NpyArray array(DType dtype, std::vector<std::size_t> shape, const std::vector<T>& values) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.bytes.resize(values.size() * sizeof(T));
  std::memcpy(a.bytes.data(), values.data(), a.bytes.size());
  return a;
}

// n 2x3 images whose bytes differ per image and position; labels i % classes.
NpyArray bytes_x(std::size_t n, std::size_t h = 2, std::size_t w = 3) {
  std::vector<std::uint8_t> v(n * h * w);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>((i * 11) % 256);
  return array(DType::uint8, {n, h, w}, v);
}
NpyArray labels_y(std::size_t n, int classes = 3) {
  std::vector<std::int64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::int64_t>(i % classes);
  return array(DType::int64, {n}, v);
}

NpzEntries good_entries() {
  return {{"x_train", bytes_x(50)}, {"y_train", labels_y(50)}, {"x_test", bytes_x(10)}, {"y_test", labels_y(10)}};
}

// `entries` with `key` replaced by `a` (or removed, if a has no shape and no bytes).
NpzEntries with(NpzEntries entries, const std::string& key, const NpyArray* a) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first != key) continue;
    if (a) it->second = *a;
    else entries.erase(it);
    return entries;
  }
  if (a) entries.emplace_back(key, *a);
  return entries;
}

// The error loading an archive of `entries` gives ("" if it loads).
std::string npz_error(const TempDir& tmp, const NpzEntries& entries) {
  const std::string path = (tmp.dir / "bad.npz").string();
  write_npz(path, entries);
  return error_of([&] { load_image_splits("npz:" + path, 0); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(uint8_archive_splits_like_two_idx_files) {
  TempDir tmp("saccade_test_npz_images");
  const std::string path = (tmp.dir / "data.npz").string();
  write_npz(path, good_entries());
  const ImageSplits s = load_image_splits("npz:" + path, 3);
  BOOST_TEST(s.train.size() == 45u);  // validation = 50 / 10 of the train arrays, by the seed
  BOOST_TEST(s.validation.size() == 5u);
  BOOST_TEST(s.test.size() == 10u);
  BOOST_TEST(s.train.num_classes == 3u);
  BOOST_TEST(s.train.height() == 2u);
  BOOST_TEST(s.train.width() == 3u);
  // Test item 4 is row 4 of x_test: bytes (i * 11) % 256 / 255, its label 4 % 3.
  for (std::size_t j = 0; j < 6; ++j) BOOST_TEST(s.test.item(4)[j] == static_cast<float>(((24 + j) * 11) % 256) / 255.0f);
  BOOST_TEST(s.test.labels[4] == 1);
  BOOST_TEST(s.test.name == "npz:" + path + "/test");
  // Train and validation partition the train rows; the same seed gives the same cut.
  std::vector<std::size_t> rows = s.train.source_index;
  rows.insert(rows.end(), s.validation.source_index.begin(), s.validation.source_index.end());
  std::sort(rows.begin(), rows.end());
  for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i] == i);
  BOOST_TEST(load_image_split("npz:" + path, Split::validation, 3).source_index == s.validation.source_index);
}

BOOST_AUTO_TEST_CASE(float32_arrays_with_their_own_validation_and_a_npy_directory) {
  TempDir tmp("saccade_test_npy_images");
  std::vector<float> xs(8 * 2 * 3);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i % 7) / 6.0f;
  const NpyArray x = array(DType::float32, {8, 2, 3}, xs);
  const NpyArray y = array(DType::int32, {8}, std::vector<std::int32_t>{0, 1, 2, 3, 0, 1, 2, 3});
  const NpyArray yv = array(DType::uint8, {8}, std::vector<std::uint8_t>{3, 2, 1, 0, 3, 2, 1, 0});
  const NpzEntries entries = {{"x_train", x}, {"y_train", y}, {"x_val", x}, {"y_val", yv}, {"x_test", x}, {"y_test", y}};
  write_npz((tmp.dir / "data.npz").string(), entries);
  // The same arrays as np.save files: DIR/KEY.npy.
  for (const auto& [key, a] : entries) {
    const std::string npy = npy_header(a.dtype, a.shape) + std::string(a.bytes.begin(), a.bytes.end());
    tmp.write(key + ".npy", npy);
  }
  for (const std::string& source : {"npz:" + (tmp.dir / "data.npz").string(), "npy:" + tmp.dir.string()}) {
    BOOST_TEST_CONTEXT(source) {
      const ImageSplits s = load_image_splits(source, 0);
      BOOST_TEST(s.train.size() == 8u);  // x_val given: nothing is carved from train
      BOOST_TEST(s.validation.size() == 8u);
      BOOST_TEST(s.validation.labels == std::vector<int>({3, 2, 1, 0, 3, 2, 1, 0}));
      BOOST_TEST(s.test.num_classes == 4u);
      BOOST_TEST(std::equal(xs.begin(), xs.end(), s.train.images.data()));  // float32 is used as it is
    }
  }
  BOOST_TEST(contains(error_of([&] { load_image_splits("npy:" + (tmp.dir / "none").string(), 0); }), "not found"));
  std::filesystem::remove(tmp.dir / "y_test.npy");
  BOOST_TEST(contains(error_of([&] { check_image_source("npy:" + tmp.dir.string()); }),
                      (tmp.dir / "y_test.npy").string() + ": not found"));
}

BOOST_AUTO_TEST_CASE(malformed_sources_fail_before_reading) {
  BOOST_TEST(contains(error_of([] { check_image_source("npz:"); }), "expected npz:PATH"));
  BOOST_TEST(contains(error_of([] { check_image_source("npy:"); }), "expected npy:DIR"));
  BOOST_TEST(contains(error_of([] { check_image_source("npz:/nonexistent/data.npz"); }), "/nonexistent/data.npz not found"));
  BOOST_CHECK_THROW(check_image_source("npz:"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(every_bad_array_names_the_file_and_the_key) {
  TempDir tmp("saccade_test_bad_npz");
  const std::string at = (tmp.dir / "bad.npz").string() + ": ";
  const auto error = [&](const std::string& key, const NpyArray* a) { return npz_error(tmp, with(good_entries(), key, a)); };
  BOOST_TEST(error("x_train", nullptr) == "load_image_split: " + at + "x_train: missing (the arrays are x_train, y_train, "
                                          "x_test, y_test and optionally x_val, y_val)");
  BOOST_TEST(contains(error("y_test", nullptr), at + "y_test: missing"));
  const NpyArray x64 = array(DType::float64, {50, 2, 3}, std::vector<double>(300, 0.5));
  BOOST_TEST(contains(error("x_train", &x64), at + "x_train: dtype float64: expected uint8 (0-255) or float32"));
  const NpyArray yf = array(DType::float32, {10}, std::vector<float>(10, 1.0f));
  BOOST_TEST(contains(error("y_test", &yf), at + "y_test: dtype float32: expected integer class ids"));
  const NpyArray x2 = array(DType::uint8, {10, 6}, std::vector<std::uint8_t>(60, 1));
  BOOST_TEST(contains(error("x_test", &x2), at + "x_test: shape (10, 6): expected [N, H, W]"));
  const NpyArray y2 = array(DType::int64, {10, 1}, std::vector<std::int64_t>(10, 1));
  BOOST_TEST(contains(error("y_test", &y2), at + "y_test: shape (10, 1): expected [N]"));
  const NpyArray y9 = labels_y(9);
  BOOST_TEST(contains(error("y_test", &y9), at + "y_test: 9 labels for the 10 images of x_test"));
  const NpyArray x44 = bytes_x(10, 4, 4);
  BOOST_TEST(contains(error("x_test", &x44), at + "x_test: images are 4x4 but x_train's are 2x3"));
  NpyArray negative = labels_y(10);
  std::int64_t minus = -1;
  std::memcpy(negative.bytes.data() + 3 * 8, &minus, 8);
  BOOST_TEST(contains(error("y_test", &negative), at + "y_test: label -1 at index 3 is out of range"));
  const NpyArray y5 = labels_y(10, 5);  // classes 3 and 4 never appear in y_train (0..2)
  BOOST_TEST(contains(error("y_test", &y5), at + "y_test: label 3 at index 3 is out of range: the classes are 0..2"));
  const NpyArray huge = array(DType::int64, {50}, std::vector<std::int64_t>(50, 1000));
  BOOST_TEST(contains(error("y_train", &huge), at + "y_train: label 1000 is out of range"));
  const NpyArray zeros = labels_y(50, 1);
  BOOST_TEST(contains(error("y_train", &zeros), at + "y_train: every label is 0"));
  std::vector<float> xs(60, 0.5f);
  xs[7] = 1.5f;
  const NpyArray bright = array(DType::float32, {10, 2, 3}, xs);
  BOOST_TEST(contains(error("x_test", &bright), at + "x_test: value 1.500000 (image 1, row 0, column 1) is outside [0, 1]"));
  xs[7] = std::numeric_limits<float>::quiet_NaN();
  const NpyArray nan = array(DType::float32, {10, 2, 3}, xs);
  BOOST_TEST(contains(error("x_test", &nan), at + "x_test: value nan"));
  const NpyArray xv = bytes_x(5);
  BOOST_TEST(contains(error("x_val", &xv), at + "y_val: missing, but x_val is there"));
  BOOST_TEST(contains(error("x_valid", &xv), at + "x_valid: unexpected array"));
}
