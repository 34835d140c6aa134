// Showing an axis in other units: Q (nm^-1, A^-1), 2-theta at a stated wavelength, d-spacing.

#include <gtest/gtest.h>

#include <cmath>

#include "model/display_axis.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

TEST(DisplayAxisTest, QInNanometresShownAsDAndTwoTheta) {
  const double pi = 3.14159265358979323846;
  Axis q{{AxisKind::Q, AxisUnit::InverseNanometre}, {10 * pi, 10 * 4 * pi * std::sin(pi / 4) / 1.540562, 200.0}, {}};
  const auto d = displayValues(q, DisplayAxis::DSpacingAngstrom);
  EXPECT_NEAR(d[0], 2.0, 1e-12);  // d = 2 pi / Q[A^-1]
  EXPECT_NEAR(displayValues(q, DisplayAxis::QInverseAngstrom)[0], pi, 1e-12);
  // 2-theta needs a wavelength: the data state none, so the caller's is used (and must be shown).
  EXPECT_THROW((void)displayValues(q, DisplayAxis::TwoThetaDegree), Error);
  const auto tt = displayValues(q, DisplayAxis::TwoThetaDegree, 1.540562);
  EXPECT_NEAR(tt[1], 90.0, 1e-9);
  EXPECT_TRUE(std::isnan(tt[2])) << "Q beyond 4 pi / lambda has no 2-theta";
  EXPECT_NEAR(fromDisplayValue(90.0, DisplayAxis::TwoThetaDegree, q, 1.540562), q.values[1], 1e-9);
  EXPECT_NEAR(fromDisplayValue(2.0, DisplayAxis::DSpacingAngstrom, q), 10 * pi, 1e-9);
}

TEST(DisplayAxisTest, TwoThetaDataUseTheirOwnWavelength) {
  Axis tt{{AxisKind::TwoTheta, AxisUnit::Degree}, {20.0, 90.0}, 1.540562};
  EXPECT_EQ(displayWavelength(tt, 0.7), 1.540562) << "the data's wavelength wins over a fallback";
  EXPECT_EQ(displayValues(tt, DisplayAxis::TwoThetaDegree)[1], 90.0);
  EXPECT_NEAR(displayValues(tt, DisplayAxis::QInverseAngstrom)[1],
              twoThetaToQ(90.0, 1.540562, AxisUnit::InverseAngstrom), 1e-12);
  tt.wavelength_angstrom.reset();
  EXPECT_THROW((void)displayValues(tt, DisplayAxis::DSpacingAngstrom), Error) << "never a silent wavelength";
}

}  // namespace
}  // namespace phasewise::test
