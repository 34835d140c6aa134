#include <gtest/gtest.h>

#include <cmath>

#include "model/chemistry.h"
#include "simulate/formula.h"
#include "simulate/phase_library.h"
#include "simulate/stick_tables.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

TEST(FormulaTest, ReadsCountsBracketsAndBlanks) {
  EXPECT_EQ(parseFormula("Fe2O3"), (std::map<std::string, double>{{"Fe", 2}, {"O", 3}}));
  EXPECT_EQ(parseFormula("Fe2 O3"), (std::map<std::string, double>{{"Fe", 2}, {"O", 3}}));
  EXPECT_EQ(parseFormula("Ca(OH)2"), (std::map<std::string, double>{{"Ca", 1}, {"H", 2}, {"O", 2}}));
  const auto spinel = parseFormula("(Al2O3)1.333");
  EXPECT_NEAR(spinel.at("Al"), 2.666, 1e-12);
  EXPECT_NEAR(spinel.at("O"), 3.999, 1e-12);
  EXPECT_NEAR(atomicFractions(parseFormula("Li0.6Fe2.4O4")).at("O"), 4.0 / 7.0, 1e-12);
  EXPECT_THROW((void)parseFormula("Xy2"), Error);
  EXPECT_THROW((void)parseFormula("(Fe2"), Error);
  EXPECT_EQ(formulaFromPhaseName("0+(Al2O3)1.333_01-075-0921_Cubic.txt"), "(Al2O3)1.333");
  EXPECT_EQ(formulaFromPhaseName("111+Li0.5Fe1.5AlO4_04-006-8187_Cubic.txt"), "Li0.5Fe1.5AlO4");
  EXPECT_EQ(formulaFromPhaseName("cod_FeMnO3-Bixbyite.cif"), "FeMnO3");
  EXPECT_EQ(formulaFromPhaseName("cod_Fe-Iron-alpha.cif"), "Fe");
  EXPECT_EQ(formulaFromPhaseName("amcsd_Sapphire.cif"), "");  // a mineral name is no formula
  EXPECT_EQ(formulaFromPhaseName("Cuprite"), "");
}

TEST(PhaseLibraryTest, ElementsOutsideTheLibrarysSystem) {
  ReferencePhase zirconia;
  zirconia.composition = atomicFractions(parseFormula("ZrO2"));
  ReferencePhase hematite;
  hematite.composition = atomicFractions(parseFormula("Fe2O3"));
  const std::vector<std::string> spread = {"Fe", "Ni", "Cu"};
  EXPECT_EQ(elementsOutside(hematite, spread, {"O"}), std::vector<std::string>{});
  EXPECT_EQ(elementsOutside(hematite, spread, {}), std::vector<std::string>{"O"});  // a metal spread
  EXPECT_EQ(elementsOutside(zirconia, spread, {"O"}), std::vector<std::string>{"Zr"});
  EXPECT_EQ(elementsOutside(zirconia, {"fe", "zr"}, {"o"}), std::vector<std::string>{});  // case does not matter
  EXPECT_EQ(elementsOutside(zirconia, {}, {}), std::vector<std::string>{});  // no system named: nothing ruled out
  ReferencePhase carbonate;  // the light non-metals the library-guided fit allows pass; lithium does not
  carbonate.composition = atomicFractions(parseFormula("Li2CO3"));
  EXPECT_EQ(elementsOutside(carbonate, spread, lightNonMetals()), std::vector<std::string>{"Li"});
  ReferencePhase unknown;  // a stick card without a formula
  EXPECT_EQ(elementsOutside(unknown, spread, {}), std::vector<std::string>{});
}

TEST(StickTableTest, PlainTablesNeedToNameTheirPosition) {
  const auto dir = freshTempDir();
  writeText(dir / "Fe2O3.txt", "# two_theta intensity h k l\n24.1 30 0 1 2\n33.2 100 1 0 4\n");
  EXPECT_THROW((void)readStickTable(dir / "Fe2O3.txt"), FormatError);  // 2-theta without a wavelength
  StickTableOptions options;
  options.wavelength_angstrom = 1.540562;
  const PhaseLibrary library = readStickTable(dir / "Fe2O3.txt", options);
  ASSERT_EQ(library.size(), 1U);
  EXPECT_EQ(library.phases[0].formula, "Fe2O3");
  EXPECT_NEAR(library.phases[0].composition.at("O"), 0.6, 1e-12);
  ASSERT_EQ(library.phases[0].sticks.size(), 2U);
  EXPECT_NEAR(library.phases[0].sticks[1].q_nm, twoThetaToQ(33.2, 1.540562, AxisUnit::InverseNanometre), 1e-9);
  EXPECT_EQ(*library.phases[0].sticks[0].hkl, (std::array<int, 3>{0, 1, 2}));
  // Back at the same wavelength, the sticks land where they were.
  PowderSettings settings;
  settings.radiation = Radiation::monochromatic(1.540562);
  const StickPattern sticks = idealSticks(library.phases[0], settings);
  EXPECT_NEAR(sticks.peaks[1].two_theta, 33.2, 1e-9);
  EXPECT_DOUBLE_EQ(sticks.peaks[1].intensity, 100.0);
  writeText(dir / "bad.txt", "# q_nm intensity\n20 abc\n");
  EXPECT_THROW((void)readStickTable(dir / "bad.txt"), FormatError);
  // Found by fuzzing: a phase index of 5.6e28 was converted to long (undefined behaviour).
  writeText(dir / "huge.tsv",
            "# phase_index\tphase_name\tQ_nm^-1\tintensity\n55555555555555555555555555555\ta\t23\t1\n");
  try {
    (void)readStickTable(dir / "huge.tsv");
    ADD_FAILURE() << "a phase index of 5.6e28 was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("phase_index"), std::string::npos) << e.what();
  }
}

TEST(StickTableTest, RealDataDrnetsStickLibraries) {
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe/sticks_lib.tsv");
  const PhaseLibrary library = readStickTable(sharedDataDir() / "drnets/Al-Li-Fe/sticks_lib.tsv");
  EXPECT_EQ(library.size(), 159U);
  EXPECT_EQ(library.phases[0].name, "0+(Al2O3)1.333_01-075-0921_Cubic.txt");
  EXPECT_EQ(library.phases[0].sticks.size(), 9U);
  EXPECT_NEAR(library.phases[0].composition.at("Al"), 0.4, 1e-3);
  std::size_t with_composition = 0;
  for (const auto& p : library.phases) with_composition += !p.composition.empty();
  EXPECT_GT(with_composition, 150U);
  const PhaseLibrary truth = readStickTable(sharedDataDir() / "drnets/Al-Li-Fe/stick_bases.tsv");
  EXPECT_EQ(truth.size(), 6U);
  PHASEWISE_REQUIRE_DATA("drnets/Bi-Cu-V-307/sticks_lib.tsv");
  EXPECT_EQ(readStickTable(sharedDataDir() / "drnets/Bi-Cu-V-307/sticks_lib.tsv").size(), 100U);
}

}  // namespace
}  // namespace phasewise::test
