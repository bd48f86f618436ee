#include "envs/image/digits.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>

namespace saccade {
namespace {

constexpr std::size_t kPixels = 64;
constexpr float kMaxLevel = 16.0f;

}  // namespace

const std::string& default_digits_path() {
  static const std::string path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
  return path;
}

Digits load_digits(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    throw std::runtime_error("load_digits: " + path + " not found; it ships with the Debian package python3-sklearn "
                             "(apt-get install python3-sklearn)");
  }
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(::gzopen(path.c_str(), "rb"), ::gzclose);
  if (!gz) throw std::runtime_error("load_digits: cannot open " + path);

  std::vector<float> pixels;
  Digits d;
  char line[1024];  // a row is 65 numbers of at most 2 digits: about 200 characters
  for (std::size_t lineno = 1; ::gzgets(gz.get(), line, sizeof line) != nullptr; ++lineno) {
    const std::string where = "load_digits: " + path + ":" + std::to_string(lineno);
    char* p = line;
    while (*p == ' ') ++p;
    if (*p == '\n' || *p == '\r' || *p == '\0') continue;  // blank line
    long values[kPixels + 1];
    for (std::size_t i = 0; i <= kPixels; ++i) {
      char* end = nullptr;
      values[i] = std::strtol(p, &end, 10);
      if (end == p) throw std::runtime_error(where + ": expected 65 comma-separated integers");
      p = end;
      if (i < kPixels) {
        if (*p != ',') throw std::runtime_error(where + ": expected 65 comma-separated integers");
        ++p;
      }
    }
    for (std::size_t i = 0; i < kPixels; ++i) {
      if (values[i] < 0 || values[i] > kMaxLevel) throw std::runtime_error(where + ": pixel outside 0..16");
      pixels.push_back(static_cast<float>(values[i]) / kMaxLevel);
    }
    if (values[kPixels] < 0 || values[kPixels] > 9) throw std::runtime_error(where + ": label outside 0..9");
    d.labels.push_back(static_cast<int>(values[kPixels]));
  }
  int err = 0;
  ::gzerror(gz.get(), &err);
  if (err != Z_OK && err != Z_STREAM_END) throw std::runtime_error("load_digits: " + path + ": corrupt gzip data");
  if (d.labels.empty()) throw std::runtime_error("load_digits: " + path + ": no rows");

  d.images = Array::from_shape({d.labels.size(), kPixels});
  std::copy(pixels.begin(), pixels.end(), d.images.begin());
  return d;
}

}  // namespace saccade
