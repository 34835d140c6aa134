#include "simulate/augment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "simulate/cif_reader.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

PhaseLibrary smallLibrary() {
  const std::string cell =
      "_cell_length_a 4.0\n_cell_length_b 4.0\n_cell_length_c 4.0\n_cell_angle_alpha 90\n"
      "_cell_angle_beta 90\n_cell_angle_gamma 90\n";
  const std::string atoms =
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n";
  PhaseLibrary library;
  library.phases.push_back(phaseFromStructure(
      readCifText("data_a\n" + cell + "_symmetry_space_group_name_H-M 'F m -3 m'\n" + atoms + "Cu Cu 0 0 0\n", "fcc")
          .structure));
  library.phases.push_back(
      phaseFromStructure(readCifText("data_b\n" + cell + "_symmetry_space_group_name_H-M 'P 4/m m m'\n" + atoms +
                                         "Fe Fe 0 0 0\nO O 0.5 0.5 0.3\n",
                                     "tet")
                             .structure));
  ReferencePhase sticks;
  sticks.name = "sticks";
  sticks.sticks = {{25.0, 100.0, std::nullopt}, {32.0, 40.0, std::nullopt}, {47.0, 60.0, std::nullopt}};
  library.phases.push_back(sticks);
  return library;
}

Axis grid(std::size_t n = 2000) {
  Axis g{{AxisKind::TwoTheta, AxisUnit::Degree}, {}, 1.540562};
  for (std::size_t i = 0; i < n; ++i)
    g.values.push_back(10.0 + 80.0 * static_cast<double>(i) / static_cast<double>(n - 1));
  return g;
}

TEST(AugmentTest, SameSeedSameSetWhateverTheThreadCount) {
  const TrainingSetGenerator generator(smallLibrary(), grid(), Radiation::parse("Cu"), AugmentationSettings{});
  const TrainingSet one = generator.generate(20, 42, 1);
  const TrainingSet two = generator.generate(20, 42, 2);
  EXPECT_EQ(one.patterns, two.patterns);
  EXPECT_EQ(one.labels, two.labels);
  EXPECT_EQ(one.count, 60U);
  EXPECT_NE(one.patterns, generator.generate(20, 43, 2).patterns);
  for (std::size_t k = 0; k < one.count; ++k) {
    const float* p = one.patterns.data() + k * 2000;
    EXPECT_FLOAT_EQ(*std::max_element(p, p + 2000), 1.0F);
    EXPECT_GE(*std::min_element(p, p + 2000), 0.0F);
  }
}

TEST(AugmentTest, WithoutAugmentationTheVariantIsTheIdealProfile) {
  const AugmentationSettings none = AugmentationSettings::none();
  const PhaseLibrary library = smallLibrary();
  const TrainingSetGenerator generator(library, grid(), Radiation::parse("CuKa1"), none);
  std::vector<float> variant(2000);
  generator.augment(0, 0, 1, variant.data());
  PowderSettings powder;
  powder.two_theta_min = 1;
  powder.two_theta_max = 179;
  std::vector<float> ideal = renderProfile(idealSticks(library.phases[0], powder), grid(), none.profile);
  const float top = *std::max_element(ideal.begin(), ideal.end());
  for (std::size_t i = 0; i < ideal.size(); ++i) EXPECT_NEAR(variant[i], ideal[i] / top, 2e-3) << i;
}

