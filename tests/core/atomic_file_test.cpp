#include "util/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "util/error.h"

namespace phasewise::core {
namespace {

std::string contents(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(AtomicFileTest, CommitReplacesTheTarget) {
  const auto dir = test::freshTempDir();
  test::writeText(dir / "t.txt", "old");
  {
    AtomicFile file(dir / "t.txt");
    test::writeText(file.temporaryPath(), "new");
    EXPECT_EQ(contents(dir / "t.txt"), "old");  // untouched until commit
    file.commit();
  }
  EXPECT_EQ(contents(dir / "t.txt"), "new");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(AtomicFileTest, AnAbandonedWriteLeavesNothingBehind) {
  const auto dir = test::freshTempDir();
  test::writeText(dir / "t.txt", "old");
  {
    AtomicFile file(dir / "t.txt");
    test::writeText(file.temporaryPath(), "half");
  }
  EXPECT_EQ(contents(dir / "t.txt"), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(AtomicFileTest, AMissingFolderIsAnError) {
  EXPECT_THROW(AtomicFile(test::freshTempDir() / "no" / "such" / "t.txt"), Error);
}

}  // namespace
}  // namespace phasewise::core
