#pragma once
// Ideal powder patterns: stick lists (position, d, hkl, multiplicity, intensity) from a
// structure's reflections with the Lorentz-polarisation factor, for one or several emission
// lines, and pseudo-Voigt profiles of a stick list on any grid and axis.

#include <array>
#include <string>
#include <vector>

#include "model/axis.h"
#include "simulate/crystal_structure.h"
#include "simulate/radiation.h"
#include "simulate/reflections.h"

namespace phasewise::core {

struct PowderSettings {
  Radiation radiation = Radiation::parse("CuKa1");
  double two_theta_min = 5.0;  // degrees
  double two_theta_max = 90.0;
  bool lorentz_polarisation = true;
  double monochromator_two_theta = 0.0;  // degrees; 0 = no monochromator
  StructureFactorSettings structure_factors;
};

struct StickPeak {
  double two_theta = 0.0;                // degrees, for this peak's emission line
  double d = 0.0;                        // Angstrom
  double intensity = 0.0;                // scaled so the strongest peak of the list is 100
  int multiplicity = 0;                  // summed over the families that coincide here
  int line = 0;                          // index into the radiation's emission lines
  std::vector<std::array<int, 3>> hkls;  // one representative per family
  std::vector<int> family_multiplicities;

  [[nodiscard]] double qInverseAngstrom() const;
};

struct StickPattern {
  std::string phase;
  Radiation radiation;
  std::vector<StickPeak> peaks;  // sorted by 2-theta
};

// Reflections within the 2-theta range of every emission line, merged where they coincide
// (within 1e-5 degrees), intensity = |F|^2 x multiplicity x LP x line weight, scaled to 100.
[[nodiscard]] StickPattern simulateSticks(const CrystalStructure& structure, const PowderSettings& settings);

// The Lorentz-polarisation factor (1 + cos^2 2tm cos^2 2t) / (sin^2 t cos t (1 + cos^2 2tm)).
[[nodiscard]] double lorentzPolarisation(double two_theta_deg, double monochromator_two_theta_deg);

struct ProfileSettings {
  // Caglioti: FWHM^2 = U tan^2(theta) + V tan(theta) + W, in degrees^2 of 2-theta.
  double u = 0.0, v = 0.0, w = 0.01;
  double eta = 0.5;                  // Lorentzian fraction of the pseudo-Voigt
  double crystallite_size_nm = 0.0;  // > 0 adds Scherrer broadening K lambda / (L cos theta), K = 0.9
  double window_fwhm = 25.0;         // each peak is drawn over +- this many FWHM
};

// FWHM (degrees 2-theta) at a 2-theta position.
[[nodiscard]] double peakWidth(double two_theta_deg, double wavelength_angstrom, const ProfileSettings& settings);

// The stick pattern drawn with area-normalised pseudo-Voigt peaks on `grid` (any axis kind:
// Q grids are converted to 2-theta with each peak's own wavelength). Not normalised.
[[nodiscard]] std::vector<float> renderProfile(const StickPattern& sticks, const Axis& grid,
                                               const ProfileSettings& settings);

}  // namespace phasewise::core
