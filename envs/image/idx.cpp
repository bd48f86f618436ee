#include "envs/image/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>

namespace saccade {
namespace {

using GzFile = std::unique_ptr<gzFile_s, int (*)(gzFile)>;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("read_idx: " + path + ": " + what);
}

// Reads exactly n bytes or as many as there are; returns the count. Chunks keep gzread's
// `unsigned` length in range for files over 4 GB.
std::size_t read_some(gzFile gz, const std::string& path, std::uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
    const int r = ::gzread(gz, out + got, chunk);
    if (r < 0) fail(path, "corrupt gzip data");
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

}  // namespace

IdxFile read_idx(const std::string& path, std::size_t expected_ndims) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) fail(path, "not found");
  if (S_ISDIR(st.st_mode)) fail(path, "is a directory, expected an IDX file");
  GzFile gz(::gzopen(path.c_str(), "rb"), ::gzclose);
  if (!gz) fail(path, "cannot open");
  ::gzbuffer(gz.get(), 1u << 18);  // fewer, larger reads: the 26 MB Fashion-MNIST file reads faster

  std::uint8_t magic[4];
  if (read_some(gz.get(), path, magic, 4) != 4) fail(path, "truncated: shorter than the 4-byte IDX magic number");
  if (magic[0] != 0 || magic[1] != 0) fail(path, "bad magic number (not an IDX file)");
  if (magic[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02X", magic[2]);
    fail(path, std::string("unsupported IDX data type ") + type + " (only 0x08, unsigned byte, is read)");
  }
  const std::size_t ndims = magic[3];
  if (ndims == 0) fail(path, "bad magic number: zero dimensions");
  if (expected_ndims != 0 && ndims != expected_ndims) {
    fail(path, "expected " + std::to_string(expected_ndims) + " dimensions, the file has " + std::to_string(ndims));
  }

  IdxFile f;
  std::size_t total = 1;
  for (std::size_t i = 0; i < ndims; ++i) {
    std::uint8_t b[4];
    if (read_some(gz.get(), path, b, 4) != 4) fail(path, "truncated in the dimension sizes");
    const std::size_t d = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
    if (d == 0) fail(path, "dimension " + std::to_string(i) + " has size 0");
    if (total > std::numeric_limits<std::size_t>::max() / d) fail(path, "sizes overflow");
    total *= d;
    f.dims.push_back(d);
  }
  // Read in chunks, growing the buffer with what the file really holds: a header may promise far more
  // bytes than the file has (found by tests/fuzz), and allocating its promise first could exhaust memory.
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  std::size_t got = 0;
  while (got < total) {
    const std::size_t want = std::min(kChunk, total - got);
    f.data.resize(got + want);
    const std::size_t n = read_some(gz.get(), path, f.data.data() + got, want);
    got += n;
    if (n < want) break;
  }
  if (got != total) {
    fail(path, "truncated: the header promises " + std::to_string(total) + " bytes of data, the file has " +
                   std::to_string(got));
  }
  std::uint8_t extra;
  if (read_some(gz.get(), path, &extra, 1) != 0) fail(path, "trailing bytes after the data the header describes");
  return f;
}

IdxPair read_idx_pair(const std::string& images_path, const std::string& labels_path) {
  IdxPair p{read_idx(images_path, 3), read_idx(labels_path, 1)};
  if (p.images.dims[0] != p.labels.dims[0]) {
    throw std::runtime_error("read_idx: " + images_path + " has " + std::to_string(p.images.dims[0]) + " images but " +
                             labels_path + " has " + std::to_string(p.labels.dims[0]) + " labels");
  }
  return p;
}

}  // namespace saccade
