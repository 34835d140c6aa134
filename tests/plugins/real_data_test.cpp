// Tests on the real files in ../shared/data; each skips cleanly when that folder is absent.

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "builtin_formats.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"

namespace phasewise::test {
namespace {
using namespace core;
namespace fs = std::filesystem;

TEST(RealDataTest, AlLiFeInstanceAndNpyFolderAgree) {
  PHASEWISE_REQUIRE_DATA("drnets/solutions/Al-Li-Fe_inst_Q650.txt");
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe/XRD.npy");
  const FormatRegistry& registry = makeRegistry();
  const ReadResult text = registry.read(sharedDataDir() / "drnets/solutions/Al-Li-Fe_inst_Q650.txt");
  const ReadResult npy = registry.read(sharedDataDir() / "drnets/Al-Li-Fe");
  const Library& a = text.library;
  const Library& b = npy.library;
  ASSERT_EQ(a.samples, 231U);
  ASSERT_EQ(b.samples, 231U);
  ASSERT_EQ(a.points(), 650U);
  ASSERT_EQ(b.points(), 650U);
  EXPECT_EQ(a.elements, (std::vector<std::string>{"Al", "Li", "Fe"}));
  EXPECT_EQ(a.elements, b.elements);
  for (std::size_t i = 0; i < 650; ++i) EXPECT_NEAR(a.axis.values[i], b.axis.values[i], 1e-5);
  // The instance file stores each pattern divided by its maximum, to 6 decimals; XRD.npy
  // stores the unscaled float32 pattern. They agree to the text's precision once scaled.
  double worst = 0.0;
  for (std::size_t s = 0; s < 231; ++s) {
    const float* pb = b.pattern(s);
    const float peak = *std::max_element(pb, pb + 650);
    for (std::size_t i = 0; i < 650; ++i)
      worst = std::max(worst, std::abs(double(a.pattern(s)[i]) - double(pb[i]) / peak));
  }
  EXPECT_LT(worst, 1e-6);
  double composition = 0.0;
  for (std::size_t i = 0; i < a.composition.size(); ++i)
    composition = std::max(composition, std::abs(a.composition[i] - b.composition[i]));
  EXPECT_LT(composition, 1e-6);
  EXPECT_EQ(b.edges.size(), 630U);  // the Delaunay graph of the 21 x 21 triangular grid
  EXPECT_EQ(b.candidate_phases.size(), 159U);
}

TEST(RealDataTest, BiCuVReadsFromBothFormats) {
  PHASEWISE_REQUIRE_DATA("drnets/solutions/Bi-Cu-V307_inst_Q300.txt");
  PHASEWISE_REQUIRE_DATA("drnets/Bi-Cu-V-307/XRD.npy");
  const FormatRegistry& registry = makeRegistry();
  const Library text = registry.read(sharedDataDir() / "drnets/solutions/Bi-Cu-V307_inst_Q300.txt").library;
  const Library npy = registry.read(sharedDataDir() / "drnets/Bi-Cu-V-307").library;
  EXPECT_EQ(text.samples, 307U);
  EXPECT_EQ(npy.samples, 307U);
  EXPECT_EQ(text.points(), 300U);  // a downsampling of ...
  EXPECT_EQ(npy.points(), 1197U);  // ... the full pattern
  EXPECT_EQ(text.elements, npy.elements);
  ASSERT_EQ(text.composition.size(), npy.composition.size());
  for (std::size_t i = 0; i < text.composition.size(); ++i) EXPECT_NEAR(text.composition[i], npy.composition[i], 1e-4);
  EXPECT_EQ(text.x.size(), 307U);
  EXPECT_EQ(text.sample_metadata.at("pattern_fn").size(), 307U);
}

TEST(RealDataTest, EveryXrdmlFileReadsWithItsRangeCountAndWavelength) {
  PHASEWISE_REQUIRE_DATA("dara-powder/precursor_mixture");
  const FormatRegistry& registry = makeRegistry();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(sharedDataDir() / "dara-powder/precursor_mixture")) {
    if (entry.path().extension() != ".xrdml") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    const FormatReader& reader = registry.readerFor(entry.path());
    EXPECT_EQ(reader.id(), "xrdml");
    const Library lib = reader.read(entry.path()).library;
    EXPECT_EQ(lib.samples, 1U);
    EXPECT_EQ(lib.axis.spec.kind, AxisKind::TwoTheta);
    ASSERT_TRUE(lib.axis.wavelength_angstrom);
    EXPECT_DOUBLE_EQ(*lib.axis.wavelength_angstrom, 1.5405980);
    EXPECT_EQ(lib.metadata.at("wavelength_kalpha2_angstrom"), "1.544426");
    const bool fast = entry.path().filename().string().find("--2min") != std::string::npos;
    if (fast) {
      EXPECT_EQ(lib.points(), 2071U);
      EXPECT_NEAR(lib.axis.front(), 10.02173288, 1e-9);
      EXPECT_NEAR(lib.axis.back(), 99.99585608, 1e-9);
    } else {
      EXPECT_EQ(lib.points(), 8282U);
      EXPECT_NEAR(lib.axis.front(), 10.00943322, 1e-9);
      EXPECT_NEAR(lib.axis.back(), 99.99442286, 1e-9);
    }
  }
  EXPECT_EQ(files, 40);
}

TEST(RealDataTest, FolderOfXrdmlFilesRoundTripsThroughHdf5) {
  PHASEWISE_REQUIRE_DATA("dara-powder/precursor_mixture");
  const FormatRegistry& registry = makeRegistry();
  const fs::path dir = freshTempDir() / "mixtures";
  fs::create_directories(dir);
  // The table points at the shared files where they lie; nothing is copied.
  std::string table = "file,Ni,Bi,Ti\n";
  int rows = 0;
  for (const auto& entry : fs::directory_iterator(sharedDataDir() / "dara-powder/precursor_mixture")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("NiO_", 0) != 0 || name.find("Bi2O3") == std::string::npos) continue;
    table += entry.path().string() + (rows % 2 ? ",0.6,0.4,0\n" : ",0.3,0.3,0.4\n");
    ++rows;
  }
  ASSERT_GE(rows, 2);
  writeText(dir / "composition.csv", table);
  const ReadResult folder = registry.read(dir);
  EXPECT_EQ(folder.library.samples, static_cast<std::size_t>(rows));
  EXPECT_EQ(folder.library.axis.spec.kind, AxisKind::TwoTheta);  // same wavelength everywhere: stays 2-theta
  registry.writer("phasewise-h5").write(folder.library, dir / "mixtures.h5");
  const Library back = registry.read(dir / "mixtures.h5").library;
  std::string difference;
  EXPECT_TRUE(identical(folder.library, back, &difference)) << difference;
}

}  // namespace
}  // namespace phasewise::test
