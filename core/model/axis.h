#pragma once
// The scattering axis shared by every pattern of a library. Its kind and unit are always
// explicit; a 2-theta axis carries the wavelength it was measured with when that is known,
// and conversions to Q refuse to guess one.

#include <optional>
#include <string>
#include <vector>

namespace phasewise::core {

enum class AxisKind { Q, TwoTheta };
enum class AxisUnit { InverseNanometre, InverseAngstrom, Degree };

// Parses "q_nm", "q_a", "2theta" (and common spellings) into kind and unit; throws Error.
struct AxisSpec {
  AxisKind kind = AxisKind::Q;
  AxisUnit unit = AxisUnit::InverseNanometre;
  static AxisSpec parse(const std::string& text);
  [[nodiscard]] std::string name() const;  // "Q (nm^-1)", "Q (A^-1)", "2-theta (deg)"
  bool operator==(const AxisSpec& other) const { return kind == other.kind && unit == other.unit; }
  bool operator!=(const AxisSpec& other) const { return !(*this == other); }
};

struct Axis {
  AxisSpec spec;
  std::vector<double> values;                 // strictly increasing
  std::optional<double> wavelength_angstrom;  // required to convert between 2-theta and Q

  [[nodiscard]] std::size_t size() const { return values.size(); }
  [[nodiscard]] double front() const { return values.front(); }
  [[nodiscard]] double back() const { return values.back(); }
};

[[nodiscard]] std::string unitName(AxisUnit unit);      // "nm^-1", "A^-1", "deg"
[[nodiscard]] std::string axisKindName(AxisKind kind);  // "q", "two_theta"
[[nodiscard]] bool unitFitsKind(AxisKind kind, AxisUnit unit);

// Exact closed-form conversions. Q in A^-1 = 4 pi sin(theta) / lambda[A]; nm^-1 = 10 x A^-1.
[[nodiscard]] double twoThetaToQ(double two_theta_deg, double wavelength_angstrom, AxisUnit q_unit);
[[nodiscard]] double qToTwoTheta(double q, AxisUnit q_unit, double wavelength_angstrom);  // throws if unreachable
[[nodiscard]] double qToD(double q, AxisUnit q_unit);                                     // d in Angstrom

// Converts every value of the axis to the target spec. Throws Error when a wavelength is
// needed and missing, or when a Q value lies beyond what the wavelength can reach.
[[nodiscard]] Axis convertAxis(const Axis& axis, const AxisSpec& target);

// Checks the values are finite and strictly increasing; throws Error naming the first bad index.
void checkAxisValues(const std::vector<double>& values, const std::string& what);

}  // namespace phasewise::core
