#pragma once
// Helpers shared by the test binaries: the real-data folder (or a clean skip), a fresh
// temporary folder per test, and writing small files.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace phasewise::test {

// ../shared/data, or $PHASEWISE_DATA_DIR; empty when absent.
[[nodiscard]] std::filesystem::path sharedDataDir();

// A new empty folder under the build tree (or the system temp folder), unique to the test.
[[nodiscard]] std::filesystem::path freshTempDir();

void writeText(const std::filesystem::path& path, const std::string& text);

}  // namespace phasewise::test

// Skips the current test unless the shared data folder holds `relative`.
#define PHASEWISE_REQUIRE_DATA(relative)                                           \
  do {                                                                             \
    if (::phasewise::test::sharedDataDir().empty() ||                              \
        !std::filesystem::exists(::phasewise::test::sharedDataDir() / (relative))) \
      GTEST_SKIP() << "shared data not available: " << (relative);                 \
  } while (false)
