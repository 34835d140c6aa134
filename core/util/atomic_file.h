#pragma once
// Writing a file so that a crash or an error never leaves it half-written: everything goes
// to a temporary file beside the target, which is flushed to disk and renamed over the
// target only once complete. An uncommitted temporary is removed on destruction.

#include <filesystem>
#include <functional>
#include <iosfwd>

namespace phasewise::core {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write; lies in the target's folder so the final rename cannot cross devices.
  [[nodiscard]] const std::filesystem::path& temporaryPath() const { return temporary_; }
  // fsync the temporary, rename it over the target, fsync the folder. Throws Error.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

// Writes `target` atomically: `write` fills the temporary it is given, which then replaces the
// target. Any failure (a full disk half-way, a library's own exception) leaves the target as
// it was and throws Error naming it: "cannot write TARGET: what went wrong".
void writeAtomically(const std::filesystem::path& target,
                     const std::function<void(const std::filesystem::path& temporary)>& write);

// The same for a file written through a stream: the stream's failure (a full disk) is
// checked after the last byte is flushed, so a half-written file is never committed.
void writeStreamAtomically(const std::filesystem::path& target, const std::function<void(std::ostream& out)>& write,
                           bool binary = false);

}  // namespace phasewise::core
