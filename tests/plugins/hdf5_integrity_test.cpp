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
  } catch (const core::Error& e) {  // FormatError (a damaged file) or the reader's own refusal
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
  using Copy = const fs::path&;
  const auto source = [&](const plugins::h5::Hdf5Source::Convert& convert,
                          std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    return errorOf([&] { const plugins::h5::Hdf5Source s(file, convert, patience); });
  };
  const std::string crashed = source([](Copy) -> std::string {
    std::raise(SIGSEGV);
    return {};
  });
  EXPECT_NE(crashed.find("damaged"), std::string::npos) << crashed;
  EXPECT_NE(crashed.find(file.string()), std::string::npos);
  const std::string hung = source(
      [](Copy) {
        std::this_thread::sleep_for(std::chrono::hours(1));
        return std::string();
      },
      std::chrono::milliseconds(300));
  EXPECT_NE(hung.find("did not finish"), std::string::npos) << hung;
  const std::string hungry = source([](Copy) -> std::string { throw std::bad_alloc(); });
  EXPECT_NE(hungry.find("more memory"), std::string::npos) << hungry;
  // The child's own refusal reaches the caller as it was.
  EXPECT_EQ(source([](Copy) -> std::string { throw core::Error("no"); }), "no");
  // A child that reads the file hands back a copy to read here (removed afterwards) and a note.
  fs::path kept;
  {
    const plugins::h5::Hdf5Source s(file, [](Copy copy) {
      writeText(copy, "copy");
      return std::string("note");
    });
    EXPECT_FALSE(s.sealed());
    EXPECT_EQ(readBytes(s.path()), "copy");
    EXPECT_EQ(s.note(), "note");
    kept = s.path();
  }
  EXPECT_FALSE(fs::exists(kept));
}

}  // namespace
}  // namespace phasewise::test
