// The .npy encoding of one array (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// magic "\x93NUMPY", version, header length, a Python dict literal {'descr', 'fortran_order', 'shape'}
// padded with spaces and '\n', then the raw data.
#include <bit>
#include <cstring>
#include <stdexcept>

#include "core/npz.hpp"

namespace saccade {

static_assert(std::endian::native == std::endian::little, "npz: the raw copies below assume a little-endian host");

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32: return 4;
    case DType::float64: return 8;
    case DType::int32: return 4;
    case DType::int64: return 8;
    case DType::uint8: return 1;
    case DType::bool8: return 1;
  }
  throw std::logic_error("dtype_size: bad enum value");
}

const char* dtype_descr(DType t) {
  switch (t) {
    case DType::float32: return "<f4";
    case DType::float64: return "<f8";
    case DType::int32: return "<i4";
    case DType::int64: return "<i8";
    case DType::uint8: return "|u1";
    case DType::bool8: return "|b1";
  }
  throw std::logic_error("dtype_descr: bad enum value");
}

// ---- NpyArray ----

std::size_t NpyArray::size() const {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

namespace {

template <class T>
NpyArray from_raw(DType dtype, std::vector<std::size_t> shape, const T* data) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  const std::size_t nbytes = a.size() * sizeof(T);
  a.bytes.resize(nbytes);
  if (nbytes) std::memcpy(a.bytes.data(), data, nbytes);
  return a;
}

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // bytes may be unaligned
  return v;
}

// Element i of `a` converted to Out.
template <class Out>
Out element(const NpyArray& a, std::size_t i) {
  const unsigned char* p = a.bytes.data() + i * dtype_size(a.dtype);
  switch (a.dtype) {
    case DType::float32: return static_cast<Out>(load<float>(p));
    case DType::float64: return static_cast<Out>(load<double>(p));
    case DType::int32: return static_cast<Out>(load<std::int32_t>(p));
    case DType::int64: return static_cast<Out>(load<std::int64_t>(p));
    case DType::uint8: return static_cast<Out>(*p);
    case DType::bool8: return static_cast<Out>(*p != 0);
  }
  throw std::logic_error("NpyArray: bad dtype");
}

template <class Out>
std::vector<Out> convert(const NpyArray& a) {
  std::vector<Out> out(a.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = element<Out>(a, i);
  return out;
}

}  // namespace

NpyArray NpyArray::float32(std::vector<std::size_t> shape, const float* data) {
  return from_raw(DType::float32, std::move(shape), data);
}
NpyArray NpyArray::int64(std::vector<std::size_t> shape, const std::int64_t* data) {
  return from_raw(DType::int64, std::move(shape), data);
}
NpyArray NpyArray::scalar_float64(double v) { return from_raw(DType::float64, {}, &v); }
NpyArray NpyArray::scalar_int64(std::int64_t v) { return from_raw(DType::int64, {}, &v); }

std::vector<float> NpyArray::to_float32() const {
  return convert<float>(*this);  // float32 -> float is an exact copy
}
std::vector<double> NpyArray::to_float64() const { return convert<double>(*this); }
std::vector<std::int64_t> NpyArray::to_int64() const {
  if (dtype == DType::float32 || dtype == DType::float64) {
    throw std::invalid_argument(std::string("NpyArray: cannot read ") + dtype_descr(dtype) + " as integers");
  }
  return convert<std::int64_t>(*this);
}

// ---- header ----

std::string npy_header(DType dtype, const std::vector<std::size_t>& shape) {
  std::string dict = std::string("{'descr': '") + dtype_descr(dtype) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += shape.size() == 1 ? "," : ", ";
  }
  dict += "), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  if (dict.size() > 65535) throw std::length_error("npy_header: shape too long for format 1.0");
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}

namespace {

// The text after `'key':` in the header dict, with leading spaces skipped.
std::size_t find_value(const std::string& dict, const std::string& key, const std::string& what) {
  const std::size_t k = dict.find("'" + key + "'");
  if (k == std::string::npos) throw std::runtime_error(what + ": .npy header has no '" + key + "': " + dict);
  std::size_t p = dict.find(':', k);
  if (p == std::string::npos) throw std::runtime_error(what + ": malformed .npy header: " + dict);
  ++p;
  while (p < dict.size() && dict[p] == ' ') ++p;
  return p;
}

DType parse_descr(const std::string& descr, const std::string& what) {
  for (DType t : {DType::float32, DType::float64, DType::int32, DType::int64, DType::uint8, DType::bool8}) {
    if (descr == dtype_descr(t)) return t;
  }
  throw std::runtime_error(what + ": unsupported dtype '" + descr +
                           "' (supported: <f4 <f8 <i4 <i8 |u1 |b1, little-endian)");
}

}  // namespace

NpyArray parse_npy(const unsigned char* data, std::size_t size, const std::string& what) {
  if (size < 10 || std::memcmp(data, "\x93NUMPY", 6) != 0) throw std::runtime_error(what + ": not a .npy array");
  const int major = data[6];
  std::size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = data[8] | (data[9] << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw std::runtime_error(what + ": truncated .npy header");
    header_len = load<std::uint32_t>(data + 8);
    start = 12;
  } else {
    throw std::runtime_error(what + ": unsupported .npy version " + std::to_string(major));
  }
  if (start + header_len > size) throw std::runtime_error(what + ": truncated .npy header");
  const std::string dict(reinterpret_cast<const char*>(data + start), header_len);

  NpyArray a;
  std::size_t p = find_value(dict, "descr", what);
  const char quote = dict[p];
  const std::size_t end = dict.find(quote, p + 1);
  if ((quote != '\'' && quote != '"') || end == std::string::npos) {
    throw std::runtime_error(what + ": malformed descr in .npy header: " + dict);
  }
  a.dtype = parse_descr(dict.substr(p + 1, end - p - 1), what);

  p = find_value(dict, "fortran_order", what);
  if (dict.compare(p, 4, "True") == 0) {
    throw std::runtime_error(what + ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  }

  p = find_value(dict, "shape", what);
  if (dict[p] != '(') throw std::runtime_error(what + ": malformed shape in .npy header: " + dict);
  for (++p; p < dict.size() && dict[p] != ')';) {
    if (dict[p] == ' ' || dict[p] == ',') {
      ++p;
    } else if (dict[p] >= '0' && dict[p] <= '9') {
      std::size_t n = 0;
      while (p < dict.size() && dict[p] >= '0' && dict[p] <= '9') n = n * 10 + static_cast<std::size_t>(dict[p++] - '0');
      a.shape.push_back(n);
    } else {
      throw std::runtime_error(what + ": malformed shape in .npy header: " + dict);
    }
  }

  const std::size_t nbytes = a.size() * dtype_size(a.dtype);
  if (size - start - header_len != nbytes) {
    throw std::runtime_error(what + ": .npy data is " + std::to_string(size - start - header_len) +
                             " bytes, the header implies " + std::to_string(nbytes));
  }
  a.bytes.assign(data + start + header_len, data + size);
  return a;
}

}  // namespace saccade
