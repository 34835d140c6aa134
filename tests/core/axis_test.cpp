#include "model/axis.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr double kCuKa1 = 1.5405980;

TEST(AxisTest, TwoThetaToQMatchesBraggLaw) {
  // Q = 4 pi sin(theta) / lambda; 2-theta = 60 deg gives sin(30 deg) = 1/2.
  EXPECT_NEAR(twoThetaToQ(60.0, kCuKa1, AxisUnit::InverseAngstrom), 2.0 * M_PI / kCuKa1, 1e-12);
  EXPECT_NEAR(twoThetaToQ(60.0, kCuKa1, AxisUnit::InverseNanometre), 20.0 * M_PI / kCuKa1, 1e-11);
  EXPECT_NEAR(qToD(2.0 * M_PI / 3.0, AxisUnit::InverseAngstrom), 3.0, 1e-12);
}

TEST(AxisTest, ConversionsRoundTripExactly) {
  Axis axis{{AxisKind::TwoTheta, AxisUnit::Degree}, {10.0, 35.5, 80.25, 150.0}, kCuKa1};
  const Axis q = convertAxis(axis, {AxisKind::Q, AxisUnit::InverseNanometre});
  const Axis qa = convertAxis(q, {AxisKind::Q, AxisUnit::InverseAngstrom});
  const Axis back = convertAxis(qa, {AxisKind::TwoTheta, AxisUnit::Degree});
  for (std::size_t i = 0; i < axis.size(); ++i) {
    EXPECT_NEAR(q.values[i], 10.0 * qa.values[i], 1e-12);
    EXPECT_NEAR(back.values[i], axis.values[i], 1e-10);
  }
}

TEST(AxisTest, RefusesToGuessAWavelength) {
  Axis axis{{AxisKind::TwoTheta, AxisUnit::Degree}, {10.0, 20.0}, std::nullopt};
  try {
    (void)convertAxis(axis, {AxisKind::Q, AxisUnit::InverseNanometre});
    FAIL() << "conversion without a wavelength must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wavelength"), std::string::npos);
  }
}

TEST(AxisTest, QBeyondReachOfTheWavelengthIsAnError) {
  // Q_max = 4 pi / lambda = 8.16 A^-1 for Cu.
  EXPECT_THROW((void)qToTwoTheta(9.0, AxisUnit::InverseAngstrom, kCuKa1), Error);
  EXPECT_NEAR(qToTwoTheta(4.0 * M_PI / kCuKa1, AxisUnit::InverseAngstrom, kCuKa1), 180.0, 1e-6);
}

TEST(AxisTest, ParsesAxisNames) {
  EXPECT_EQ(AxisSpec::parse("q_nm"), (AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre}));
  EXPECT_EQ(AxisSpec::parse("q_A"), (AxisSpec{AxisKind::Q, AxisUnit::InverseAngstrom}));
  EXPECT_EQ(AxisSpec::parse("2theta"), (AxisSpec{AxisKind::TwoTheta, AxisUnit::Degree}));
  EXPECT_THROW((void)AxisSpec::parse("chi"), Error);
}

TEST(AxisTest, ChecksStrictlyIncreasingFiniteValues) {
  EXPECT_NO_THROW(checkAxisValues({1.0, 2.0, 3.0}, "axis"));
  EXPECT_THROW(checkAxisValues({1.0, 2.0, 2.0}, "axis"), Error);
  EXPECT_THROW(checkAxisValues({1.0, 3.0, 2.0}, "axis"), Error);
  EXPECT_THROW(checkAxisValues({1.0, NAN}, "axis"), Error);
}

}  // namespace
}  // namespace phasewise::core
