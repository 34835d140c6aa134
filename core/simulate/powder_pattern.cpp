#include "simulate/powder_pattern.h"

#include <algorithm>
#include <cmath>

#include "simulate/peak_shape.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr double kDeg = M_PI / 180.0;
}

double StickPeak::qInverseAngstrom() const { return 2.0 * M_PI / d; }

double lorentzPolarisation(double two_theta_deg, double monochromator_two_theta_deg) {
  const double t = 0.5 * two_theta_deg * kDeg;
  const double cm = std::cos(monochromator_two_theta_deg * kDeg);
  const double c2t = std::cos(2.0 * t);
  return (1.0 + cm * cm * c2t * c2t) / (std::sin(t) * std::sin(t) * std::cos(t) * (1.0 + cm * cm));
}

StickPattern simulateSticks(const CrystalStructure& structure, const PowderSettings& settings) {
  if (!(settings.two_theta_max > settings.two_theta_min) || settings.two_theta_min < 0 || settings.two_theta_max >= 180)
    throw Error("2-theta range must satisfy 0 <= min < max < 180 degrees");
  if (settings.radiation.lines.empty()) throw Error("the radiation has no emission lines");
  StickPattern pattern;
  pattern.phase = structure.name;
  pattern.radiation = settings.radiation;
  // One reflection list serves every line: it reaches the finest d any line can see.
  const double d_min = settings.radiation.shortestWavelength() / (2.0 * std::sin(0.5 * settings.two_theta_max * kDeg));
  const std::vector<Reflection> reflections =
      computeReflections(structure, d_min, settings.structure_factors, settings.radiation.primaryWavelength());
  for (std::size_t line = 0; line < settings.radiation.lines.size(); ++line) {
    const EmissionLine& emission = settings.radiation.lines[line];
    for (const Reflection& r : reflections) {
      const double s = emission.wavelength / (2.0 * r.d);
      if (s >= 1.0) continue;
      const double two_theta = 2.0 * std::asin(s) / kDeg;
      if (two_theta < settings.two_theta_min || two_theta > settings.two_theta_max) continue;
      const double lp =
          settings.lorentz_polarisation ? lorentzPolarisation(two_theta, settings.monochromator_two_theta) : 1.0;
      StickPeak peak;
      peak.two_theta = two_theta;
      peak.d = r.d;
      peak.intensity = r.f_squared * r.multiplicity * lp * emission.weight;
      peak.multiplicity = r.multiplicity;
      peak.line = static_cast<int>(line);
      peak.hkls = {r.hkl};
      peak.family_multiplicities = {r.multiplicity};
      pattern.peaks.push_back(std::move(peak));
    }
  }
  std::sort(pattern.peaks.begin(), pattern.peaks.end(),
            [](const StickPeak& a, const StickPeak& b) { return a.two_theta < b.two_theta; });
  // Families at the same position (e.g. cubic 333 and 511) form one observed peak.
  std::vector<StickPeak> merged;
  for (StickPeak& p : pattern.peaks) {
    if (!merged.empty() && merged.back().line == p.line && std::abs(merged.back().two_theta - p.two_theta) < 1e-5) {
      StickPeak& m = merged.back();
      m.intensity += p.intensity;
      m.multiplicity += p.multiplicity;
      m.hkls.insert(m.hkls.end(), p.hkls.begin(), p.hkls.end());
      m.family_multiplicities.insert(m.family_multiplicities.end(), p.family_multiplicities.begin(),
                                     p.family_multiplicities.end());
    } else {
      merged.push_back(std::move(p));
    }
  }
  double strongest = 0.0;
  for (const StickPeak& p : merged) strongest = std::max(strongest, p.intensity);
  // Drop what is numerically zero (accidental extinctions), then scale to 100.
  std::vector<StickPeak> kept;
  for (StickPeak& p : merged) {
    if (strongest > 0.0 && p.intensity > 1e-9 * strongest) {
      p.intensity *= 100.0 / strongest;
      kept.push_back(std::move(p));
    }
  }
  pattern.peaks = std::move(kept);
  return pattern;
}

double peakWidth(double two_theta_deg, double wavelength_angstrom, const ProfileSettings& settings) {
  const double t = 0.5 * two_theta_deg * kDeg;
  const double tan_t = std::tan(t);
  const double h2 = settings.u * tan_t * tan_t + settings.v * tan_t + settings.w;
  double fwhm = std::sqrt(std::max(h2, 1e-8));
  if (settings.crystallite_size_nm > 0.0) {
    // Scherrer, in radians of 2-theta; added in quadrature with the instrumental width.
    const double scherrer = 0.9 * wavelength_angstrom / (settings.crystallite_size_nm * 10.0 * std::cos(t)) / kDeg;
    fwhm = std::sqrt(fwhm * fwhm + scherrer * scherrer);
  }
  return fwhm;
}

std::vector<float> renderProfile(const StickPattern& sticks, const Axis& grid, const ProfileSettings& settings) {
  if (grid.values.empty()) throw Error("the profile grid is empty");
  if (!(settings.eta >= 0.0 && settings.eta <= 1.0)) throw Error("the Lorentzian fraction eta must lie in [0, 1]");
  const PseudoVoigtShape shape(settings.eta, settings.window_fwhm);
  std::vector<double> profile(grid.values.size(), 0.0);
  for (std::size_t line = 0; line < sticks.radiation.lines.size(); ++line) {
    const double wavelength = sticks.radiation.lines[line].wavelength;
    // The grid in degrees 2-theta for this line (NaN where the line cannot reach).
    std::vector<double> two_theta(grid.values.size());
    for (std::size_t i = 0; i < grid.values.size(); ++i) {
      const double v = grid.values[i];
      if (grid.spec.kind == AxisKind::TwoTheta) {
        two_theta[i] = v;
      } else {
        const double s = (grid.spec.unit == AxisUnit::InverseNanometre ? v / 10.0 : v) * wavelength / (4.0 * M_PI);
        two_theta[i] = s < 1.0 ? 2.0 * std::asin(s) / kDeg : 180.0 + static_cast<double>(i);
      }
    }
    for (const StickPeak& peak : sticks.peaks) {
      if (peak.line != static_cast<int>(line)) continue;
      const double fwhm = peakWidth(peak.two_theta, wavelength, settings);
      const double reach = settings.window_fwhm * fwhm;
      const auto first = std::lower_bound(two_theta.begin(), two_theta.end(), peak.two_theta - reach);
      const auto last = std::upper_bound(first, two_theta.end(), peak.two_theta + reach);
      const double scale = peak.intensity / fwhm;
      for (auto it = first; it != last; ++it)
        profile[static_cast<std::size_t>(it - two_theta.begin())] += scale * shape((*it - peak.two_theta) / fwhm);
    }
  }
  return {profile.begin(), profile.end()};
}

}  // namespace phasewise::core
