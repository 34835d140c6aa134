// The xylib reader: hand-written text layouts (UXD), the real vendor files of
// ../shared/data/instrument-samples (skipped when absent), damaged files, and the round trip
// through Phasewise's HDF5.
#include "format_xylib/xylib_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "format_hdf5/hdf5_format.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
namespace fs = std::filesystem;

std::string uxd(const std::string& wavelength_lines, int points, double start = 10.0, double step = 0.02) {
  std::string text = "; hand-written UXD\n_FILEVERSION=2\n_SAMPLE='test'\n" + wavelength_lines +
                     "; (Data for Range number 1)\n_DRIVE='COUPLED'\n_STEPSIZE=" + std::to_string(step) +
                     "\n_STEPMODE='C'\n_START=" + std::to_string(start) + "\n_2THETA=" + std::to_string(start) +
                     "\n_2THETACOUNTS\n";
  for (int i = 0; i < points; ++i)
    text += std::to_string(start + step * i) + "\t" + std::to_string(100 + (i % 7) * 10) + "\n";
  return text;
}

std::string bytesOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(XylibReaderTest, ReadsAHandWrittenUxdWithItsWavelength) {
  const fs::path dir = freshTempDir();
  writeText(dir / "scan.uxd", uxd("_WL_UNIT='A'\n_WL1=1.540600\n_WL2=1.544390\n_ANODE='Cu'\n", 50));
  const core::ReadResult r = makeRegistry().read(dir / "scan.uxd");
  EXPECT_EQ(r.library.samples, 1U);
  ASSERT_EQ(r.library.points(), 50U);
  EXPECT_EQ(r.library.axis.spec.kind, core::AxisKind::TwoTheta);
  EXPECT_NEAR(r.library.axis.values.front(), 10.0, 1e-9);
  EXPECT_NEAR(r.library.axis.values.back(), 10.98, 1e-6);
  ASSERT_TRUE(r.library.axis.wavelength_angstrom);
  EXPECT_NEAR(*r.library.axis.wavelength_angstrom, 1.5406, 1e-9);
  EXPECT_EQ(r.library.intensities[1], 110.0F);
  EXPECT_NE(r.library.metadata.at("format").find("uxd"), std::string::npos);
}

TEST(XylibReaderTest, NeverAssumesAWavelength) {
  const fs::path dir = freshTempDir();
  // Only the anode: its K-alpha1, said in a warning.
  writeText(dir / "anode.uxd", uxd("_ANODE='Cu'\n", 20));
  const core::ReadResult anode = makeRegistry().read(dir / "anode.uxd");
  ASSERT_TRUE(anode.library.axis.wavelength_angstrom);
  EXPECT_NEAR(*anode.library.axis.wavelength_angstrom, 1.5406, 1e-3);
  EXPECT_TRUE(std::any_of(anode.warnings.begin(), anode.warnings.end(),
                          [](const std::string& w) { return w.find("anode Cu") != std::string::npos; }));
  // Nothing: none.
  writeText(dir / "bare.uxd", uxd("", 20));
  EXPECT_FALSE(makeRegistry().read(dir / "bare.uxd").library.axis.wavelength_angstrom);
}

TEST(XylibReaderTest, DamagedFilesFailWithOneLine) {
  const fs::path dir = freshTempDir();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"one_point.uxd", uxd("_WL1=1.5406\n", 1)},
      {"no_counts.uxd", "_FILEVERSION=2\n_WL1=1.5406\n_2THETACOUNTS\n"},
      {"text_counts.uxd", uxd("", 5) + "abc\tdef\n"},
      {"backwards.uxd", uxd("", 5, 10.0, -0.02) + "11.0\t5\n"},
      {"nan.uxd", "_FILEVERSION=2\n_2THETACOUNTS\n10\tnan\n10.02\t1\n10.04\t2\n"},
      {"repeated.uxd", "_FILEVERSION=2\n_2THETACOUNTS\n10\t1\n10\t1\n10.04\t2\n"},
      {"header_only.uxd", "_FILEVERSION=2\n_SAMPLE='x'\n"},
      {"long_line.uxd", "_FILEVERSION=2\n_SAMPLE='" + std::string(200000, '1') + "'\n_2THETACOUNTS\n10\t1\n"},
      {"raw_magic_only.raw", std::string("RAW1.01") + std::string(10, '\0')},
      {"raw_truncated.raw", std::string("RAW1.01") + std::string(700, '\x01')},
      {"raw_v2_short.raw", std::string("RAW2") + std::string(300, '\xff')},
  };
  for (const auto& [name, content] : cases) {
    writeText(dir / name, content);
    try {
      const core::ReadResult r = makeRegistry().read(dir / name);
      EXPECT_NO_THROW(r.library.validate()) << name;  // read into something sane, or ...
    } catch (const core::FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();  // ... refused, naming the file
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    } catch (const core::Error& e) {
      ADD_FAILURE() << name << ": not a FormatError: " << e.what();
    }
  }
}

