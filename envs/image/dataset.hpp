// Image datasets and their splits, read from the files Debian ships (nothing is downloaded).
//
// A source names where the items come from:
//   "fashion-mnist" (or "")   Fashion-MNIST from /usr/share/datasets/fashion-mnist/ (package
//                             dataset-fashion-mnist): 60,000 train + 10,000 test, 28x28, 10 classes.
//   "digits" / "digits:PATH"  scikit-learn's digits (package python3-sklearn): 1,797 8x8, 10 classes.
//   "idx-dir:DIR" or DIR      an MNIST-style directory: DIR/train-images-idx3-ubyte, train-labels-idx1-ubyte,
//                             t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each with or without .gz
//                             (this is how to read MNIST itself, which Debian does not ship).
//   "idx:IMAGES,LABELS"       one IDX images/labels pair: it is split like digits (below).
//   "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS"   a train pair and a test pair.
//   "npz:PATH" / "npy:DIR"    NumPy arrays x_train, y_train, x_test, y_test (optionally x_val, y_val) in an
//                             .npz archive or a directory of .npy files (array_images.hpp): a user's own data.
//
// Splits are deterministic per seed (stream "split" of the seed):
//   two files (train + test): test = the whole test file; validation = N/10 items of the train file
//     chosen by a seeded permutation; train = the rest of the train file. Arrays with x_val / y_val:
//     each split is its own array, whole.
//   one file (digits, idx:I,L): test = N/5 items chosen by a seeded permutation; validation = a tenth
//     of the remaining items; train = the rest.
// Items inside a split keep their order in the file (`source_index` is increasing), so "example i of
// the split" means the same item for every consumer. Pixels are floats in [0, 1] (bytes / 255,
// digits' 16 grey levels / 16, float32 arrays as they are). num_classes = 1 + the largest label in all of the source's files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace saccade {

enum class Split { train, validation, test };

// "train", "validation" (or "val"), "test"; throws std::invalid_argument otherwise.
Split parse_split(std::string_view name);
std::string_view split_name(Split split);

struct ImageDataset {
  std::string name;                       // e.g. "fashion-mnist/train"
  Tensor3 images;                         // [N, H, W], row-major, values in [0, 1]
  std::vector<int> labels;                // [N], in [0, num_classes)
  std::size_t num_classes = 0;
  std::vector<std::size_t> source_index;  // [N] row of each item in the file it was read from

  std::size_t size() const { return labels.size(); }
  std::size_t height() const { return images.shape()[1]; }
  std::size_t width() const { return images.shape()[2]; }
  const float* item(std::size_t i) const { return images.data() + i * height() * width(); }
};

struct ImageSplits {
  ImageDataset train, validation, test;
};

const std::string& default_fashion_mnist_dir();

// Checks that a source names its files correctly and that they exist, without reading them; throws
// what load_image_split would (so a sweep can fail before any work starts).
void check_image_source(const std::string& source);

// One split of a source. Throws std::runtime_error naming the file (and the Debian package when a
// default dataset is missing), or std::invalid_argument for a source string it cannot parse.
ImageDataset load_image_split(const std::string& source, Split split, std::uint64_t seed);
ImageDataset load_image_split(const std::string& source, std::string_view split, std::uint64_t seed);
// All three splits, reading the files once.
ImageSplits load_image_splits(const std::string& source, std::uint64_t seed);

}  // namespace saccade
