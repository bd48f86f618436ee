// NumPy's .npz files: a zip archive of .npy arrays, readable and writable from C++.
//
// Written archives use .npy format 1.0, C order, little-endian, stored (uncompressed) zip entries with
// CRC-32, and are written atomically: to `path.tmp-<pid>`, fsync'd, then renamed over `path`, so a crash
// leaves either the old file or the new one, never half of one. Reading accepts stored and deflated
// entries (np.savez and np.savez_compressed). Zip64 archives (over 4 GiB or 65,535 entries) are rejected.
//
// This header stays free of xtensor; core/npz_array.hpp converts to and from `Array`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace saccade {

enum class DType { float32, float64, int32, int64, uint8, bool8 };

std::size_t dtype_size(DType t);
const char* dtype_descr(DType t);  // numpy's descr, e.g. "<f4"

// One array: its dtype, shape and raw little-endian C-order bytes.
struct NpyArray {
  DType dtype = DType::float32;
  std::vector<std::size_t> shape;  // {} for a scalar
  std::vector<unsigned char> bytes;

  std::size_t size() const;  // number of elements

  static NpyArray float32(std::vector<std::size_t> shape, const float* data);
  static NpyArray int64(std::vector<std::size_t> shape, const std::int64_t* data);
  static NpyArray scalar_float64(double v);
  static NpyArray scalar_int64(std::int64_t v);

  // The elements converted to float / int64 / double. Integer conversion refuses floating dtypes.
  std::vector<float> to_float32() const;
  std::vector<std::int64_t> to_int64() const;
  std::vector<double> to_float64() const;
};

// Entries in the order they are written; names without ".npy" (np.load's keys). Names must be unique.
using NpzEntries = std::vector<std::pair<std::string, NpyArray>>;

void write_npz(const std::string& path, const NpzEntries& entries);
// Keyed by name without the ".npy" suffix. Errors name the file and the entry.
std::map<std::string, NpyArray> read_npz(const std::string& path);

// Building blocks (core/npy.cpp): the .npy encoding of one array.
// The version 1.0 header, padded so the data starts on a 64-byte boundary as numpy does.
std::string npy_header(DType dtype, const std::vector<std::size_t>& shape);
// Parses a whole .npy file (versions 1.0 to 3.0); `what` names it in errors.
NpyArray parse_npy(const unsigned char* data, std::size_t size, const std::string& what);

}  // namespace saccade
