// The zip container of .npz files (PKWARE APPNOTE 6.3): local file headers with the data, then a
// central directory, then the end-of-central-directory record. Only what numpy needs: no zip64, no
// encryption; stored or deflated entries.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/npz.hpp"

namespace saccade {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
// A fixed timestamp (1980-01-01 00:00, the DOS epoch) makes equal contents give equal bytes.
constexpr std::uint16_t kDosTime = 0, kDosDate = (1 << 5) | 1;

void put16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}
std::uint32_t get16(const unsigned char* p) { return p[0] | (p[1] << 8); }
std::uint32_t get32(const unsigned char* p) { return get16(p) | (get16(p + 2) << 16); }

std::string errno_text() { return std::strerror(errno); }

std::uint32_t to_u32(std::uint64_t v, const std::string& path, const std::string& name) {
  if (v >= 0xffffffffull) {
    throw std::runtime_error("write_npz: " + path + ": entry '" + name + "' would need zip64 (over 4 GiB)");
  }
  return static_cast<std::uint32_t>(v);
}

}  // namespace

void write_npz(const std::string& path, const NpzEntries& entries) {
  if (entries.size() >= 0xffff) throw std::runtime_error("write_npz: " + path + ": too many entries for zip (no zip64)");
  std::set<std::string> names;
  for (const auto& [name, a] : entries) {
    if (name.empty() || !names.insert(name).second) {
      throw std::runtime_error("write_npz: " + path + ": entry name '" + name + "' is empty or repeated");
    }
    if (a.bytes.size() != a.size() * dtype_size(a.dtype)) {
      throw std::runtime_error("write_npz: " + path + ": entry '" + name + "' has " + std::to_string(a.bytes.size()) +
                               " bytes, its shape and dtype need " + std::to_string(a.size() * dtype_size(a.dtype)));
    }
  }

  AtomicFile out(path, "write_npz");
  std::string central;
  for (const auto& [key, a] : entries) {
    const std::string name = key + ".npy";
    const std::string header = npy_header(a.dtype, a.shape);
    uLong crc = ::crc32(0L, Z_NULL, 0);
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(header.data()), static_cast<uInt>(header.size()));
    // zlib's crc32 takes a uInt length: feed large arrays in chunks.
    for (std::size_t off = 0; off < a.bytes.size(); off += 1u << 30) {
      const std::size_t n = std::min<std::size_t>(a.bytes.size() - off, 1u << 30);
      crc = ::crc32(crc, a.bytes.data() + off, static_cast<uInt>(n));
    }
    const std::uint32_t size = to_u32(header.size() + a.bytes.size(), path, key);
    const std::uint32_t offset = to_u32(out.written(), path, key);

    std::string local;
    put32(local, kLocalSig);
    put16(local, 20);  // version needed: 2.0
    put16(local, 0);   // flags
    put16(local, 0);   // method: stored
    put16(local, kDosTime);
    put16(local, kDosDate);
    put32(local, static_cast<std::uint32_t>(crc));
    put32(local, size);  // compressed
    put32(local, size);  // uncompressed
    put16(local, static_cast<std::uint32_t>(name.size()));
    put16(local, 0);  // extra field length
    out.write(local + name + header);
    out.write(a.bytes.data(), a.bytes.size());

    put32(central, kCentralSig);
    put16(central, 20);  // version made by
    central.append(local, 4, 26);  // version needed .. extra length: same as the local header
    put16(central, 0);  // comment length
    put16(central, 0);  // disk number
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += name;
  }
  const std::uint32_t central_offset = to_u32(out.written(), path, "central directory");
  std::string end;
  put32(end, kEndSig);
  put16(end, 0);  // this disk
  put16(end, 0);  // disk with the central directory
  put16(end, static_cast<std::uint32_t>(entries.size()));
  put16(end, static_cast<std::uint32_t>(entries.size()));
  put32(end, to_u32(central.size(), path, "central directory"));
  put32(end, central_offset);
  put16(end, 0);  // comment length
  out.write(central + end);
  out.commit();
}

