// Hand checks of the diffraction physics on structures small enough to reason about.

#include <gtest/gtest.h>

#include <cmath>

#include "simulate/cif_reader.h"
#include "simulate/powder_pattern.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

// A minimal CIF: cell, H-M symbol only (no operator loop), and sites.
std::string cif(const std::string& cell, const std::string& group, const std::string& sites) {
  return "data_test\n" + cell + "_symmetry_space_group_name_H-M '" + group +
         "'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
         "_atom_site_fract_z\n" +
         sites;
}
std::string cubic(double a) {
  const std::string v = std::to_string(a);
  return "_cell_length_a " + v + "\n_cell_length_b " + v + "\n_cell_length_c " + v +
         "\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";
}

const Reflection* find(const std::vector<Reflection>& list, std::array<int, 3> hkl) {
  std::sort(hkl.begin(), hkl.end(), std::greater<>());
  for (const Reflection& r : list) {
    std::array<int, 3> key = {std::abs(r.hkl[0]), std::abs(r.hkl[1]), std::abs(r.hkl[2])};
    std::sort(key.begin(), key.end(), std::greater<>());
    if (key == hkl) return &r;
  }
  return nullptr;
}

StructureFactorSettings plain() {
  StructureFactorSettings s;
  s.debye_waller = false;
  s.anomalous_dispersion = false;
  return s;
}

TEST(PowderPhysicsTest, RockSaltRatioOf111To200FollowsTheFormFactors) {
  // NaCl: F(111) = 4 (f_Na - f_Cl), F(200) = 4 (f_Na + f_Cl).
  const CrystalStructure nacl =
      readCifText(cif(cubic(5.6402), "F m -3 m", "Na Na 0 0 0\nCl Cl 0.5 0.5 0.5\n"), "NaCl").structure;
  const auto list = computeReflections(nacl, 1.0, plain());
  const Reflection* r111 = find(list, {1, 1, 1});
  const Reflection* r200 = find(list, {2, 0, 0});
  ASSERT_TRUE(r111 && r200);
  EXPECT_EQ(r111->multiplicity, 8);
  EXPECT_EQ(r200->multiplicity, 6);
  // IT92 values at sin(theta)/lambda = 1/(2d): computed independently from the tables' sums.
  auto f = [](double a[4], double b[4], double c, double s2) {
    double v = c;
    for (int i = 0; i < 4; ++i) v += a[i] * std::exp(-b[i] * s2);
    return v;
  };
  double na_a[4] = {4.7626, 3.1736, 1.2674, 1.1128}, na_b[4] = {3.285, 8.8422, 0.3136, 129.424};
  double cl_a[4] = {11.4604, 7.1964, 6.2556, 1.6455}, cl_b[4] = {0.0104, 1.1662, 18.5194, 47.7784};
  const double s111 = 0.25 * 3.0 / (5.6402 * 5.6402), s200 = 0.25 * 4.0 / (5.6402 * 5.6402);
  const double f111 = 4 * (f(na_a, na_b, 0.676, s111) - f(cl_a, cl_b, -9.5574, s111));
  const double f200 = 4 * (f(na_a, na_b, 0.676, s200) + f(cl_a, cl_b, -9.5574, s200));
  EXPECT_NEAR(r111->f_squared / r200->f_squared, (f111 * f111) / (f200 * f200), 1e-9);
  EXPECT_LT(r111->f_squared, 0.05 * r200->f_squared);  // the textbook weak 111 of rock salt
}

TEST(PowderPhysicsTest, FaceCentringAllowsOnlyUnmixedIndices) {
  const CrystalStructure cu = readCifText(cif(cubic(3.615), "F m -3 m", "Cu Cu 0 0 0\n"), "Cu").structure;
  EXPECT_FALSE(systematicallyAbsent(cu, {1, 1, 1}));
  EXPECT_FALSE(systematicallyAbsent(cu, {2, 0, 0}));
  EXPECT_TRUE(systematicallyAbsent(cu, {1, 0, 0}));
  EXPECT_TRUE(systematicallyAbsent(cu, {2, 1, 0}));
  for (const Reflection& r : computeReflections(cu, 0.8, plain())) {
    const int odd = (r.hkl[0] & 1) + (r.hkl[1] & 1) + (r.hkl[2] & 1);
    EXPECT_TRUE(odd == 0 || odd == 3) << r.hkl[0] << r.hkl[1] << r.hkl[2];
  }
}

TEST(PowderPhysicsTest, BodyCentringNeedsAnEvenIndexSum) {
  const CrystalStructure fe = readCifText(cif(cubic(2.8665), "I m -3 m", "Fe Fe 0 0 0\n"), "Fe").structure;
  for (const Reflection& r : computeReflections(fe, 0.7, plain())) EXPECT_EQ((r.hkl[0] + r.hkl[1] + r.hkl[2]) % 2, 0);
  EXPECT_TRUE(systematicallyAbsent(fe, {1, 0, 0}));
  EXPECT_FALSE(systematicallyAbsent(fe, {1, 1, 0}));
}

