#include "envs/image/array_images.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <stdexcept>

#include "core/files.hpp"
#include "core/npz.hpp"

namespace saccade {
namespace {

// The first four are required, x_val and y_val optional.
const std::vector<std::string> kKeys = {"x_train", "y_train", "x_test", "y_test", "x_val", "y_val"};
constexpr std::size_t kRequired = 4;

// The arrays of one source by key, and how to name a key's array in an error.
struct Arrays {
  std::string path;
  bool directory = false;
  std::map<std::string, NpyArray> by_key;

  std::string file_of(const std::string& key) const { return path + (path.ends_with('/') ? "" : "/") + key + ".npy"; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::runtime_error("load_image_split: " + (directory ? file_of(key) : path + ": " + key) + ": " + what);
  }
  const NpyArray& get(const std::string& key) const {
    const auto it = by_key.find(key);
    if (it == by_key.end()) fail(key, "missing (the arrays are x_train, y_train, x_test, y_test and optionally x_val, y_val)");
    return it->second;
  }
};

// numpy's name of a dtype, as a person types it.
std::string dtype_name(DType t) {
  switch (t) {
    case DType::float32: return "float32";
    case DType::float64: return "float64";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::uint8: return "uint8";
    case DType::bool8: return "bool";
  }
  return "?";
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

Arrays read_arrays(const std::string& path, bool directory) {
  Arrays a{path, directory, {}};
  if (!directory) {
    a.by_key = read_npz(path);
    for (const auto& [key, array] : a.by_key) {
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) a.fail(key, "unexpected array (the arrays are x_train, y_train, x_test, y_test and optionally x_val, y_val)");
    }
    return a;
  }
  for (const std::string& key : kKeys) {
    const std::string file = a.file_of(key);
    if (!path_exists(file)) continue;  // a missing required one is named by Arrays::get
    std::ifstream in(file, std::ios::binary);
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) a.fail(key, "cannot read");
    a.by_key[key] = parse_npy(bytes.data(), bytes.size(), "load_image_split: " + file);
  }
  return a;
}

// x_SPLIT's pixels: bytes as they are, float32 checked to lie in [0, 1].
void read_pixels(const Arrays& a, const std::string& key, const NpyArray& x, RawImages& r) {
  if (x.dtype == DType::uint8) {
    r.pixels = x.bytes;
    return;
  }
  if (x.dtype != DType::float32) {
    a.fail(key, "dtype " + dtype_name(x.dtype) + ": expected uint8 (0-255) or float32 (in [0, 1]); e.g. x.astype(np.float32)");
  }
  r.values = x.to_float32();
  const std::size_t px = r.h * r.w;
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    const float v = r.values[i];
    if (!(v >= 0.0f && v <= 1.0f)) {  // NaN fails too
      a.fail(key, "value " + std::to_string(v) + " (image " + std::to_string(i / px) + ", row " + std::to_string(i % px / r.w) +
                      ", column " + std::to_string(i % r.w) + ") is outside [0, 1]: float32 images must be scaled to [0, 1] "
                      "(or pass uint8 bytes 0-255)");
    }
  }
}

void read_labels(const Arrays& a, const std::string& key, const NpyArray& y, RawImages& r) {
  if (y.dtype != DType::uint8 && y.dtype != DType::int32 && y.dtype != DType::int64) {
    a.fail(key, "dtype " + dtype_name(y.dtype) + ": expected integer class ids (uint8, int32 or int64)");
  }
  const std::vector<std::int64_t> ys = y.to_int64();
  r.labels.resize(ys.size());
  for (std::size_t i = 0; i < ys.size(); ++i) {
    if (ys[i] < 0 || ys[i] > std::numeric_limits<int>::max()) {
      a.fail(key, "label " + std::to_string(ys[i]) + " at index " + std::to_string(i) + " is out of range: labels are class ids 0, 1, 2, ...");
    }
    r.labels[i] = static_cast<int>(ys[i]);
  }
}

