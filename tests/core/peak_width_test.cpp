#include "model/peak_width.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/axis.h"

namespace phasewise::core {
namespace {
constexpr double kCu = 1.5405929;  // Cu K-alpha1, Angstrom

// Samples with one Gaussian peak each (sigma in nm^-1) and a small second one, on a flat
// baseline, on a Q axis of 0.05 nm^-1 steps.
Library gaussians(const std::vector<double>& sigmas, double centre, double baseline = 0.1) {
  Library lib;
  lib.axis.spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  for (int j = 0; j <= 1000; ++j) lib.axis.values.push_back(15.0 + 0.05 * j);
  lib.samples = sigmas.size();
  for (double sigma : sigmas)
    for (double q : lib.axis.values)
      lib.intensities.push_back(static_cast<float>(baseline + std::exp(-0.5 * std::pow((q - centre) / sigma, 2)) +
                                                   0.4 * std::exp(-0.5 * std::pow((q - 50.0) / sigma, 2))));
  return lib;
}

TEST(PeakWidthTest, MeasuresTheMedianFwhmInQAndInTwoTheta) {
  // FWHM = 2 sqrt(2 ln 2) sigma; the median of 0.1, 0.35 and 0.5 is 0.35.
  const auto width = medianPeakWidth(gaussians({0.1, 0.35, 0.5}, 30.0), kCu);
  ASSERT_TRUE(width);
  EXPECT_EQ(width->samples, 3U);
  EXPECT_NEAR(width->q_nm, 2.3548 * 0.35, 0.01);
  EXPECT_NEAR(width->at_q_nm, 30.0, 0.05);
  // By hand: 2-theta = 2 asin(Q lambda / (4 pi)), Q in A^-1 = Q[nm^-1] / 10.
  const auto two_theta = [](double q_nm) { return 2 * std::asin(q_nm / 10 * kCu / (4 * M_PI)) * 180 / M_PI; };
  EXPECT_NEAR(width->two_theta_deg, two_theta(30.0 + 1.1774 * 0.35) - two_theta(30.0 - 1.1774 * 0.35), 0.01);
}

TEST(PeakWidthTest, ReadsATwoThetaAxisThroughItsWavelength) {
  Library lib;
  lib.axis = {{AxisKind::TwoTheta, AxisUnit::Degree}, {}, kCu};
  for (int j = 0; j <= 2000; ++j) lib.axis.values.push_back(20.0 + 0.02 * j);
  lib.samples = 1;
  for (double t : lib.axis.values)
    lib.intensities.push_back(static_cast<float>(std::exp(-0.5 * std::pow((t - 40) / 0.1, 2))));
  const auto width = medianPeakWidth(lib, kCu);
  ASSERT_TRUE(width);
  EXPECT_NEAR(width->two_theta_deg, 2.3548 * 0.1, 0.005);
  // The same axis without a wavelength cannot be put on Q.
  lib.axis.wavelength_angstrom.reset();
  EXPECT_FALSE(medianPeakWidth(lib, kCu));
}

TEST(PeakWidthTest, SkipsFlatSamplesAndPeaksThatRunOffTheAxis) {
  Library flat = gaussians({0.3}, 30.0);
  std::fill(flat.intensities.begin(), flat.intensities.end(), 1.0F);
  EXPECT_FALSE(medianPeakWidth(flat, kCu));
  // The strongest peak at the axis' start never falls to half on its left: not measured.
  EXPECT_FALSE(medianPeakWidth(gaussians({0.3}, 15.0), kCu));
  EXPECT_FALSE(medianPeakWidth(Library{}, kCu));
}

}  // namespace
}  // namespace phasewise::core
