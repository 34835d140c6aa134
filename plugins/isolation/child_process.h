#pragma once
// Running a parser we do not trust with damaged input (libhdf5, xylib: C and C++ libraries
// that can crash, loop, blow up memory or corrupt the heap on a damaged file) in a child
// process. The child does the work and sends its result back through a pipe; a crash, a hang
// or a memory blow-up there becomes an exception here, and the program goes on.

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace phasewise::plugins {

// What went wrong in the child, in words a user reads after the file name.
class ChildFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `work` in a child process and returns what it returned. A core::Error thrown there is
// thrown here again (its message kept); a crash, a time-out (`patience`), a memory limit (the
// address space in use plus `memory_bytes`; not under AddressSanitizer) or another exception
// throws ChildFailure. Without fork (it fails), `work` runs here.
[[nodiscard]] std::string runInChild(const std::function<std::string()>& work, std::chrono::milliseconds patience,
                                     unsigned long long memory_bytes);

}  // namespace phasewise::plugins
