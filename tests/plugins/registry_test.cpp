// Which reader claims which file: table-driven over every sample format, including files
// whose extension lies about their content.

#include "io/registry.h"

#include <gtest/gtest.h>

#include "builtin_formats.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
struct Claim {
  const char* name;
  std::filesystem::path (*make)(const std::filesystem::path&);
  const char* reader;
};

std::filesystem::path xy(const std::filesystem::path& d) { return writeXy(d); }
std::filesystem::path xrdml1(const std::filesystem::path& d) { return writeXrdml(d, 1); }
std::filesystem::path xrdml2(const std::filesystem::path& d) { return writeXrdml(d, 2); }
std::filesystem::path xrdmlNamedTxt(const std::filesystem::path& d) { return writeXrdml(d, 2, "mislabelled.txt"); }
std::filesystem::path xyNamedCsv(const std::filesystem::path& d) { return writeXy(d, "mislabelled.csv"); }
std::filesystem::path xyNamedDat(const std::filesystem::path& d) { return writeXy(d, "p.dat"); }
std::filesystem::path npyInside(const std::filesystem::path& d) { return writeNpyFolder(d) / "XRD.npy"; }
std::filesystem::path h5NamedBin(const std::filesystem::path& d) {
  const auto p = writeHdf5(d);
  std::filesystem::rename(p, d / "lib.bin");
  return d / "lib.bin";
}

void PrintTo(const Claim& c, std::ostream* out) { *out << c.name; }

class ReaderClaimTest : public ::testing::TestWithParam<Claim> {};

TEST_P(ReaderClaimTest, TheRightReaderClaimsTheFile) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const auto path = GetParam().make(freshTempDir());
  EXPECT_EQ(registry.readerFor(path).id(), GetParam().reader);
  EXPECT_NO_THROW((void)registry.read(path));
}

INSTANTIATE_TEST_SUITE_P(
    SampleFiles, ReaderClaimTest,
    ::testing::Values(Claim{"xy", xy, "xy"}, Claim{"xye", writeXye, "xy"}, Claim{"dat", xyNamedDat, "xy"},
                      Claim{"csv", writeCsv, "csv"}, Claim{"chi", writeChi, "chi"}, Claim{"xrdml1", xrdml1, "xrdml"},
                      Claim{"xrdml2", xrdml2, "xrdml"}, Claim{"instance", writeInstance, "instance"},
                      Claim{"npyfolder", writeNpyFolder, "npy-folder"}, Claim{"npyfile", npyInside, "npy-folder"},
                      Claim{"folder", writePatternFolder, "folder"}, Claim{"hdf5", writeHdf5, "phasewise-h5"},
                      Claim{"xrdmlastxt", xrdmlNamedTxt, "xrdml"}, Claim{"xyascsv", xyNamedCsv, "xy"},
                      Claim{"hdf5asbin", h5NamedBin, "phasewise-h5"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RegistryTest, UnknownIdsAndExtensionsAreErrors) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  EXPECT_THROW((void)registry.reader("no-such-format"), core::Error);
  EXPECT_THROW((void)registry.writer("no-such-format"), core::Error);
  EXPECT_THROW((void)registry.writerFor("out.docx"), core::Error);
  EXPECT_EQ(registry.writerFor("OUT.H5").id(), "phasewise-h5");
  const auto dir = freshTempDir();
  writeText(dir / "notes.md", "# just some notes\nnothing numeric here\n");
  EXPECT_THROW((void)registry.readerFor(dir / "notes.md"), core::FormatError);
  EXPECT_THROW((void)registry.readerFor(dir / "missing.xy"), core::FormatError);
}

TEST(RegistryTest, DuplicateIdsAreRefused) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  EXPECT_THROW(plugins::registerBuiltinFormats(registry), core::Error);
}

}  // namespace
}  // namespace phasewise::test
