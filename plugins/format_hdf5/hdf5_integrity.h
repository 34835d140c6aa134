#pragma once
// Reading a damaged HDF5 file safely. libhdf5 trusts a file's internal structure: one changed
// byte in a heap or a B-tree can make it crash, loop or allocate gigabytes inside the library,
// where no check of ours runs. Two defences:
//  - Files Phasewise writes start with a 512-byte user block (HDF5 skips it) holding their
//    length and a CRC-32 (zlib) of everything after it; a file whose checksum does not match
//    is refused before libhdf5 sees it ("damaged: checksum mismatch").
//  - Any other file (written by an older Phasewise or another program) is read once in a
//    child process first; if that crashes, hangs or runs out of memory, the read fails with a
//    one-line error instead of taking the program down.

#include <hdf5.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include "hdf5_handles.h"

namespace phasewise::plugins::h5 {

inline constexpr hsize_t kUserBlockBytes = 512;

// File-creation properties with the user block; pass to H5Fcreate.
[[nodiscard]] Handle creationProperties();
// After the file is closed: writes its length and checksum into the user block.
void sealFile(const std::filesystem::path& file);
// Checks a file before libhdf5 opens it, then runs `read` (the same read the caller will do)
// in a child process when the file is not sealed. Throws core::FormatError naming the file
// when it is damaged. The child gets `patience` plus a second per 20 MB of file.
void checkBeforeReading(const std::filesystem::path& file, const std::function<void()>& read,
                        std::chrono::milliseconds patience = std::chrono::seconds(5));

}  // namespace phasewise::plugins::h5
