#include "simulate/reflections.h"

#include <xraylib.h>
#include <gemmi/elem.hpp>
#include <gemmi/it92.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <tuple>

#include "util/error.h"

namespace phasewise::core {
namespace {
using Miller = std::array<int, 3>;
using Rotation = std::array<std::array<int, 3>, 3>;

Miller times(const Miller& h, const Rotation& r) {
  // Miller indices transform as a row vector: h' = h R.
  return {h[0] * r[0][0] + h[1] * r[1][0] + h[2] * r[2][0], h[0] * r[0][1] + h[1] * r[1][1] + h[2] * r[2][1],
          h[0] * r[0][2] + h[1] * r[1][2] + h[2] * r[2][2]};
}
Miller negated(const Miller& h) { return {-h[0], -h[1], -h[2]}; }

struct ScatteringType {
  const gemmi::IT92<double>::Coef* coef = nullptr;
  double b_iso = 0.0;
  double f_prime = 0.0, f_double_prime = 0.0;
  std::vector<std::array<double, 3>> positions;
  std::vector<double> occupancies;
};

// f' and f'' of element Z at a wavelength (Angstrom), from xraylib.
std::pair<double, double> anomalousTerms(int z, double wavelength) {
  const double energy_kev = 12.398419843320026 / wavelength;
  xrl_error* error = nullptr;
  const double f1 = Fi(z, energy_kev, &error);
  if (error) {
    xrl_error_free(error);
    throw Error("xraylib has no anomalous scattering factor for Z = " + std::to_string(z));
  }
  const double f2 = Fii(z, energy_kev, &error);
  if (error) {
    xrl_error_free(error);
    throw Error("xraylib has no anomalous scattering factor for Z = " + std::to_string(z));
  }
  return {f1, f2};
}

std::vector<ScatteringType> scatteringTypes(const CrystalStructure& structure, const StructureFactorSettings& settings,
                                            double wavelength) {
  std::map<std::pair<int, double>, ScatteringType> types;
  for (const AtomSite& atom : structure.unitCellAtoms()) {
    const gemmi::Element element(atom.element.c_str());
    if (element.elem == gemmi::El::X || !gemmi::IT92<double>::has(element.elem))
      throw Error("no X-ray form factor for element '" + atom.element + "' (site " + atom.label + ")");
    const double b = settings.debye_waller ? (atom.b_from_file ? atom.b_iso : settings.default_b_iso) : 0.0;
    ScatteringType& type = types[{element.ordinal(), b}];
    type.coef = &gemmi::IT92<double>::get(element.elem);
    type.b_iso = b;
    if (settings.anomalous_dispersion && wavelength > 0.0)
      std::tie(type.f_prime, type.f_double_prime) = anomalousTerms(element.atomic_number(), wavelength);
    type.positions.push_back(atom.fract);
    type.occupancies.push_back(atom.occupancy);
  }
  std::vector<ScatteringType> out;
  for (auto& [key, type] : types) out.push_back(std::move(type));
  return out;
}
}  // namespace

bool systematicallyAbsent(const CrystalStructure& structure, const std::array<int, 3>& hkl) {
  for (const SymmetryOperation& op : structure.operations) {
    if (times(hkl, op.rotation) != hkl) continue;
    const double phase = hkl[0] * op.translation[0] + hkl[1] * op.translation[1] + hkl[2] * op.translation[2];
    if (std::abs(phase - std::round(phase)) > 1e-6) return true;
  }
  return false;
}

namespace {

// Whether hkl is its family's representative (the largest member; Friedel mates included),
// and then the family's multiplicity (0 when it is not the representative).
int familyMultiplicity(const Miller& hkl, const std::vector<Rotation>& rotations, std::vector<Miller>& orbit) {
  orbit.clear();
  for (const Rotation& r : rotations) {
    const Miller image = times(hkl, r);
    for (const Miller& m : {image, negated(image)}) {
      if (m > hkl) return 0;
      orbit.push_back(m);
    }
  }
  std::sort(orbit.begin(), orbit.end());
  return static_cast<int>(std::unique(orbit.begin(), orbit.end()) - orbit.begin());
}

// |F|^2 averaged over hkl and -hkl. F(h) = sum_t f_t S_t and F(-h) = sum_t f_t conj(S_t), with
// S_t the geometric sum of type t; they differ only through f'' (Bijvoet pairs), and a powder
// sees their mean.
double meanIntensity(const std::vector<ScatteringType>& types, const Miller& hkl, double stol2) {
  std::complex<double> f_plus(0.0, 0.0), f_minus(0.0, 0.0);
  for (const ScatteringType& type : types) {
    const double damping = std::exp(-type.b_iso * stol2);
    const std::complex<double> scattering((type.coef->calculate_sf(stol2) + type.f_prime) * damping,
                                          type.f_double_prime * damping);
    double re = 0.0, im = 0.0;
    for (std::size_t a = 0; a < type.positions.size(); ++a) {
      const auto& x = type.positions[a];
      const double phase = 2.0 * M_PI * (hkl[0] * x[0] + hkl[1] * x[1] + hkl[2] * x[2]);
      re += type.occupancies[a] * std::cos(phase);
      im += type.occupancies[a] * std::sin(phase);
    }
    f_plus += scattering * std::complex<double>(re, im);
    f_minus += scattering * std::complex<double>(re, -im);
  }
  return 0.5 * (std::norm(f_plus) + std::norm(f_minus));
}

}  // namespace

std::vector<Reflection> computeReflections(const CrystalStructure& structure, double d_min,
                                           const StructureFactorSettings& settings, double wavelength) {
  if (structure.sites.empty()) throw Error("the structure has no atom sites");
  if (!(d_min > 0.0)) throw Error("the resolution limit d_min must be positive");
  const double inverse_d_max = 1.0 / d_min;
  const auto limits = structure.cell.indexLimits(inverse_d_max);
  const double box = 8.0 * (limits[0] + 1.0) * (limits[1] + 1.0) * (limits[2] + 1.0);
  if (box > 5e7)
    throw Error("d_min " + std::to_string(d_min) + " A is too fine for this cell (over 5e7 indices to visit)");
  const auto g = structure.cell.reciprocalMetric();
  const std::vector<Rotation> rotations = structure.pointOperations();
  const std::vector<ScatteringType> types = scatteringTypes(structure, settings, wavelength);
  const double limit2 = inverse_d_max * inverse_d_max * (1.0 + 1e-12);

  std::vector<Reflection> result;
  std::vector<Miller> orbit;
  for (int h = -limits[0]; h <= limits[0]; ++h)
    for (int k = -limits[1]; k <= limits[1]; ++k)
      for (int l = -limits[2]; l <= limits[2]; ++l) {
        const double inv_d2 =
            g[0] * h * h + g[1] * k * k + g[2] * l * l + 2.0 * (g[3] * h * k + g[4] * h * l + g[5] * k * l);
        if (inv_d2 <= 1e-12 || inv_d2 > limit2) continue;
        const Miller hkl = {h, k, l};
        // Each family once, at its largest member; Friedel mates are equivalent in intensity
        // for powder diffraction without anomalous scattering.
        const int multiplicity = familyMultiplicity(hkl, rotations, orbit);
        if (multiplicity == 0 || systematicallyAbsent(structure, hkl)) continue;
        const double stol2 = 0.25 * inv_d2;  // (sin(theta)/lambda)^2 = 1/(4 d^2)
        result.push_back({hkl, multiplicity, 1.0 / std::sqrt(inv_d2), meanIntensity(types, hkl, stol2)});
      }
  std::sort(result.begin(), result.end(), [](const Reflection& a, const Reflection& b) { return a.d > b.d; });
  return result;
}

}  // namespace phasewise::core
