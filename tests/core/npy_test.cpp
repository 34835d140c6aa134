#include "io/npy.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
using test::freshTempDir;

struct NpyCase {
  int version;
  std::string descr;
  bool fortran;
};

class NpyRoundTripTest : public ::testing::TestWithParam<NpyCase> {};

TEST_P(NpyRoundTripTest, ReadsWhatWasWritten) {
  const NpyCase c = GetParam();
  const auto path = freshTempDir() / "a.npy";
  const std::vector<double> values = {1, -2, 3, 4, 5, -6};  // 2 x 3, C order
  writeNpy(path, {c.version, c.descr, c.fortran}, {2, 3}, values);
  const NpyArray a = readNpy(path);
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(a.numbers, values);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, NpyRoundTripTest,
                         ::testing::Values(NpyCase{1, "<f4", false}, NpyCase{1, "<f8", false}, NpyCase{1, ">f8", false},
                                           NpyCase{2, "<i4", false}, NpyCase{3, ">i8", false}, NpyCase{1, "<f8", true},
                                           NpyCase{2, ">f4", true}, NpyCase{1, "|i1", false}, NpyCase{1, "<i2", true}));

TEST(NpyTest, FortranOrderComesBackInCOrder) {
  const auto dir = freshTempDir();
  const std::vector<double> values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};  // 2 x 3 x 2
  writeNpy(dir / "f.npy", {1, "<f8", true}, {2, 3, 2}, values);
  writeNpy(dir / "c.npy", {1, "<f8", false}, {2, 3, 2}, values);
  EXPECT_EQ(readNpy(dir / "f.npy").numbers, values);
  // The bytes really differ: Fortran order stores the first index fastest.
  std::ifstream f(dir / "f.npy", std::ios::binary), c(dir / "c.npy", std::ios::binary);
  const std::string fb((std::istreambuf_iterator<char>(f)), {}), cb((std::istreambuf_iterator<char>(c)), {});
  EXPECT_NE(fb, cb);
}

TEST(NpyTest, ReadsUnicodeStrings) {
  const auto path = freshTempDir() / "names.npy";
  writeNpy(path, {1, "<U12", false}, {3}, {}, {"Al2O3", "LiFeO2", "\xce\xb1-Fe"});
  const NpyArray a = readNpy(path);
  EXPECT_EQ(a.kind, 'U');
  EXPECT_EQ(a.strings, (std::vector<std::string>{"Al2O3", "LiFeO2", "\xce\xb1-Fe"}));
  writeNpy(path, {2, ">U4", false}, {2}, {}, {"ab", "cdef"});
  EXPECT_EQ(readNpy(path).strings, (std::vector<std::string>{"ab", "cdef"}));
}

TEST(NpyTest, TruncatedDataIsReportedBeforeAllocating) {
  const auto path = freshTempDir() / "t.npy";
  writeNpy(path, {1, "<f8", false}, {100}, std::vector<double>(100, 1.0));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 8);
  try {
    (void)readNpy(path);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(NpyTest, HeaderClaimingTerabytesIsRefused) {
  const auto path = freshTempDir() / "huge.npy";
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(header.size() & 0xFF));
  out.put(static_cast<char>(header.size() >> 8));
  out << header << "12345678";
  out.close();
  EXPECT_THROW((void)readNpy(path), FormatError);
}

TEST(NpyTest, UnsupportedDtypesAreNamed) {
  const auto dir = freshTempDir();
  for (const std::string descr : {"<c16", "|O", "<M8"}) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::ofstream out(dir / "x.npy", std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    out.put(static_cast<char>(header.size() & 0xFF));
    out.put(static_cast<char>(header.size() >> 8));
    out << header << std::string(16, '\0');
    out.close();
    try {
      (void)readNpy(dir / "x.npy");
      FAIL() << descr;
    } catch (const FormatError& e) {
      EXPECT_EQ(e.field(), "descr") << e.what();
    }
  }
}

}  // namespace
}  // namespace phasewise::core
