// Writing and reading back: HDF5 must be lossless for everything a Library holds; the text
// formats must keep what they can express.

#include <gtest/gtest.h>

#include "builtin_formats.h"
#include "example/synthetic_library.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

Library richLibrary() {
  SyntheticLibrarySpec spec;
  spec.grid_divisions = 6;
  spec.points = 120;
  Library lib = makeSyntheticLibrary(spec).library;
  lib.uncertainties.assign(lib.intensities.size(), 0.5F);
  lib.candidate_phases = {"alpha", "beta"};
  lib.candidate_mask.assign(lib.samples * 2, 1);
  lib.candidate_mask[3] = 0;
  lib.metadata["operator"] = "unit test, with unicode \xce\xbb";
  lib.sample_metadata["plate"] = std::vector<std::string>(lib.samples, "2783");
  lib.axis.wavelength_angstrom = 1.5406;
  return lib;
}

TEST(RoundTripTest, Hdf5KeepsEverything) {
  const FormatRegistry& registry = makeRegistry();
  const Library lib = richLibrary();
  const auto path = freshTempDir() / "rich.h5";
  registry.writerFor(path).write(lib, path);
  const Library back = registry.read(path).library;
  std::string difference;
  EXPECT_TRUE(identical(lib, back, &difference)) << difference;
}

TEST(RoundTripTest, Hdf5WriteIsAtomic) {
  const FormatRegistry& registry = makeRegistry();
  const auto dir = freshTempDir();
  const Library good = richLibrary();
  registry.writerFor(dir / "lib.h5").write(good, dir / "lib.h5");
  Library bad = good;
  bad.sample_metadata["a/b"] = std::vector<std::string>(bad.samples, "x");  // cannot be written
  EXPECT_THROW(registry.writerFor(dir / "lib.h5").write(bad, dir / "lib.h5"), Error);
  EXPECT_TRUE(identical(registry.read(dir / "lib.h5").library, good));        // the old file survived
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temporary left
}

TEST(RoundTripTest, InstanceTextKeepsDataCompositionsAndPositions) {
  const FormatRegistry& registry = makeRegistry();
  Library lib = richLibrary();
  lib.uncertainties.clear();
  const auto path = freshTempDir() / "lib_inst.txt";
  registry.writer("instance").write(lib, path);
  const Library back = registry.read(path).library;
  EXPECT_EQ(back.samples, lib.samples);
  EXPECT_EQ(back.intensities, lib.intensities);  // shortest round-trip formatting is exact
  EXPECT_EQ(back.composition, lib.composition);
  EXPECT_EQ(back.x, lib.x);
  EXPECT_EQ(back.sample_metadata.at("plate"), lib.sample_metadata.at("plate"));
  ASSERT_EQ(back.points(), lib.points());
  for (std::size_t i = 0; i < lib.points(); ++i) EXPECT_DOUBLE_EQ(back.axis.values[i], lib.axis.values[i]);
}

TEST(RoundTripTest, InstanceTextConvertsTwoThetaToQ) {
  const FormatRegistry& registry = makeRegistry();
  const auto dir = freshTempDir();
  const Library xrd = registry.read(writeXrdml(dir, 2)).library;
  registry.writer("instance").write(xrd, dir / "inst.txt");
  const Library back = registry.read(dir / "inst.txt").library;
  EXPECT_EQ(back.axis.spec, (AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre}));
  EXPECT_NEAR(back.axis.front(), twoThetaToQ(10.0, 1.5405980, AxisUnit::InverseNanometre), 1e-9);
  Library no_wavelength = xrd;
  no_wavelength.axis.wavelength_angstrom.reset();
  EXPECT_THROW(registry.writer("instance").write(no_wavelength, dir / "x.txt"), Error);
}

TEST(RoundTripTest, SinglePatternTextFormats) {
  const FormatRegistry& registry = makeRegistry();
  const auto dir = freshTempDir();
  const Library xye = registry.read(writeXye(dir)).library;
  for (const char* name : {"out.xye", "out.csv"}) {
    registry.writerFor(dir / name).write(xye, dir / name);
    const Library back = registry.read(dir / name).library;
    EXPECT_EQ(back.intensities, xye.intensities) << name;
    EXPECT_EQ(back.uncertainties, xye.uncertainties) << name;
    EXPECT_EQ(back.axis.values, xye.axis.values) << name;
    EXPECT_EQ(back.axis.spec, xye.axis.spec) << name;
  }
  // An .xy file holds one pattern: a library of many is refused, not silently truncated.
  EXPECT_THROW(registry.writerFor(dir / "many.xy").write(richLibrary(), dir / "many.xy"), Error);
}

TEST(RoundTripTest, FolderOfFilesSurvivesHdf5) {
  const FormatRegistry& registry = makeRegistry();
  const auto dir = freshTempDir();
  const ReadResult folder = registry.read(writePatternFolder(dir));
  EXPECT_EQ(folder.library.samples, 2U);
  EXPECT_EQ(folder.library.elements, (std::vector<std::string>{"Fe", "Ni"}));
  registry.writer("phasewise-h5").write(folder.library, dir / "spread.h5");
  std::string difference;
  EXPECT_TRUE(identical(folder.library, registry.read(dir / "spread.h5").library, &difference)) << difference;
}

}  // namespace
}  // namespace phasewise::test

namespace phasewise::test {
namespace {

TEST(ReadProgressTest, ReadingReportsProgressAndCanBeCancelled) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  core::SyntheticLibrarySpec spec;
  spec.grid_divisions = 30;  // 496 samples: enough lines for several progress reports
  const auto path = freshTempDir() / "big_inst.txt";
  registry.writer("instance").write(core::makeSyntheticLibrary(spec).library, path);
  int reports = 0;
  core::ReadOptions options;
  options.progress = [&](double fraction, std::string_view) {
    EXPECT_GE(fraction, 0.0);
    EXPECT_LE(fraction, 1.0);
    return ++reports < 3;  // stop at the third report
  };
  EXPECT_THROW((void)registry.read(path, options), core::CancelledError);
  EXPECT_EQ(reports, 3);
  options.progress = [&](double, std::string_view) { return true; };
  EXPECT_EQ(registry.read(path, options).library.samples, 496U);
}

}  // namespace
}  // namespace phasewise::test
