// The simulator against trusted tools: pymatgen and xrayutilities stick patterns of 16 open
// structures (Cu K-alpha1, 2-theta 10-90), in ../shared/data/reference_patterns.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "simulate/cif_reader.h"
#include "simulate/powder_pattern.h"
#include "test_support.h"
#include "util/text.h"

namespace phasewise::test {
namespace {
using namespace core;
namespace fs = std::filesystem;

struct ReferencePeak {
  double two_theta;
  double intensity;
};

std::vector<ReferencePeak> readReference(const fs::path& path) {
  std::ifstream in(path);
  std::vector<ReferencePeak> peaks;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    ReferencePeak p{};
    fields >> p.two_theta >> p.intensity;
    peaks.push_back(p);
  }
  return peaks;
}

// pymatgen applies neither Debye-Waller nor anomalous terms; xrayutilities applies the
// anomalous ones (f', f'' at the wavelength) and, with no B in these CIFs, no Debye-Waller.
StickPattern simulateLikeTheReferences(const fs::path& cif, bool anomalous) {
  PowderSettings settings;
  settings.radiation = Radiation::monochromatic(1.540562);
  settings.two_theta_min = 10.0;
  settings.two_theta_max = 90.0;
  settings.structure_factors.debye_waller = false;
  settings.structure_factors.anomalous_dispersion = anomalous;
  return simulateSticks(readCif(cif).structure, settings);
}

struct Comparison {
  int matched = 0;
  double worst_position = 0.0;
  double worst_intensity = 0.0;
  std::string report;
};

// Every reference peak of at least 1 % must have a simulated peak within 1e-3 deg; every
// simulated peak of at least 1 % + tolerance must appear in the reference.
Comparison compare(const std::vector<ReferencePeak>& reference, const StickPattern& ours, double intensity_tolerance) {
  Comparison c;
  std::ostringstream report;
  for (const ReferencePeak& r : reference) {
    if (r.intensity < 1.0) continue;
    const StickPeak* best = nullptr;
    for (const StickPeak& p : ours.peaks)
      if (!best || std::abs(p.two_theta - r.two_theta) < std::abs(best->two_theta - r.two_theta)) best = &p;
    const double dpos = best ? std::abs(best->two_theta - r.two_theta) : 1e9;
    if (dpos > 1e-3) {
      report << "  reference peak at " << r.two_theta << " (I " << r.intensity << ") not found\n";
      c.worst_position = std::max(c.worst_position, dpos);
      continue;
    }
    ++c.matched;
    c.worst_position = std::max(c.worst_position, dpos);
    const double dint = std::abs(best->intensity - r.intensity);
    c.worst_intensity = std::max(c.worst_intensity, dint);
    if (dint > intensity_tolerance)
      report << "  peak at " << r.two_theta << ": intensity " << best->intensity << " vs reference " << r.intensity
             << "\n";
  }
  for (const StickPeak& p : ours.peaks) {
    if (p.intensity < 1.0 + intensity_tolerance) continue;
    bool found = false;
    for (const ReferencePeak& r : reference) found = found || std::abs(r.two_theta - p.two_theta) <= 1e-3;
    if (!found)
      report << "  simulated peak at " << p.two_theta << " (I " << p.intensity << ") missing from the reference\n";
  }
  c.report = report.str();
  return c;
}

class ReferencePatternTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferencePatternTest, RealDataMatchesPymatgen) {
  const std::string stem = GetParam();
  PHASEWISE_REQUIRE_DATA("reference_patterns/pymatgen/" + stem + ".pymatgen_CuKa1.tsv");
  const auto reference =
      readReference(sharedDataDir() / "reference_patterns/pymatgen" / (stem + ".pymatgen_CuKa1.tsv"));
  const Comparison c =
      compare(reference, simulateLikeTheReferences(sharedDataDir() / "cif" / (stem + ".cif"), false), 5.0);
  EXPECT_TRUE(c.report.empty()) << stem << ":\n" << c.report;
  EXPECT_GT(c.matched, 0);
  std::cout << "pymatgen " << stem << ": " << c.matched << " peaks, worst |d2theta| " << c.worst_position
            << " deg, worst |dI| " << c.worst_intensity << " (of 100)\n";
}

TEST_P(ReferencePatternTest, RealDataMatchesXrayutilities) {
  const std::string stem = GetParam();
  const fs::path file = "reference_patterns/xrayutilities/" + stem + ".xrayutilities_CuKa1.tsv";
  PHASEWISE_REQUIRE_DATA(file);
  const auto reference = readReference(sharedDataDir() / file);
  const Comparison c =
      compare(reference, simulateLikeTheReferences(sharedDataDir() / "cif" / (stem + ".cif"), true), 5.0);
  EXPECT_TRUE(c.report.empty()) << stem << ":\n" << c.report;
  std::cout << "xrayutilities " << stem << ": " << c.matched << " peaks, worst |d2theta| " << c.worst_position
            << " deg, worst |dI| " << c.worst_intensity << " (of 100)\n";
}

INSTANTIATE_TEST_SUITE_P(SixteenStructures, ReferencePatternTest,
                         ::testing::Values("amcsd_BiFeO3", "amcsd_Sapphire", "cod_Al-Aluminum", "cod_Cu-Copper",
                                           "cod_Cu2O-Cuprite", "cod_Fe-Iron-alpha", "cod_Fe2O3-Hematite", "cod_Li2O",
                                           "cod_NiO-Bunsenite", "cod_Pd-Palladium", "cod_Rh-Rhodium", "cod_Si-Silicon",
                                           "cod_SnO2-Cassiterite", "cod_Ta-Tantalum", "cod_TiO2-Rutile",
                                           "cod_ZnO-Zincite"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace phasewise::test