// x_SPLIT and y_SPLIT, checked against each other.
RawImages split_images(const Arrays& a, const std::string& split) {
  const std::string xk = "x_" + split, yk = "y_" + split;
  const NpyArray& x = a.get(xk);
  const NpyArray& y = a.get(yk);
  if (x.shape.size() != 3) {
    a.fail(xk, "shape " + shape_text(x.shape) + ": expected [N, H, W] (one grey channel; for [N, H, W, 1] pass x[..., 0])");
  }
  if (y.shape.size() != 1) a.fail(yk, "shape " + shape_text(y.shape) + ": expected [N], one class id per image");
  if (x.shape[0] == 0 || x.shape[1] == 0 || x.shape[2] == 0) a.fail(xk, "shape " + shape_text(x.shape) + ": no pixels");
  if (y.shape[0] != x.shape[0]) {
    a.fail(yk, std::to_string(y.shape[0]) + " labels for the " + std::to_string(x.shape[0]) + " images of " + xk);
  }
  RawImages r;
  r.n = x.shape[0];
  r.h = x.shape[1];
  r.w = x.shape[2];
  read_pixels(a, xk, x, r);
  read_labels(a, yk, y, r);
  return r;
}

// Every split has train's image size, and labels among train's classes (0 .. max(y_train)).
void check_agreement(const Arrays& a, const ArrayImages& s) {
  int top = 0;
  for (int y : s.train.labels) top = std::max(top, y);
  if (top == 0) a.fail("y_train", "every label is 0: a classifier needs at least 2 classes");
  if (static_cast<std::size_t>(top) >= s.train.n) {
    a.fail("y_train", "label " + std::to_string(top) + " is out of range: the classes are 0.." + std::to_string(top) +
                          ", more than the " + std::to_string(s.train.n) + " training images (a class would have none)");
  }
  const auto check = [&](const RawImages& r, const std::string& split) {
    if (r.h != s.train.h || r.w != s.train.w) {
      a.fail("x_" + split, "images are " + std::to_string(r.h) + "x" + std::to_string(r.w) + " but x_train's are " +
                               std::to_string(s.train.h) + "x" + std::to_string(s.train.w));
    }
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
      if (r.labels[i] > top) {
        a.fail("y_" + split, "label " + std::to_string(r.labels[i]) + " at index " + std::to_string(i) +
                                 " is out of range: the classes are 0.." + std::to_string(top) + " (0 to the largest label in y_train)");
      }
    }
  };
  if (s.validation) check(*s.validation, "val");
  check(s.test, "test");
}

}  // namespace

void check_array_images(const std::string& path, bool directory) {
  const char* form = directory ? "npy:DIR (a directory of x_train.npy, y_train.npy, x_test.npy, y_test.npy)"
                               : "npz:PATH (an .npz archive with x_train, y_train, x_test, y_test)";
  if (path.empty()) throw std::invalid_argument(std::string("load_image_split: no path after the colon; expected ") + form);
  if (!directory) {
    if (!path_exists(path)) throw std::runtime_error("load_image_split: " + path + " not found");
    if (is_directory(path)) throw std::runtime_error("load_image_split: " + path + " is a directory; expected " + form);
    return;
  }
  if (!is_directory(path)) throw std::runtime_error("load_image_split: directory " + path + " not found");
  const Arrays a{path, true, {}};
  for (std::size_t k = 0; k < kRequired; ++k) {
    if (!path_exists(a.file_of(kKeys[k]))) a.fail(kKeys[k], "not found");
  }
}

ArrayImages read_array_images(const std::string& path, bool directory) {
  check_array_images(path, directory);
  const Arrays a = read_arrays(path, directory);
  ArrayImages s{split_images(a, "train"), split_images(a, "test"), std::nullopt};
  const bool has_x = a.by_key.count("x_val") != 0, has_y = a.by_key.count("y_val") != 0;
  if (has_x != has_y) {
    a.fail(has_x ? "y_val" : "x_val", std::string("missing, but ") + (has_x ? "x_val" : "y_val") +
                                           " is there: give both, or neither (validation is then carved from the train arrays)");
  }
  if (has_x) s.validation = split_images(a, "val");
  check_agreement(a, s);
  return s;
}

}  // namespace saccade