namespace {

std::vector<unsigned char> inflate_raw(const unsigned char* data, std::size_t csize, std::size_t usize,
                                       const std::string& what) {
  std::vector<unsigned char> out(usize);
  z_stream zs{};
  if (::inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw std::runtime_error(what + ": inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(csize);
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(usize);
  const int rc = ::inflate(&zs, Z_FINISH);
  const std::size_t produced = zs.total_out;
  ::inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != usize) {
    throw std::runtime_error(what + ": corrupt deflate data (zlib code " + std::to_string(rc) + ")");
  }
  return out;
}

}  // namespace

std::map<std::string, NpyArray> read_npz(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("read_npz: cannot open " + path + ": " + errno_text());
  const std::vector<unsigned char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string where = "read_npz: " + path;
  const std::size_t n = file.size();
  const unsigned char* f = file.data();

  // The end record is the last 22 bytes plus a comment of up to 65535 bytes: search backwards.
  if (n < 22) throw std::runtime_error(where + ": not a zip archive (too short)");
  std::size_t end = std::string::npos;
  for (std::size_t p = n - 22;; --p) {
    if (get32(f + p) == kEndSig) {
      end = p;
      break;
    }
    if (p == 0 || n - p > 22 + 65535) break;
  }
  if (end == std::string::npos) throw std::runtime_error(where + ": not a zip archive (no end of central directory)");
  const std::uint32_t count = get16(f + end + 10), cd_size = get32(f + end + 12), cd_offset = get32(f + end + 16);
  if ((end >= 20 && get32(f + end - 20) == kZip64LocatorSig) || count == 0xffff || cd_size == 0xffffffff ||
      cd_offset == 0xffffffff) {
    throw std::runtime_error(where + ": zip64 archives are not supported");
  }
  if (get16(f + end + 4) != 0 || get16(f + end + 6) != 0) throw std::runtime_error(where + ": multi-disk zip archive");
  if (std::uint64_t(cd_offset) + cd_size > end) throw std::runtime_error(where + ": corrupt central directory");

  std::map<std::string, NpyArray> out;
  std::size_t p = cd_offset;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (p + 46 > end || get32(f + p) != kCentralSig) throw std::runtime_error(where + ": corrupt central directory");
    const std::uint32_t flags = get16(f + p + 8), method = get16(f + p + 10), crc = get32(f + p + 16);
    const std::uint32_t csize = get32(f + p + 20), usize = get32(f + p + 24);
    const std::uint32_t name_len = get16(f + p + 28), extra_len = get16(f + p + 30), comment_len = get16(f + p + 32);
    const std::uint32_t local = get32(f + p + 42);
    if (p + 46 + name_len > end) throw std::runtime_error(where + ": corrupt central directory");
    const std::string name(reinterpret_cast<const char*>(f + p + 46), name_len);
    p += 46 + name_len + extra_len + comment_len;

    const std::string what = where + ": entry '" + name + "'";
    if (csize == 0xffffffff || usize == 0xffffffff || local == 0xffffffff) {
      throw std::runtime_error(what + ": zip64 entries are not supported");
    }
    if (flags & 1) throw std::runtime_error(what + ": encrypted entries are not supported");
    if (method != 0 && method != 8) {
      throw std::runtime_error(what + ": unsupported compression method " + std::to_string(method) +
                               " (stored or deflate only)");
    }
    // Sizes come from the central directory. numpy's local headers carry a zip64 extra field even for
    // small entries (zipfile's force_zip64) and may hold 0xffffffff sizes, so only lengths are read here.
    if (std::uint64_t(local) + 30 > n || get32(f + local) != kLocalSig) {
      throw std::runtime_error(what + ": bad local header");
    }
    const std::uint64_t data = std::uint64_t(local) + 30 + get16(f + local + 26) + get16(f + local + 28);
    if (data + csize > n) throw std::runtime_error(what + ": truncated data");

    std::vector<unsigned char> inflated;
    const unsigned char* bytes = f + data;
    if (method == 8) {
      inflated = inflate_raw(bytes, csize, usize, what);
      bytes = inflated.data();
    } else if (csize != usize) {
      throw std::runtime_error(what + ": stored entry with different compressed and uncompressed sizes");
    }
    if (::crc32(::crc32(0L, Z_NULL, 0), bytes, usize) != crc) throw std::runtime_error(what + ": CRC-32 mismatch");

    std::string key = name;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
    out[key] = parse_npy(bytes, usize, what);
  }
  return out;
}

}  // namespace saccade
