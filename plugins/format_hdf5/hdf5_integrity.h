#pragma once
// Reading a damaged HDF5 file safely. libhdf5 trusts a file's internal structure: one changed
// byte in a heap or a B-tree can make it crash, loop or allocate gigabytes inside the library,
// where no check of ours runs. Two defences:
//  - Files Phasewise writes start with a 512-byte user block (HDF5 skips it) holding their
//    length and a CRC-32 (zlib) of everything after it; a file whose checksum does not match
//    is refused before libhdf5 sees it ("damaged: checksum mismatch").
//  - Any other file (written by an older Phasewise or another program) is never opened by
//    libhdf5 in this process: a child process reads it and writes what it read as a sealed
//    file with Phasewise's own writer, and this process reads that copy. A crash, hang or
//    memory blow-up in the child is a one-line error; a damaged file's oversized internal
//    records never reach this process's heap.

#include <hdf5.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string_view>

#include "hdf5_handles.h"

namespace phasewise::plugins::h5 {

inline constexpr hsize_t kUserBlockBytes = 512;

// Whether the first bytes of a file are HDF5's signature, at the start or after the user
// block Phasewise writes (`head`: at least the first kUserBlockBytes + 8 bytes, when the file has them).
[[nodiscard]] bool hasHdf5Signature(std::string_view head);

// File-creation properties with the user block; pass to H5Fcreate.
[[nodiscard]] Handle creationProperties();
// After the file is closed: writes its length and checksum into the user block.
void sealFile(const std::filesystem::path& file);
// The file to give libhdf5 for `file`: itself when sealed and intact; otherwise a sealed copy
// that `convert` writes in a child process (it reads `file` and writes what it read to the path
// it is given, or writes nothing and answers in its return value, kept as note()). Throws
// core::FormatError naming `file` when it is damaged, and the child's own core::Error as it
// was. The child gets `patience` plus a second per 20 MB of file. The copy is removed with this.
class Hdf5Source {
 public:
  using Convert = std::function<std::string(const std::filesystem::path& copy)>;
  Hdf5Source(const std::filesystem::path& file, const Convert& convert,
             std::chrono::milliseconds patience = std::chrono::seconds(5));
  ~Hdf5Source();
  Hdf5Source(const Hdf5Source&) = delete;
  Hdf5Source& operator=(const Hdf5Source&) = delete;

  [[nodiscard]] bool sealed() const { return copy_.empty(); }
  [[nodiscard]] const std::filesystem::path& path() const { return sealed() ? file_ : copy_; }
  [[nodiscard]] const std::string& note() const { return note_; }

 private:
  std::filesystem::path file_, copy_;
  std::string note_;
};

}  // namespace phasewise::plugins::h5