TEST(PowderPhysicsTest, DiamondGlideRemovesHk0WithHPlusKNotFourN) {
  // Fd-3m (origin choice 1): 0kl present only for k + l = 4n.
  const CrystalStructure si = readCifText(cif(cubic(5.4307), "F d -3 m :1", "Si Si 0 0 0\n"), "Si").structure;
  EXPECT_TRUE(systematicallyAbsent(si, {2, 0, 0}));
  EXPECT_TRUE(systematicallyAbsent(si, {4, 2, 0}));
  EXPECT_FALSE(systematicallyAbsent(si, {4, 0, 0}));
  EXPECT_FALSE(systematicallyAbsent(si, {2, 2, 0}));
  EXPECT_EQ(find(computeReflections(si, 1.0, plain()), {2, 0, 0}), nullptr);
}

TEST(PowderPhysicsTest, ScrewAxisRemovesOddOrdersAlongIt) {
  // P 21/c (VO2-like monoclinic cell): 0k0 with k odd is absent (2-fold screw along b).
  const std::string cell =
      "_cell_length_a 5.743\n_cell_length_b 4.517\n_cell_length_c 5.375\n_cell_angle_alpha 90\n"
      "_cell_angle_beta 122.6\n_cell_angle_gamma 90\n";
  const CrystalStructure s =
      readCifText(cif(cell, "P 1 21/c 1", "V V 0.026 0.021 0.299\nO O 0.1 0.21 0.2\n"), "m").structure;
  EXPECT_TRUE(systematicallyAbsent(s, {0, 1, 0}));
  EXPECT_TRUE(systematicallyAbsent(s, {0, 3, 0}));
  EXPECT_FALSE(systematicallyAbsent(s, {0, 2, 0}));
  EXPECT_TRUE(systematicallyAbsent(s, {1, 0, 1}));  // the c glide: h0l with l odd
  EXPECT_FALSE(systematicallyAbsent(s, {1, 0, 2}));
}

TEST(PowderPhysicsTest, KAlphaDoubletSplitsAsBraggsLawSaysAtHighAngle) {
  const CrystalStructure si = readCifText(cif(cubic(5.4307), "F d -3 m :1", "Si Si 0 0 0\n"), "Si").structure;
  PowderSettings settings;
  settings.radiation = Radiation::parse("Cu");
  settings.two_theta_min = 120;
  settings.two_theta_max = 140;
  const StickPattern sticks = simulateSticks(si, settings);
  // Si 533 lies near 2-theta = 136.9 deg; both lines must appear, K-alpha2 at half strength.
  const StickPeak* a1 = nullptr;
  const StickPeak* a2 = nullptr;
  for (const StickPeak& p : sticks.peaks) {
    if (std::abs(p.d - 5.4307 / std::sqrt(43.0)) > 1e-6) continue;
    (p.line == 0 ? a1 : a2) = &p;
  }
  ASSERT_TRUE(a1 && a2);
  const double theta = 0.5 * a1->two_theta * M_PI / 180.0;
  const double expected = 2.0 * std::tan(theta) * (1.544390 - 1.540562) / 1.540562 * 180.0 / M_PI;
  EXPECT_NEAR(a2->two_theta - a1->two_theta, expected, 0.01 * expected);
  EXPECT_GT(a2->two_theta - a1->two_theta, 0.4);  // a clear split, unlike at low angle
  EXPECT_NEAR(a2->intensity / a1->intensity,
              0.5 * lorentzPolarisation(a2->two_theta, 0) / lorentzPolarisation(a1->two_theta, 0), 1e-3);
}

