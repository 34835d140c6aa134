#pragma once
// The area-normalised pseudo-Voigt of unit FWHM, tabulated once per Lorentzian fraction so
// that drawing thousands of peaks costs a table lookup per point instead of exp() calls.

#include <cstddef>
#include <vector>

namespace phasewise::core {

class PseudoVoigtShape {
 public:
  // eta: Lorentzian fraction (0 = Gaussian, 1 = Lorentzian); the table covers |x| <= window
  // (in units of FWHM).
  PseudoVoigtShape(double eta, double window);

  [[nodiscard]] double window() const { return window_; }
  // Value of the unit-FWHM, unit-area profile at x (in FWHM units); 0 beyond the window.
  [[nodiscard]] double operator()(double x) const {
    const double u = (x < 0 ? -x : x) * kSamplesPerFwhm;
    const auto i = static_cast<std::size_t>(u);
    if (i + 1 >= table_.size()) return 0.0;
    const double t = u - static_cast<double>(i);
    return table_[i] + t * (table_[i + 1] - table_[i]);
  }
  // The mixture eta * lorentzian + (1 - eta) * gaussian of two tables of equal window, so a
  // shape of any eta costs one pass over the table, not exp() calls.
  static PseudoVoigtShape mixture(const PseudoVoigtShape& lorentzian, const PseudoVoigtShape& gaussian, double eta);
  // Exact value, for checking the table.
  [[nodiscard]] static double exact(double x, double eta);

  static constexpr double kSamplesPerFwhm = 64.0;

 private:
  PseudoVoigtShape() = default;
  double window_ = 0.0;
  std::vector<double> table_;
};

}  // namespace phasewise::core
