// What the fuzz targets share. Each target (fuzz_*.cpp) defines LLVMFuzzerTestOneInput for one reader
// of files people hand to saccade. Bad input must end in an exception that says what is wrong (a
// std::exception, caught by reads()); anything else (a crash, a sanitizer report, a hang, or running
// out of memory on a header's promise: std::bad_alloc is let through) is a bug.
// `make fuzz` builds the targets with clang's libFuzzer; `make test` replays tests/fuzz/corpus/ and
// tests/fuzz/regressions/ (every crash found, kept) through the same functions (replay_main.cpp).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <fstream>
#include <new>
#include <string>

namespace saccade::fuzz {

// The input as a file the reader under test opens (they take paths), named with `suffix`.
inline std::string as_file(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
  const std::string path = "/tmp/saccade-fuzz-" + std::to_string(::getpid()) + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path;
}

// Runs read(); an error that says what is wrong ends it quietly, std::bad_alloc does not.
template <class Read>
void reads(Read read) {
  try {
    read();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
  }
}

}  // namespace saccade::fuzz
