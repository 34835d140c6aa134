// What each reader makes of its format's details: axes, wavelengths, headers, metadata.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "builtin_formats.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

TEST(TextFormatsTest, XyTakesAxisAndWavelengthFromItsHeader) {
  const ReadResult r = makeRegistry().read(writeXy(freshTempDir()));
  EXPECT_EQ(r.library.axis.spec.kind, AxisKind::TwoTheta);
  ASSERT_TRUE(r.library.axis.wavelength_angstrom);
  EXPECT_DOUBLE_EQ(*r.library.axis.wavelength_angstrom, 1.5406);
  EXPECT_EQ(r.library.points(), 201U);
}

TEST(TextFormatsTest, XyWithoutHeaderSaysWhatItAssumed) {
  const auto dir = freshTempDir();
  writeText(dir / "bare.xy", "10 1\n10.5 2\n11 3\n");
  const FormatRegistry& registry = makeRegistry();
  ReadResult r = registry.read(dir / "bare.xy");
  EXPECT_EQ(r.library.axis.spec.kind, AxisKind::TwoTheta);
  EXPECT_FALSE(r.library.axis.wavelength_angstrom);
  ASSERT_GE(r.warnings.size(), 2U);  // axis assumed, wavelength unknown
  ReadOptions options;
  options.axis = AxisSpec{AxisKind::Q, AxisUnit::InverseAngstrom};
  r = registry.read(dir / "bare.xy", options);
  EXPECT_EQ(r.library.axis.spec.unit, AxisUnit::InverseAngstrom);
  options.axis.reset();
  options.wavelength_angstrom = 0.7093;
  r = registry.read(dir / "bare.xy", options);
  EXPECT_DOUBLE_EQ(*r.library.axis.wavelength_angstrom, 0.7093);
  EXPECT_EQ(r.library.metadata.at("wavelength_source"), "given by the user");
}

TEST(TextFormatsTest, DescendingAxisIsReversedWithAWarning) {
  const auto dir = freshTempDir();
  writeText(dir / "down.xy", "# 2theta I\n12 3\n11 2\n10 1\n");
  const ReadResult r = makeRegistry().read(dir / "down.xy");
  EXPECT_EQ(r.library.axis.values, (std::vector<double>{10, 11, 12}));
  EXPECT_EQ(r.library.intensities, (std::vector<float>{1, 2, 3}));
}

TEST(TextFormatsTest, CsvColumnsBecomeSamples) {
  const ReadResult r = makeRegistry().read(writeCsv(freshTempDir()));
  EXPECT_EQ(r.library.samples, 2U);
  EXPECT_EQ(r.library.axis.spec, (AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre}));
  EXPECT_EQ(r.library.sample_metadata.at("name"), (std::vector<std::string>{"sample A", "sample B"}));
}

