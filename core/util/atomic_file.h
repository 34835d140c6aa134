#pragma once
// Writing a file so that a crash or an error never leaves it half-written: everything goes
// to a temporary file beside the target, which is flushed to disk and renamed over the
// target only once complete. An uncommitted temporary is removed on destruction.

#include <filesystem>

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

}  // namespace phasewise::core
