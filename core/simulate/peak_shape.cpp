#include "simulate/peak_shape.h"

#include <cmath>

namespace phasewise::core {

double PseudoVoigtShape::exact(double x, double eta) {
  // Gaussian and Lorentzian of FWHM 1 and area 1.
  constexpr double kLn2 = 0.69314718055994531;
  const double gauss = 2.0 * std::sqrt(kLn2 / M_PI) * std::exp(-4.0 * kLn2 * x * x);
  const double lorentz = 2.0 / M_PI / (1.0 + 4.0 * x * x);
  return eta * lorentz + (1.0 - eta) * gauss;
}

PseudoVoigtShape::PseudoVoigtShape(double eta, double window) : window_(window) {
  const auto n = static_cast<std::size_t>(window * kSamplesPerFwhm) + 2;
  table_.resize(n);
  for (std::size_t i = 0; i < n; ++i) table_[i] = exact(static_cast<double>(i) / kSamplesPerFwhm, eta);
  table_.back() = 0.0;  // the window's edge
}

PseudoVoigtShape PseudoVoigtShape::mixture(const PseudoVoigtShape& lorentzian, const PseudoVoigtShape& gaussian,
                                           double eta) {
  PseudoVoigtShape out;
  out.window_ = lorentzian.window_;
  out.table_.resize(lorentzian.table_.size());
  for (std::size_t i = 0; i < out.table_.size(); ++i)
    out.table_[i] = eta * lorentzian.table_[i] + (1.0 - eta) * gaussian.table_[i];
  return out;
}

}  // namespace phasewise::core
