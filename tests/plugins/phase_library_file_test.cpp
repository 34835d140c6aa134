#include "format_hdf5/phase_library_file.h"

#include "format_hdf5/phasewise_contents.h"

#include <gtest/gtest.h>

#include "simulate/cif_reader.h"
#include "simulate/powder_pattern.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

PhaseLibrary mixedLibrary() {
  const std::string text =
      "data_rutile\n_cell_length_a 4.5937\n_cell_length_b 4.5937\n_cell_length_c 2.9581\n_cell_angle_alpha 90\n"
      "_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'P 42/m n "
      "m'\nloop_\n_atom_site_label\n"
      "_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_B_iso_or_equiv\n"
      "Ti Ti4+ 0 0 0 0.4\nO O2- 0.3048 0.3048 0 0.6\n";
  PhaseLibrary library;
  library.phases.push_back(phaseFromStructure(readCifText(text, "rutile.cif").structure));
  ReferencePhase sticks;
  sticks.name = "made-up sticks";
  sticks.formula = "Fe2O3";
  sticks.composition = {{"Fe", 0.4}, {"O", 0.6}};
  sticks.source = "test";
  sticks.sticks = {{20.0, 100.0, std::array<int, 3>{1, 0, 4}}, {35.5, 12.5, std::nullopt}};
  library.phases.push_back(sticks);
  return library;
}

TEST(PhaseLibraryFileTest, RoundTripKeepsStructuresAndSticks) {
  const auto path = freshTempDir() / "phases.h5";
  const PhaseLibrary library = mixedLibrary();
  plugins::writePhaseLibraryFile(library, path);
  EXPECT_TRUE(plugins::phasewiseContents(path).phases);
  const PhaseLibrary back = plugins::readPhaseLibraryFile(path);
  ASSERT_EQ(back.size(), 2U);
  EXPECT_EQ(back.phases[0].name, library.phases[0].name);
  EXPECT_EQ(back.phases[0].composition, library.phases[0].composition);
  ASSERT_TRUE(back.phases[0].structure);
  EXPECT_EQ(back.phases[0].structure->operations.size(), library.phases[0].structure->operations.size());
  EXPECT_EQ(back.phases[0].structure->sites[1].charge, -2);
  EXPECT_TRUE(back.phases[0].structure->sites[1].b_from_file);
  // The reloaded structure simulates the very same pattern.
  const PowderSettings settings;
  const StickPattern a = simulateSticks(*library.phases[0].structure, settings);
  const StickPattern b = simulateSticks(*back.phases[0].structure, settings);
  ASSERT_EQ(a.peaks.size(), b.peaks.size());
  for (std::size_t i = 0; i < a.peaks.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.peaks[i].two_theta, b.peaks[i].two_theta);
    EXPECT_DOUBLE_EQ(a.peaks[i].intensity, b.peaks[i].intensity);
  }
  EXPECT_FALSE(back.phases[1].structure);
  ASSERT_EQ(back.phases[1].sticks.size(), 2U);
  EXPECT_EQ(*back.phases[1].sticks[0].hkl, (std::array<int, 3>{1, 0, 4}));
  EXPECT_FALSE(back.phases[1].sticks[1].hkl);
  EXPECT_DOUBLE_EQ(back.phases[1].sticks[1].intensity, 12.5);
  EXPECT_EQ(back.phases[1].composition, library.phases[1].composition);
}

TEST(PhaseLibraryFileTest, ASampleLibraryFileIsNotAPhaseLibrary) {
  const auto dir = freshTempDir();
  writeText(dir / "not.h5", "plain text");
  EXPECT_THROW((void)plugins::readPhaseLibraryFile(dir / "not.h5"), FormatError);
  EXPECT_FALSE(plugins::phasewiseContents(dir / "not.h5").phases);
}

}  // namespace
}  // namespace phasewise::test
