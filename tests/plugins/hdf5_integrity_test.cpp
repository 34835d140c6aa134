// Damaged HDF5 files end in a one-line error, never in a crash or a hang: the seal of the
// files Phasewise writes, and the child-process read of every other file.
#include "format_hdf5/hdf5_integrity.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <new>
#include <thread>

#include "format_hdf5/project_file.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
namespace fs = std::filesystem;

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::FormatError& e) {
    return e.what();
  }
  return "";
}

fs::path sealedProject(const fs::path& dir) {
  const core::Library library = makeRegistry().read(writeXy(dir)).library;
  const fs::path path = dir / "project.h5";
  plugins::writeProject({library, std::nullopt, std::nullopt, std::nullopt}, path);
  return path;
}

TEST(Hdf5IntegrityTest, SealedFilesReadBackAndRefuseAnyChange) {
  const fs::path dir = freshTempDir();
  const fs::path path = sealedProject(dir);
  EXPECT_EQ(plugins::readProject(path).library.samples, 1U);
  // One byte changed anywhere after the seal.
  std::string bytes = readBytes(path);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  writeText(dir / "flipped.h5", bytes);
  EXPECT_NE(errorOf([&] { (void)plugins::readProject(dir / "flipped.h5"); }).find("checksum mismatch"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { (void)makeRegistry().read(dir / "flipped.h5"); }).find("checksum mismatch"),
            std::string::npos);
  // Cut short.
  writeText(dir / "short.h5", readBytes(path).substr(0, bytes.size() - 100));
  EXPECT_NE(errorOf([&] { (void)plugins::readProject(dir / "short.h5"); }).find("truncated"), std::string::npos);
}

TEST(Hdf5IntegrityTest, AnUnsealedFileThatCrashesHangsOrExhaustsTheReaderIsRefused) {
  const fs::path dir = freshTempDir();
  writeText(dir / "old.h5", "not really HDF5");
  const fs::path file = dir / "old.h5";
  const std::string crashed = errorOf([&] { plugins::h5::checkBeforeReading(file, [] { std::raise(SIGSEGV); }); });
  EXPECT_NE(crashed.find("damaged"), std::string::npos) << crashed;
  EXPECT_NE(crashed.find(file.string()), std::string::npos);
  const std::string hung = errorOf([&] {
    plugins::h5::checkBeforeReading(
        file, [] { std::this_thread::sleep_for(std::chrono::hours(1)); }, std::chrono::milliseconds(300));
  });
  EXPECT_NE(hung.find("did not finish"), std::string::npos) << hung;
  const std::string hungry = errorOf([&] { plugins::h5::checkBeforeReading(file, [] { throw std::bad_alloc(); }); });
  EXPECT_NE(hungry.find("more memory"), std::string::npos) << hungry;
  // A read that succeeds, or refuses the file itself, lets the caller go on.
  EXPECT_EQ(errorOf([&] { plugins::h5::checkBeforeReading(file, [] {}); }), "");
  EXPECT_EQ(errorOf([&] { plugins::h5::checkBeforeReading(file, [] { throw core::Error("no"); }); }), "");
}

}  // namespace
}  // namespace phasewise::test