class VendorFileTest : public ::testing::Test {
 protected:
  static fs::path sample(const std::string& name) { return sharedDataDir() / "instrument-samples" / name; }
};

TEST_F(VendorFileTest, RealDataBrukerRawAndItsUxdExportAgree) {
  PHASEWISE_REQUIRE_DATA("instrument-samples/BT86.raw");
  const core::ReadResult raw = makeRegistry().read(sample("BT86.raw"));
  const core::ReadResult uxd = makeRegistry().read(sample("BT86_.UXD"));
  ASSERT_EQ(raw.library.points(), uxd.library.points());
  for (std::size_t i = 0; i < raw.library.points(); ++i) {
    EXPECT_NEAR(raw.library.axis.values[i], uxd.library.axis.values[i], 5.1e-3) << i;  // UXD prints 4 digits
    EXPECT_EQ(raw.library.intensities[i], uxd.library.intensities[i]) << i;
  }
  EXPECT_NEAR(*raw.library.axis.wavelength_angstrom, 1.5406, 1e-9);
  EXPECT_NEAR(*uxd.library.axis.wavelength_angstrom, 1.5406, 1e-9);
}

TEST_F(VendorFileTest, RealDataEveryVendorFileOpensAndRoundTripsThroughHdf5) {
  PHASEWISE_REQUIRE_DATA("instrument-samples/Cu3Au-1.raw");
  const fs::path dir = freshTempDir();
  struct Expected {
    std::string name;
    std::size_t points;
    bool wavelength;
  };
  for (const Expected& e :
       {Expected{"BT86.raw", 2374, true}, Expected{"BT86_.UXD", 2374, true}, Expected{"Cu3Au-1.raw", 3901, true},
        Expected{"format1.raw", 178, true}, Expected{"D1A5.dat", 1680, false}}) {
    const core::ReadResult r = makeRegistry().read(sample(e.name));
    EXPECT_EQ(r.library.points(), e.points) << e.name;
    EXPECT_EQ(r.library.axis.wavelength_angstrom.has_value(), e.wavelength) << e.name;
    const fs::path out = dir / (e.name + ".h5");
    plugins::Hdf5Writer().write(r.library, out);
    const core::Library back = makeRegistry().read(out).library;
    EXPECT_EQ(back.axis.values, r.library.axis.values) << e.name;
    EXPECT_EQ(back.intensities, r.library.intensities) << e.name;
    EXPECT_EQ(back.axis.wavelength_angstrom, r.library.axis.wavelength_angstrom) << e.name;
  }
  // Truncated copies of each binary file fail cleanly.
  for (const char* name : {"BT86.raw", "Cu3Au-1.raw", "format1.raw"}) {
    const std::string bytes = bytesOf(sample(name));
    for (std::size_t keep : {std::size_t{8}, std::size_t{200}, std::size_t{712}, bytes.size() / 2, bytes.size() - 3}) {
      const fs::path cut = dir / ("cut_" + std::to_string(keep) + "_" + name);
      writeText(cut, bytes.substr(0, keep));
      try {
        const core::ReadResult r = makeRegistry().read(cut);
        EXPECT_NO_THROW(r.library.validate()) << cut;
      } catch (const core::FormatError&) {
      }
    }
  }
}

}  // namespace
}  // namespace phasewise::test
