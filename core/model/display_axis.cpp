#include "model/display_axis.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr double kPi = 3.14159265358979323846;

// Q in A^-1 of one axis value.
double qAngstrom(double value, const Axis& axis, std::optional<double> wavelength) {
  switch (axis.spec.unit) {
    case AxisUnit::InverseNanometre:
      return value / 10.0;
    case AxisUnit::InverseAngstrom:
      return value;
    case AxisUnit::Degree:
      return twoThetaToQ(value, *wavelength, AxisUnit::InverseAngstrom);
  }
  return value;
}
}  // namespace

std::string displayAxisName(DisplayAxis unit) {
  switch (unit) {
    case DisplayAxis::QInverseNanometre:
      return "Q (nm^-1)";
    case DisplayAxis::QInverseAngstrom:
      return "Q (A^-1)";
    case DisplayAxis::TwoThetaDegree:
      return "2-theta (deg)";
    case DisplayAxis::DSpacingAngstrom:
      return "d (A)";
  }
  return "";
}

std::optional<double> displayWavelength(const Axis& axis, std::optional<double> fallback) {
  return axis.wavelength_angstrom ? axis.wavelength_angstrom : fallback;
}

std::vector<double> displayValues(const Axis& axis, DisplayAxis unit, std::optional<double> fallback) {
  const std::optional<double> wavelength = displayWavelength(axis, fallback);
  const bool needs_wavelength = axis.spec.kind == AxisKind::TwoTheta || unit == DisplayAxis::TwoThetaDegree;
  if (needs_wavelength && !(wavelength && *wavelength > 0))
    throw Error("showing this axis as " + displayAxisName(unit) + " needs a wavelength, and none is stated");
  std::vector<double> out(axis.values.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (axis.spec.kind == AxisKind::TwoTheta && unit == DisplayAxis::TwoThetaDegree) {
      out[i] = axis.values[i];
      continue;
    }
    const double q = qAngstrom(axis.values[i], axis, wavelength);
    switch (unit) {
      case DisplayAxis::QInverseNanometre:
        out[i] = 10.0 * q;
        break;
      case DisplayAxis::QInverseAngstrom:
        out[i] = q;
        break;
      case DisplayAxis::DSpacingAngstrom:
        out[i] = q > 0 ? qToD(q, AxisUnit::InverseAngstrom) : nan;
        break;
      case DisplayAxis::TwoThetaDegree:
        // Beyond 4 pi / lambda there is no 2-theta: a gap in the plot, not an error.
        out[i] = q >= 0 && q * *wavelength <= 4 * kPi ? qToTwoTheta(q, AxisUnit::InverseAngstrom, *wavelength) : nan;
        break;
    }
  }
  return out;
}

double fromDisplayValue(double value, DisplayAxis unit, const Axis& axis, std::optional<double> fallback) {
  const std::optional<double> wavelength = displayWavelength(axis, fallback);
  double q = 0;  // A^-1
  switch (unit) {
    case DisplayAxis::QInverseNanometre:
      q = value / 10.0;
      break;
    case DisplayAxis::QInverseAngstrom:
      q = value;
      break;
    case DisplayAxis::DSpacingAngstrom:  // d = 2 pi / Q works both ways
      q = value > 0 ? qToD(value, AxisUnit::InverseAngstrom) : std::numeric_limits<double>::quiet_NaN();
      break;
    case DisplayAxis::TwoThetaDegree:
      if (axis.spec.kind == AxisKind::TwoTheta) return value;
      if (!wavelength) throw Error("2-theta needs a wavelength, and none is stated");
      q = twoThetaToQ(value, *wavelength, AxisUnit::InverseAngstrom);
      break;
  }
  switch (axis.spec.unit) {
    case AxisUnit::InverseNanometre:
      return 10.0 * q;
    case AxisUnit::InverseAngstrom:
      return q;
    case AxisUnit::Degree:
      if (!wavelength) throw Error("2-theta needs a wavelength, and none is stated");
      return qToTwoTheta(q, AxisUnit::InverseAngstrom, *wavelength);
  }
  return q;
}

}  // namespace phasewise::core
