#include "envs/image/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "core/files.hpp"
#include "core/random.hpp"
#include "envs/image/array_images.hpp"
#include "envs/image/digits.hpp"
#include "envs/image/idx.hpp"
#include "envs/image/raw_images.hpp"

namespace saccade {
namespace {

struct RawSource {
  std::string name;
  RawImages train;                      // the train file, or the only file
  std::optional<RawImages> test;        // the test file when the source has one
  std::optional<RawImages> validation;  // given validation items (arrays' x_val), else carved from train
};

RawImages from_idx(const std::string& images_path, const std::string& labels_path) {
  IdxPair p = read_idx_pair(images_path, labels_path);
  RawImages r;
  r.n = p.images.dims[0];
  r.h = p.images.dims[1];
  r.w = p.images.dims[2];
  r.pixels = std::move(p.images.data);
  r.labels.assign(p.labels.data.begin(), p.labels.data.end());
  return r;
}

RawImages from_digits(const std::string& path) {
  const Digits d = load_digits(path);
  RawImages r;
  r.n = d.labels.size();
  r.h = r.w = 8;
  r.levels = 16.0f;
  r.pixels.resize(d.images.size());
  // Digits holds level / 16 exactly, so this recovers the integer level.
  std::transform(d.images.begin(), d.images.end(), r.pixels.begin(),
                 [](float v) { return static_cast<std::uint8_t>(std::lround(v * 16.0f)); });
  r.labels = d.labels;
  return r;
}

// DIR/NAME.gz, else DIR/NAME; the error names both and, for the default directory, the package.
std::string find_in_dir(const std::string& dir, const std::string& name, const std::string& package) {
  const std::string base = dir + (dir.empty() || dir.back() == '/' ? "" : "/") + name;
  if (path_exists(base + ".gz")) return base + ".gz";
  if (path_exists(base)) return base;
  std::string msg = "load_image_split: " + base + ".gz not found (nor " + base + ")";
  if (!package.empty()) msg += "; it ships with the Debian package " + package + " (apt-get install " + package + ")";
  throw std::runtime_error(msg);
}

// The files of a source, found (each checked to exist) but not read yet.
struct SourceFiles {
  std::string name;
  std::string arrays;                      // NumPy arrays (array_images.hpp), an archive or a directory, or
  bool arrays_directory = false;
  std::string digits;                      // a digits CSV, or
  std::string train_images, train_labels;  // an IDX pair (the train file, or the only one),
  std::string test_images, test_labels;    // plus a test pair when the source has one
};

void require_file(const std::string& path, const std::string& who) {
  if (!path_exists(path)) throw std::runtime_error(who + ": " + path + " not found");
}

SourceFiles in_dir(const std::string& dir, const std::string& name, const std::string& package) {
  if (!is_directory(dir)) {
    std::string msg = "load_image_split: directory " + dir + " not found";
    if (!package.empty()) msg += "; it ships with the Debian package " + package + " (apt-get install " + package + ")";
    throw std::runtime_error(msg);
  }
  SourceFiles f;
  f.name = name;
  f.train_images = find_in_dir(dir, "train-images-idx3-ubyte", package);
  f.train_labels = find_in_dir(dir, "train-labels-idx1-ubyte", package);
  f.test_images = find_in_dir(dir, "t10k-images-idx3-ubyte", package);
  f.test_labels = find_in_dir(dir, "t10k-labels-idx1-ubyte", package);
  return f;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

SourceFiles locate(const std::string& source) {
  const auto starts = [&](std::string_view p) { return source.rfind(p, 0) == 0; };
  if (source.empty() || source == "fashion-mnist") {
    return in_dir(default_fashion_mnist_dir(), "fashion-mnist", "dataset-fashion-mnist");
  }
  if (source == "digits" || starts("digits:")) {
    SourceFiles f;
    f.name = "digits";
    f.digits = source == "digits" ? default_digits_path() : source.substr(7);
    if (!path_exists(f.digits)) {
      throw std::runtime_error("load_image_split: " + f.digits + " not found; the digits file ships with the Debian "
                               "package python3-sklearn as " + default_digits_path() + " (apt-get install python3-sklearn)");
    }
    return f;
  }
  if (starts("npz:") || starts("npy:")) {
    SourceFiles f;
    f.name = source;
    f.arrays = source.substr(4);
    f.arrays_directory = starts("npy:");
    check_array_images(f.arrays, f.arrays_directory);
    return f;
  }
  if (starts("idx-dir:")) return in_dir(source.substr(8), source, "");
  if (starts("idx:")) {
    const auto paths = split_commas(std::string_view(source).substr(4));
    if (paths.size() != 2 && paths.size() != 4) {
      throw std::invalid_argument("load_image_split: \"" + source +
                                  "\": expected idx:IMAGES,LABELS or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS");
    }
    for (const auto& p : paths) require_file(p, "load_image_split");
    SourceFiles f;
    f.name = source;
    f.train_images = paths[0];
    f.train_labels = paths[1];
    if (paths.size() == 4) {
      f.test_images = paths[2];
      f.test_labels = paths[3];
    }
    return f;
  }
  if (source == "mnist") {
    throw std::invalid_argument("load_image_split: MNIST is not shipped by Debian; put its four IDX files in a "
                                "directory and use idx-dir:DIR");
  }
  if (is_directory(source)) return in_dir(source, source, "");
  throw std::invalid_argument("load_image_split: unknown image source \"" + source +
                              "\"; expected fashion-mnist, digits, digits:PATH, npz:PATH, npy:DIR, idx-dir:DIR, a directory, "
                              "idx:IMAGES,LABELS or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS");
}

RawSource load_raw(const std::string& source) {
  const SourceFiles f = locate(source);
  if (!f.arrays.empty()) {
    ArrayImages a = read_array_images(f.arrays, f.arrays_directory);
    return {f.name, std::move(a.train), std::move(a.test), std::move(a.validation)};
  }
  if (!f.digits.empty()) return {f.name, from_digits(f.digits), std::nullopt};
  RawSource s{f.name, from_idx(f.train_images, f.train_labels), std::nullopt};
  if (!f.test_images.empty()) s.test = from_idx(f.test_images, f.test_labels);
  return s;
}

// Which file and which of its rows make up each split.
struct SplitRows {
  std::vector<std::size_t> train, validation, test;
};

SplitRows split_rows(const RawSource& s, std::uint64_t seed) {
  const std::size_t n = s.train.n;
  std::vector<std::size_t> perm = Rng::stream(seed, "split").permutation(n);
  SplitRows r;
  std::size_t begin = 0;
  if (s.test) {
    r.test.resize(s.test->n);
    for (std::size_t i = 0; i < s.test->n; ++i) r.test[i] = i;
  } else {
    begin = n / 5;
    r.test.assign(perm.begin(), perm.begin() + begin);
  }
  if (s.validation) {  // given (arrays' x_val): all of its items; train keeps the rest of its own
    r.validation.resize(s.validation->n);
    for (std::size_t i = 0; i < s.validation->n; ++i) r.validation[i] = i;
  } else {  // carved: a tenth of what the test left
    r.validation.assign(perm.begin() + begin, perm.begin() + begin + (n - begin) / 10);
    begin += r.validation.size();
  }
  r.train.assign(perm.begin() + begin, perm.end());
  for (auto* v : {&r.train, &r.validation, &r.test}) std::sort(v->begin(), v->end());
  return r;
}

std::size_t count_classes(const RawSource& s) {
  int top = -1;
  for (int y : s.train.labels) top = std::max(top, y);
  if (s.test) {
    if (s.test->h != s.train.h || s.test->w != s.train.w) {
      throw std::runtime_error("load_image_split: " + s.name + ": train images are " + std::to_string(s.train.h) + "x" +
                               std::to_string(s.train.w) + " but test images are " + std::to_string(s.test->h) + "x" +
                               std::to_string(s.test->w));
    }
    for (int y : s.test->labels) top = std::max(top, y);
  }
  if (s.validation)
    for (int y : s.validation->labels) top = std::max(top, y);
  return static_cast<std::size_t>(top + 1);
}

ImageDataset take(const RawSource& s, const RawImages& raw, const std::vector<std::size_t>& rows, Split split) {
  if (rows.empty()) {
    throw std::runtime_error("load_image_split: " + s.name + ": the " + std::string(split_name(split)) +
                             " split is empty (the source has too few items)");
  }
  ImageDataset d;
  d.name = s.name + "/" + std::string(split_name(split));
  d.num_classes = count_classes(s);
  d.source_index = rows;
  const std::size_t px = raw.h * raw.w;
  d.images = Tensor3::from_shape({rows.size(), raw.h, raw.w});
  d.labels.resize(rows.size());
  float* out = d.images.data();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (raw.values.empty()) {
      const std::uint8_t* in = raw.pixels.data() + rows[i] * px;
      for (std::size_t j = 0; j < px; ++j) out[i * px + j] = static_cast<float>(in[j]) / raw.levels;
    } else {
      std::copy_n(raw.values.data() + rows[i] * px, px, out + i * px);
    }
    d.labels[i] = raw.labels[rows[i]];
  }
  return d;
}

ImageDataset take_split(const RawSource& s, const SplitRows& r, Split split) {
  switch (split) {
    case Split::train: return take(s, s.train, r.train, split);
    case Split::validation: return take(s, s.validation ? *s.validation : s.train, r.validation, split);
    case Split::test: return take(s, s.test ? *s.test : s.train, r.test, split);
  }
  throw std::logic_error("take_split: bad split");
}

}  // namespace

void check_image_source(const std::string& source) { locate(source); }

Split parse_split(std::string_view name) {
  if (name == "train") return Split::train;
  if (name == "validation" || name == "val") return Split::validation;
  if (name == "test") return Split::test;
  throw std::invalid_argument("unknown split \"" + std::string(name) + "\"; expected train, validation or test");
}

std::string_view split_name(Split split) {
  switch (split) {
    case Split::train: return "train";
    case Split::validation: return "validation";
    case Split::test: return "test";
  }
  return "?";
}

const std::string& default_fashion_mnist_dir() {
  static const std::string dir = "/usr/share/datasets/fashion-mnist";
  return dir;
}

ImageDataset load_image_split(const std::string& source, Split split, std::uint64_t seed) {
  const RawSource s = load_raw(source);
  return take_split(s, split_rows(s, seed), split);
}

ImageDataset load_image_split(const std::string& source, std::string_view split, std::uint64_t seed) {
  return load_image_split(source, parse_split(split), seed);
}

ImageSplits load_image_splits(const std::string& source, std::uint64_t seed) {
  const RawSource s = load_raw(source);
  const SplitRows r = split_rows(s, seed);
  return {take_split(s, r, Split::train), take_split(s, r, Split::validation), take_split(s, r, Split::test)};
}

}  // namespace saccade
