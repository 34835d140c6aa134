// Reference phases from the user's sources: folders of CIFs, single files, phase libraries,
// stick tables; failures listed (or fatal), progress and cancellation.

#include "phase_sources/phase_sources.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "format_hdf5/phase_library_file.h"
#include "small_cifs.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using plugins::collectPhases;
using plugins::PhaseSourceOptions;

TEST(PhaseSourcesTest, AFolderOfCifsWithOneBadFile) {
  const auto dir = freshTempDir();
  writeSmallCifFolder(dir);
  PhaseSourceOptions options;
  EXPECT_THROW((void)collectPhases({dir}, options), core::Error);  // the broken CIF stops a strict read
  options.keep_going = true;
  std::vector<double> fractions;
  const auto read = collectPhases({dir}, options, [&](double f, std::string_view) {
    fractions.push_back(f);
    return true;
  });
  EXPECT_EQ(read.files, 4U);  // notes.md is not a CIF and is not looked at
  ASSERT_EQ(read.library.size(), 3U);
  EXPECT_EQ(read.library.phases[0].formula, "Cu");
  ASSERT_EQ(read.failures.size(), 1U);
  EXPECT_EQ(read.failures[0].file.filename(), "broken.cif");
  EXPECT_FALSE(read.failures[0].reason.empty());
  ASSERT_FALSE(fractions.empty());
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
}

TEST(PhaseSourcesTest, FilesOfEveryKindAndMissingSources) {
  const auto dir = freshTempDir();
  writeSmallCifFolder(dir);
  core::PhaseLibrary stored;
  stored.phases.push_back(collectPhases({dir / "copper.cif"}, {}).library.phases.at(0));
  plugins::writePhaseLibraryFile(stored, dir / "stored.h5");
  writeText(dir / "sticks.tsv", "# q_nm intensity\n20.1 100\n28.4 40\n");
  const auto read = collectPhases({dir / "rutile.cif", dir / "stored.h5", dir / "sticks.tsv"}, {});
  ASSERT_EQ(read.library.size(), 3U);
  EXPECT_TRUE(read.library.phases[0].fromStructure());
  EXPECT_TRUE(read.library.phases[1].fromStructure());
  EXPECT_FALSE(read.library.phases[2].fromStructure());
  EXPECT_THROW((void)collectPhases({dir / "absent"}, {}), core::Error);
  // Hostile: an absurd cell (1e300 A gave an empty pattern), a truncated phase library.
  std::string huge =
      "data_huge\n_cell_length_a 1e300\n_cell_length_b 3\n_cell_length_c 3\n"
      "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe 0 0 0\n";
  writeText(dir / "huge.cif", huge);
  EXPECT_THROW((void)collectPhases({dir / "huge.cif"}, {}), core::FormatError);
  const std::string stored_bytes = [&] {
    std::ifstream in(dir / "stored.h5", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  writeText(dir / "cut.h5", stored_bytes.substr(0, 700));
  try {
    (void)collectPhases({dir / "cut.h5"}, {});
    ADD_FAILURE() << "a truncated phase library was read";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).find("neither a .cif"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)collectPhases({dir / "notes.md"}, {}), core::Error);  // named explicitly: not a phase file
}

TEST(PhaseSourcesTest, CancellingStopsTheRead) {
  const auto dir = freshTempDir();
  writeSmallCifFolder(dir);
  PhaseSourceOptions options;
  options.keep_going = true;
  int calls = 0;
  EXPECT_THROW((void)collectPhases({dir}, options, [&](double, std::string_view) { return ++calls < 2; }),
               core::CancelledError);
  EXPECT_EQ(calls, 2);
}

TEST(PhaseSourcesTest, RealDataSharedCifs) {
  PHASEWISE_REQUIRE_DATA("cif");
  PhaseSourceOptions options;
  options.keep_going = true;
  const auto read = collectPhases({sharedDataDir() / "cif"}, options);
  EXPECT_EQ(read.files, 45U);
  EXPECT_EQ(read.library.size() + read.failures.size(), 45U);
  EXPECT_GE(read.library.size(), 44U);
  for (const auto& f : read.failures) ADD_FAILURE() << f.file << ": " << f.reason;
}

}  // namespace
}  // namespace phasewise::test
