// IDX files (the MNIST / Fashion-MNIST format): a 4-byte magic 0x00 0x00 TYPE NDIMS, NDIMS big-endian
// uint32 sizes, then the values row-major. Only TYPE 0x08 (unsigned byte) is read: that is what every
// MNIST-style image and label file uses. Files are read through zlib's gzopen/gzread, which reads
// gzip-compressed and plain files alike, so `train-images-idx3-ubyte.gz` and an uncompressed copy both work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace saccade {

struct IdxFile {
  std::vector<std::size_t> dims;    // e.g. {60000, 28, 28} or {60000}
  std::vector<std::uint8_t> data;   // product(dims) bytes, row-major
};

// Reads the whole file. `expected_ndims` > 0 checks the rank (3 for images, 1 for labels).
// Throws std::runtime_error naming the file: missing, bad magic, unsupported type, wrong rank,
// a zero size, truncated data or trailing bytes, corrupt gzip stream.
IdxFile read_idx(const std::string& path, std::size_t expected_ndims = 0);

// An images file [N, H, W] and its labels file [N]: ranks checked and N equal in both.
struct IdxPair {
  IdxFile images;
  IdxFile labels;
};
IdxPair read_idx_pair(const std::string& images_path, const std::string& labels_path);

}  // namespace saccade