TEST(PowderPhysicsTest, ProfilesHaveTheRequestedAreaAndWidth) {
  StickPattern sticks;
  sticks.radiation = Radiation::parse("CuKa1");
  StickPeak peak;
  peak.two_theta = 40.0;
  peak.d = 1.540562 / (2 * std::sin(20.0 * M_PI / 180));
  peak.intensity = 100.0;
  sticks.peaks = {peak};
  Axis grid{{AxisKind::TwoTheta, AxisUnit::Degree}, {}, 1.540562};
  for (int i = 0; i <= 4000; ++i) grid.values.push_back(30.0 + 0.005 * i);
  ProfileSettings settings;
  settings.w = 0.04;  // FWHM 0.2 deg
  settings.eta = 0.0;
  const std::vector<float> profile = renderProfile(sticks, grid, settings);
  double area = 0;
  for (float v : profile) area += v * 0.005;
  EXPECT_NEAR(area, 100.0, 0.5);
  const float top = *std::max_element(profile.begin(), profile.end());
  int above_half = 0;
  for (float v : profile) above_half += v >= 0.5F * top;
  EXPECT_NEAR(above_half * 0.005, 0.2, 0.011);
  // The same peak on a Q grid lands at Q = 4 pi sin(theta) / lambda.
  Axis q_grid{{AxisKind::Q, AxisUnit::InverseAngstrom}, {}, std::nullopt};
  for (int i = 0; i <= 2000; ++i) q_grid.values.push_back(2.5 + 0.001 * i);
  const std::vector<float> on_q = renderProfile(sticks, q_grid, settings);
  const auto at = std::max_element(on_q.begin(), on_q.end()) - on_q.begin();
  EXPECT_NEAR(q_grid.values[static_cast<std::size_t>(at)], 4 * M_PI * std::sin(20.0 * M_PI / 180) / 1.540562, 0.001);
}

TEST(PowderPhysicsTest, DebyeWallerDampsHighAngles) {
  const std::string sites = "W W 0 0 0\n";
  const CrystalStructure w = readCifText(cif(cubic(3.1653), "I m -3 m", sites), "W").structure;
  StructureFactorSettings cold = plain();
  StructureFactorSettings warm = plain();
  warm.debye_waller = true;
  warm.default_b_iso = 0.1526 * 8 * M_PI * M_PI / (8 * M_PI * M_PI);  // B = 0.1526 A^2
  const auto a = computeReflections(w, 1.0, cold);
  const auto b = computeReflections(w, 1.0, warm);
  // pymatgen's own unit test: W 110 with B = 0.1526 keeps 2377745.23 / 2414237.56 of its intensity.
  EXPECT_NEAR(b[0].f_squared / a[0].f_squared, 2377745.2296686019 / 2414237.5633093244, 1e-4);
}

TEST(RealDataTest, EveryCifInTheSharedFolderLoads) {
  PHASEWISE_REQUIRE_DATA("cif");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sharedDataDir() / "cif")) {
    if (entry.path().extension() != ".cif") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    try {
      const CifResult r = readCif(entry.path());
      EXPECT_FALSE(r.structure.sites.empty());
      EXPECT_GT(r.structure.space_group_number, 0);
      PowderSettings settings;
      const StickPattern sticks = simulateSticks(r.structure, settings);
      EXPECT_FALSE(sticks.peaks.empty());
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_EQ(files, 45);  // every .cif of the shared set
}

TEST(CifReaderTest, BadFilesAreExplained) {
  EXPECT_THROW((void)readCifText("data_x\n_cell_length_a 3\n", "nocell.cif"), FormatError);
  EXPECT_THROW((void)readCifText("not a cif at all {", "junk.cif"), FormatError);
  EXPECT_THROW((void)readCifText(cif(cubic(3), "Q 9 9", "Fe Fe 0 0 0\n"), "badgroup.cif"), FormatError);
  EXPECT_THROW((void)readCifText(cif(cubic(3), "F m -3 m", "X1 Xx 0 0 0\n"), "badelement.cif"), FormatError);
  try {
    (void)readCifText(cif(cubic(3), "Q 9 9", "Fe Fe 0 0 0\n"), "badgroup.cif");
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("'Q 9 9' is not recognised"), std::string::npos) << e.what();
  }
}

TEST(CifReaderTest, OperatorsAloneDefineTheGroupAndChargesAreRead) {
  const std::string text =
      "data_x\n" + cubic(4.2) +
      "loop_\n_space_group_symop_operation_xyz\nx,y,z\n-x,-y,-z\nx+1/2,y+1/2,z\n-x+1/2,-y+1/2,-z\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
      "_atom_site_fract_z\n_atom_site_occupancy\n_atom_site_U_iso_or_equiv\nFeT Fe3+ 0.1 0.2 0.3 0.5 0.01\n";
  const CifResult r = readCifText(text, "ops.cif");
  EXPECT_EQ(r.structure.operations.size(), 4U);
  EXPECT_EQ(r.structure.space_group_number, 2);  // C -1, a setting of P -1, named from the operators alone
  ASSERT_EQ(r.structure.sites.size(), 1U);
  EXPECT_EQ(r.structure.sites[0].element, "Fe");
  EXPECT_EQ(r.structure.sites[0].charge, 3);
  EXPECT_DOUBLE_EQ(r.structure.sites[0].occupancy, 0.5);
  EXPECT_NEAR(r.structure.sites[0].b_iso, 8 * M_PI * M_PI * 0.01, 1e-12);
  EXPECT_EQ(r.structure.unitCellAtoms().size(), 4U);
}

}  // namespace
}  // namespace phasewise::test