TEST(AugmentTest, StrainMovesPeaksWithinTheRequestedRange) {
  AugmentationSettings settings;
  settings.strain = 0.03;
  settings.texture = 0;  // the strongest stick stays the strongest
  settings.background = 0;
  settings.counts_max = 0;
  settings.gaussian_noise = 0;
  settings.kalpha2_probability = 0;
  settings.zero_offset_deg = 0;
  const TrainingSetGenerator generator(smallLibrary(), grid(8000), Radiation::parse("CuKa1"), settings);
  std::vector<float> p(8000);
  double lowest = 1e9, highest = 0;
  for (std::uint64_t k = 0; k < 50; ++k) {
    generator.augment(2, k, 5, p.data());  // the stick phase: strongest stick at Q = 25 nm^-1
    const auto at = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    const double two_theta = 10.0 + 80.0 * static_cast<double>(at) / 7999.0;
    lowest = std::min(lowest, two_theta);
    highest = std::max(highest, two_theta);
  }
  const double nominal = 2 * std::asin(2.5 * 1.540562 / (4 * M_PI)) * 180 / M_PI;
  EXPECT_LT(lowest, nominal - 0.2);  // it does move ...
  EXPECT_GT(highest, nominal + 0.2);
  EXPECT_GT(lowest, nominal * 0.965);  // ... but not beyond 3 % (plus a grid step)
  EXPECT_LT(highest, nominal * 1.035);
}

// Stick cards carry no hkl: their texture is March-Dollase at an angle drawn per line, so one
// line may grow up to 2.9x and another shrink to 0.59x at r = 0.7 (the ratio of two lines moves
// by up to 4.9x either way), where the earlier scaling by 1 +- 0.3 kept it within 1.86x.
TEST(AugmentTest, StickTextureIsMarchDollaseAtAnAnglePerLine) {
  auto lineRatios = [](double texture, bool march_dollase) {
    AugmentationSettings settings;
    settings.texture = texture;
    settings.stick_march_dollase = march_dollase;
    settings.strain = 0;
    settings.width_scale_min = settings.width_scale_max = 1;
    settings.eta_min = settings.eta_max = 0.5;
    settings.background = 0;
    settings.counts_max = 0;
    settings.gaussian_noise = 0;
    settings.kalpha2_probability = 0;
    settings.zero_offset_deg = 0;
    settings.normalise = false;
    const TrainingSetGenerator generator(smallLibrary(), grid(8000), Radiation::parse("CuKa1"), settings);
    std::vector<float> p(8000);
    // Peak heights near the sticks at Q = 25 and 32 nm^-1 (2-theta 35.6 and 46.1 degrees).
    auto heightNear = [&](double two_theta) {
      const auto at = static_cast<std::ptrdiff_t>((two_theta - 10.0) / 80.0 * 7999.0);
      return *std::max_element(p.begin() + at - 40, p.begin() + at + 40);
    };
    std::vector<double> ratios;
    for (std::uint64_t k = 0; k < 300; ++k) {
      generator.augment(2, k, 7, p.data());
      ratios.push_back(heightNear(46.1) / heightNear(35.6));
    }
    return ratios;
  };
  const double untextured = lineRatios(0, true)[0];
  EXPECT_EQ(lineRatios(0, true), std::vector<double>(300, untextured)) << "no texture, no change";
  const auto md = lineRatios(0.3, true), scaled = lineRatios(0.3, false);
  const auto [md_low, md_high] = std::minmax_element(md.begin(), md.end());
  const auto [sc_low, sc_high] = std::minmax_element(scaled.begin(), scaled.end());
  EXPECT_GT(*md_high / untextured, 2.0);
  EXPECT_LT(*md_low / untextured, 0.5);
  EXPECT_LT(*md_high / untextured, 4.95);
  EXPECT_GT(*md_low / untextured, 1 / 4.95);
  EXPECT_LT(*sc_high / untextured, 1.87);
  EXPECT_GT(*sc_low / untextured, 1 / 1.87);
}

TEST(AugmentTest, CancellationStopsTheGenerator) {
  const TrainingSetGenerator generator(smallLibrary(), grid(), Radiation::parse("Cu"), AugmentationSettings{});
  EXPECT_THROW((void)generator.generate(500, 1, 2, [](double, std::string_view) { return false; }), CancelledError);
  EXPECT_THROW((void)generator.generate(0, 1, 2), Error);
}

}  // namespace
}  // namespace phasewise::test
