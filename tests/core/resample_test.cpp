#include "model/resample.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
Library gaussianLibrary(const std::vector<double>& centres, std::size_t m = 2001) {
  Library lib;
  lib.axis.spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  for (std::size_t i = 0; i < m; ++i)
    lib.axis.values.push_back(10.0 + 70.0 * static_cast<double>(i) / static_cast<double>(m - 1));
  lib.samples = centres.size();
  for (double c : centres)
    for (double q : lib.axis.values)
      lib.intensities.push_back(static_cast<float>(std::exp(-0.5 * std::pow((q - c) / 0.3, 2))));
  for (std::size_t s = 0; s < centres.size(); ++s) lib.provenance.push_back({"test", static_cast<std::int64_t>(s)});
  return lib;
}

TEST(ResampleTest, LinearFunctionsAreReproducedExactly) {
  const std::vector<double> source = {0.0, 1.0, 3.0, 4.0};
  const std::vector<float> row = {1.0F, 3.0F, 7.0F, 9.0F};  // 1 + 2x
  const LinearResampler r(source, {0.0, 0.5, 2.0, 3.5, 4.0});
  std::vector<float> out(5);
  r.apply(row.data(), out.data());
  EXPECT_FLOAT_EQ(out[0], 1.0F);
  EXPECT_FLOAT_EQ(out[1], 2.0F);
  EXPECT_FLOAT_EQ(out[2], 5.0F);
  EXPECT_FLOAT_EQ(out[3], 8.0F);
  EXPECT_FLOAT_EQ(out[4], 9.0F);
}

TEST(ResampleTest, RefusesToExtrapolate) { EXPECT_THROW(LinearResampler({1.0, 2.0}, {0.5, 1.5}), Error); }

TEST(ResampleTest, CommonGridIsTheOverlapAtTheFinestStep) {
  const Axis a{{AxisKind::TwoTheta, AxisUnit::Degree}, {10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0}, 1.54};
  const Axis b{
      {AxisKind::TwoTheta, AxisUnit::Degree}, {11.0, 11.25, 11.5, 11.75, 12.0, 12.25, 12.5, 12.75, 13.0, 13.25}, 1.54};
  const std::vector<double> grid = commonGrid({a, b});
  EXPECT_DOUBLE_EQ(grid.front(), 11.0);
  EXPECT_DOUBLE_EQ(grid.back(), 13.0);
  EXPECT_EQ(grid.size(), 9U);
  const Axis c{{AxisKind::TwoTheta, AxisUnit::Degree}, {20.0, 21.0}, 1.54};
  EXPECT_THROW((void)commonGrid({a, c}), Error);
}

TEST(ResampleTest, LogQTurnsAMultiplicativeShiftIntoATranslation) {
  // Two identical peaks, the second at 2 % larger Q (a 2 % lattice contraction).
  const Library lib = gaussianLibrary({40.0, 40.8});
  const LogQLibrary log = toLogQ(lib, 4000);
  auto peakIndex = [&](std::size_t s) {
    const float* row = log.library.pattern(s);
    return static_cast<double>(std::max_element(row, row + 4000) - row);
  };
  const double expected_bins = std::log(1.02) / log.log_bin_width;
  EXPECT_NEAR(peakIndex(1) - peakIndex(0), expected_bins, 1.0);
  // Ratios between neighbouring grid points are constant on a log grid.
  const auto& q = log.library.axis.values;
  EXPECT_NEAR(q[1] / q[0], q[3000] / q[2999], 1e-12);
}

TEST(ResampleTest, ResamplingAcrossAxisKindsNeedsTheWavelength) {
  Library lib = gaussianLibrary({40.0});
  const Axis grid{{AxisKind::TwoTheta, AxisUnit::Degree}, {40.0, 50.0, 60.0}, std::nullopt};
  EXPECT_THROW((void)resample(lib, grid), Error);
  lib.axis.wavelength_angstrom = 1.5406;
  const Library on_two_theta = resample(lib, grid);
  EXPECT_EQ(on_two_theta.axis.spec.kind, AxisKind::TwoTheta);
  EXPECT_EQ(on_two_theta.points(), 3U);
}

}  // namespace
}  // namespace phasewise::core
