#include "model/axis.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kDegree = kPi / 180.0;

double toInverseAngstrom(double q, AxisUnit unit) { return unit == AxisUnit::InverseNanometre ? q / 10.0 : q; }
double fromInverseAngstrom(double q, AxisUnit unit) { return unit == AxisUnit::InverseNanometre ? q * 10.0 : q; }
std::string lowered(std::string text) {
  std::string out;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '(' && c != ')')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

AxisSpec AxisSpec::parse(const std::string& text) {
  const std::string key = lowered(text);
  if (key == "q" || key == "qnm" || key == "qnm^1" || key == "qnm1" || key == "q1/nm")
    return {AxisKind::Q, AxisUnit::InverseNanometre};
  if (key == "qa" || key == "qa^1" || key == "qa1" || key == "qangstrom" || key == "q1/a" || key == "qå^1")
    return {AxisKind::Q, AxisUnit::InverseAngstrom};
  if (key == "2theta" || key == "twotheta" || key == "tth" || key == "2th" || key == "2thetadeg" || key == "2θ")
    return {AxisKind::TwoTheta, AxisUnit::Degree};
  throw Error("unknown axis '" + text + "': expected one of q_nm, q_A, 2theta");
}

std::string AxisSpec::name() const {
  if (kind == AxisKind::TwoTheta) return "2-theta (deg)";
  return "Q (" + unitName(unit) + ")";
}

std::string unitName(AxisUnit unit) {
  switch (unit) {
    case AxisUnit::InverseNanometre:
      return "nm^-1";
    case AxisUnit::InverseAngstrom:
      return "A^-1";
    case AxisUnit::Degree:
      return "deg";
  }
  return "?";
}

std::string axisKindName(AxisKind kind) { return kind == AxisKind::Q ? "q" : "two_theta"; }

bool unitFitsKind(AxisKind kind, AxisUnit unit) {
  return kind == AxisKind::TwoTheta ? unit == AxisUnit::Degree : unit != AxisUnit::Degree;
}

double twoThetaToQ(double two_theta_deg, double wavelength_angstrom, AxisUnit q_unit) {
  const double q = 4.0 * kPi * std::sin(0.5 * two_theta_deg * kDegree) / wavelength_angstrom;
  return fromInverseAngstrom(q, q_unit);
}

double qToTwoTheta(double q, AxisUnit q_unit, double wavelength_angstrom) {
  const double s = toInverseAngstrom(q, q_unit) * wavelength_angstrom / (4.0 * kPi);
  if (!(s >= -1.0 && s <= 1.0))
    throw Error("Q = " + std::to_string(q) + " " + unitName(q_unit) + " is beyond reach of wavelength " +
                std::to_string(wavelength_angstrom) + " A (2-theta would exceed 180 deg)");
  return 2.0 * std::asin(s) / kDegree;
}

double qToD(double q, AxisUnit q_unit) { return 2.0 * kPi / toInverseAngstrom(q, q_unit); }

Axis convertAxis(const Axis& axis, const AxisSpec& target) {
  if (!unitFitsKind(target.kind, target.unit)) throw Error("axis unit does not fit the axis kind");
  Axis out = axis;
  out.spec = target;
  if (axis.spec == target) return out;
  const bool crosses = axis.spec.kind != target.kind;
  if (crosses && !axis.wavelength_angstrom)
    throw Error("converting " + axis.spec.name() + " to " + target.name() +
                " needs the wavelength, which this data does not give; pass one (e.g. --wavelength 1.5406)");
  for (double& v : out.values) {
    if (axis.spec.kind == AxisKind::Q && target.kind == AxisKind::Q) {
      v = fromInverseAngstrom(toInverseAngstrom(v, axis.spec.unit), target.unit);
    } else if (axis.spec.kind == AxisKind::TwoTheta) {
      v = twoThetaToQ(v, *axis.wavelength_angstrom, target.unit);
    } else {
      v = qToTwoTheta(v, axis.spec.unit, *axis.wavelength_angstrom);
    }
  }
  return out;
}

void checkAxisValues(const std::vector<double>& values, const std::string& what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw Error(what + ": value " + std::to_string(i + 1) + " is not a finite number");
    if (i > 0 && !(values[i] > values[i - 1])) {
      throw Error(what + ": values must increase strictly, but value " + std::to_string(i + 1) + " (" +
                  std::to_string(values[i]) + ") " + (values[i] == values[i - 1] ? "repeats" : "is below") + " value " +
                  std::to_string(i) + " (" + std::to_string(values[i - 1]) + ")");
    }
  }
}

}  // namespace phasewise::core
