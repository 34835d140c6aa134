#include "simulate/crystal_structure.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace phasewise::core {
namespace {
constexpr double kDeg = 3.14159265358979323846 / 180.0;

double wrap(double x) {
  x -= std::floor(x);
  return x >= 1.0 - 1e-9 ? 0.0 : x;
}
}  // namespace

double UnitCell::volume() const {
  const double ca = std::cos(alpha * kDeg), cb = std::cos(beta * kDeg), cg = std::cos(gamma * kDeg);
  return a * b * c * std::sqrt(std::max(0.0, 1.0 - ca * ca - cb * cb - cg * cg + 2.0 * ca * cb * cg));
}

std::array<double, 6> UnitCell::reciprocalMetric() const {
  const double ca = std::cos(alpha * kDeg), cb = std::cos(beta * kDeg), cg = std::cos(gamma * kDeg);
  const double g[3][3] = {
      {a * a, a * b * cg, a * c * cb}, {a * b * cg, b * b, b * c * ca}, {a * c * cb, b * c * ca, c * c}};
  const double det = g[0][0] * (g[1][1] * g[2][2] - g[1][2] * g[2][1]) -
                     g[0][1] * (g[1][0] * g[2][2] - g[1][2] * g[2][0]) +
                     g[0][2] * (g[1][0] * g[2][1] - g[1][1] * g[2][0]);
  return {(g[1][1] * g[2][2] - g[1][2] * g[2][1]) / det, (g[0][0] * g[2][2] - g[0][2] * g[2][0]) / det,
          (g[0][0] * g[1][1] - g[0][1] * g[1][0]) / det, (g[0][2] * g[2][1] - g[0][1] * g[2][2]) / det,
          (g[0][1] * g[1][2] - g[0][2] * g[1][1]) / det, (g[0][2] * g[1][0] - g[0][0] * g[1][2]) / det};
}

double UnitCell::inverseDSquared(int h, int k, int l) const {
  const auto m = reciprocalMetric();
  return m[0] * h * h + m[1] * k * k + m[2] * l * l + 2.0 * (m[3] * h * k + m[4] * h * l + m[5] * k * l);
}

std::array<int, 3> UnitCell::indexLimits(double inverse_d_max) const {
  // |h| <= |a| / d_min since h = a . d* and |d*| <= 1/d_min; likewise k and l.
  return {static_cast<int>(std::ceil(a * inverse_d_max)), static_cast<int>(std::ceil(b * inverse_d_max)),
          static_cast<int>(std::ceil(c * inverse_d_max))};
}

UnitCell UnitCell::strained(double sa, double sb, double sc) const {
  UnitCell out = *this;
  out.a *= sa;
  out.b *= sb;
  out.c *= sc;
  return out;
}

std::vector<AtomSite> CrystalStructure::unitCellAtoms() const {
  std::vector<AtomSite> atoms;
  // Cartesian distance between fractional positions, nearest image.
  const double ca = std::cos(cell.alpha * kDeg), cb = std::cos(cell.beta * kDeg), cg = std::cos(cell.gamma * kDeg);
  auto distanceSquared = [&](const std::array<double, 3>& p, const std::array<double, 3>& q) {
    double d[3];
    for (int i = 0; i < 3; ++i) {
      d[i] = p[i] - q[i];
      d[i] -= std::round(d[i]);
    }
    const double x = d[0] * cell.a, y = d[1] * cell.b, z = d[2] * cell.c;
    return x * x + y * y + z * z + 2 * x * y * cg + 2 * x * z * cb + 2 * y * z * ca;
  };
  for (const AtomSite& site : sites) {
    const std::size_t first = atoms.size();
    for (const SymmetryOperation& op : operations) {
      std::array<double, 3> p{};
      for (int i = 0; i < 3; ++i)
        p[i] = wrap(op.rotation[i][0] * site.fract[0] + op.rotation[i][1] * site.fract[1] +
                    op.rotation[i][2] * site.fract[2] + op.translation[i]);
      const bool seen = std::any_of(atoms.begin() + static_cast<std::ptrdiff_t>(first), atoms.end(),
                                    [&](const AtomSite& other) { return distanceSquared(p, other.fract) < 1e-4; });
      if (seen) continue;
      atoms.push_back(site);
      atoms.back().fract = p;
    }
  }
  return atoms;
}

std::map<std::string, double> CrystalStructure::cellContents() const {
  std::map<std::string, double> contents;
  for (const AtomSite& atom : unitCellAtoms()) contents[atom.element] += atom.occupancy;
  return contents;
}

std::vector<std::array<std::array<int, 3>, 3>> CrystalStructure::pointOperations() const {
  std::set<std::array<std::array<int, 3>, 3>> unique;
  for (const SymmetryOperation& op : operations) unique.insert(op.rotation);
  return {unique.begin(), unique.end()};
}

}  // namespace phasewise::core
