#pragma once
// X-ray radiation: one or more emission lines with relative weights. Named anodes give the
// K-alpha1/K-alpha2 doublet (ratio 0.5) or a single line ("CuKa1"); a plain number is a
// monochromatic wavelength in Angstrom.

#include <string>
#include <vector>

namespace phasewise::core {

struct EmissionLine {
  std::string name;
  double wavelength = 0.0;  // Angstrom
  double weight = 1.0;      // relative to the strongest line
};

struct Radiation {
  std::string name;
  std::vector<EmissionLine> lines;  // lines.front() is the primary (K-alpha1) line

  [[nodiscard]] double primaryWavelength() const { return lines.front().wavelength; }
  [[nodiscard]] double shortestWavelength() const;

  // "Cu", "Mo", "Co", "Cr", "Fe", "Ag" (doublet), "CuKa1" (single line), "CuKa2", or a
  // number in Angstrom. `kalpha2_ratio` overrides the doublet's intensity ratio when >= 0.
  // Throws Error for anything else.
  static Radiation parse(const std::string& text, double kalpha2_ratio = -1.0);
  static Radiation monochromatic(double wavelength_angstrom);
};

// The named anodes and their K-alpha1 / K-alpha2 wavelengths (Angstrom), for help texts.
[[nodiscard]] std::string knownAnodes();

}  // namespace phasewise::core