// What a library carries besides its numbers survives a text export as comments, and the file
// still reads back: the same patterns, axis and wavelength.
TEST(TextFormatsTest, TextWritersKeepMetadataAsCommentsAndReadBack) {
  const auto dir = freshTempDir();
  const FormatRegistry& registry = makeRegistry();
  Library lib = registry.read(writeCsv(dir)).library;
  lib.metadata["refinement"] = "lambda 10, best of 3 targets";
  lib.metadata["note"] = "two lines\nof text";
  lib.metadata["header"] = "# the original file's own comments";
  lib.sample_metadata["candidate"] = {"phase 1", "phase 2"};
  registry.writerFor(dir / "out.csv").write(lib, dir / "out.csv");
  std::ifstream in(dir / "out.csv");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("# refinement: lambda 10, best of 3 targets\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# note: two lines / of text\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("the original file's own comments"), std::string::npos) << "the source's header is not copied";
  EXPECT_NE(text.find("# sample A: candidate=phase 1\n# sample B: candidate=phase 2\n"), std::string::npos) << text;
  const Library back = registry.read(dir / "out.csv").library;
  EXPECT_EQ(back.intensities, lib.intensities);
  EXPECT_EQ(back.axis.spec, lib.axis.spec);
  EXPECT_EQ(back.sample_metadata.at("name"), lib.sample_metadata.at("name"));
  // One pattern as .xy: its own metadata as "# key: value" lines.
  Library one = lib;
  one.samples = 1;
  one.intensities.resize(lib.points());
  one.sample_metadata = {{"candidate", {"phase 1"}}};
  one.provenance.resize(1);
  registry.writerFor(dir / "one.xy").write(one, dir / "one.xy");
  std::ifstream xy(dir / "one.xy");
  const std::string xy_text((std::istreambuf_iterator<char>(xy)), std::istreambuf_iterator<char>());
  EXPECT_NE(xy_text.find("# candidate: phase 1\n"), std::string::npos) << xy_text;
  EXPECT_EQ(registry.read(dir / "one.xy").library.intensities, one.intensities);
}

TEST(TextFormatsTest, ChiReadsItsFourLineHeader) {
  const ReadResult r = makeRegistry().read(writeChi(freshTempDir()));
  EXPECT_EQ(r.library.axis.spec.kind, AxisKind::TwoTheta);
  EXPECT_EQ(r.library.points(), 101U);
  EXPECT_EQ(r.library.metadata.at("title"), "integrated.tif: Integrated");
}

TEST(TextFormatsTest, XrdmlVersionOneAndTwoAgree) {
  const auto dir = freshTempDir();
  const FormatRegistry& registry = makeRegistry();
  const Library v1 = registry.read(writeXrdml(dir, 1, "v1.xrdml")).library;
  const Library v2 = registry.read(writeXrdml(dir, 2, "v2.xrdml")).library;
  EXPECT_EQ(v1.intensities, v2.intensities);
  EXPECT_EQ(v1.points(), 1501U);
  EXPECT_DOUBLE_EQ(*v1.axis.wavelength_angstrom, 1.5405980);
  EXPECT_EQ(v2.metadata.at("wavelength_kalpha2_angstrom"), "1.544426");
  EXPECT_EQ(v2.metadata.at("sample_id"), "test-sample");
}

TEST(TextFormatsTest, InstanceKeepsPositionsAndSampleMetadata) {
  const ReadResult r = makeRegistry().read(writeInstance(freshTempDir()));
  const Library& lib = r.library;
  EXPECT_EQ(lib.samples, 3U);
  EXPECT_EQ(lib.elements, (std::vector<std::string>{"Fe", "Ni"}));
  EXPECT_EQ(lib.composition, (std::vector<double>{1.0, 0.0, 0.5, 0.5, 0.0, 1.0}));
  EXPECT_EQ(lib.x, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(lib.y, (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(lib.sample_metadata.at("sample_no"), (std::vector<std::string>{"11", "12", "13"}));
  EXPECT_EQ(lib.intensities[5], 1.0F);
}

TEST(TextFormatsTest, NpyFolderNamesElementsFromTheFolder) {
  const ReadResult r = makeRegistry().read(writeNpyFolder(freshTempDir()));
  const Library& lib = r.library;
  EXPECT_EQ(lib.elements, (std::vector<std::string>{"Fe", "Ni", "Co"}));
  EXPECT_EQ(lib.edges.size(), 1U);
  EXPECT_EQ(lib.phase_limit, (std::vector<std::int32_t>{3, 1}));
  EXPECT_EQ(lib.candidate_phases.size(), 3U);
  EXPECT_EQ(lib.candidate_mask, (std::vector<std::uint8_t>{1, 1, 1, 1, 0, 0}));
}

TEST(TextFormatsTest, FolderInterpolatesDifferingAxes) {
  const ReadResult r = makeRegistry().read(writePatternFolder(freshTempDir()));
  // The two files were measured at slightly different wavelengths: the library is on Q.
  EXPECT_EQ(r.library.axis.spec.kind, AxisKind::Q);
  EXPECT_EQ(r.library.x, (std::vector<double>{1.5, 3.5}));
  bool mentioned = false;
  for (const auto& w : r.warnings) mentioned = mentioned || w.find("interpolated") != std::string::npos;
  EXPECT_TRUE(mentioned);
}

}  // namespace
}  // namespace phasewise::test
