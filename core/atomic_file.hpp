// Files that are never seen half-written: the bytes go to `path.tmp-<pid>`, then fsync and rename, so
// a reader (or a crash) sees either the old file or the whole new one. Checkpoints, results and
// traces are all written this way.
#pragma once

#include <cstdint>
#include <string>

namespace saccade {

class AtomicFile {
 public:
  // `who` prefixes error messages (e.g. "write_npz"), which also name the path.
  AtomicFile(const std::string& path, std::string who);
  ~AtomicFile();  // without commit(): an exception is on its way; the temporary file is removed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t n);
  void write(const std::string& s) { write(s.data(), s.size()); }
  std::uint64_t written() const { return written_; }
  // fsync, close, rename over `path`, and (best effort) fsync the directory.
  void commit();

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string path_, tmp_, who_;
  int fd_ = -1;
  bool committed_ = false;
  std::uint64_t written_ = 0;
};

// Replaces `path` with `text` atomically.
void write_file_atomic(const std::string& path, const std::string& text, const std::string& who = "write");

}  // namespace saccade
