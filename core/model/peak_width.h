#pragma once
// How broad a library's peaks are, measured on the data: the median over samples of the full
// width at half maximum of each sample's strongest peak (half its height above the sample's
// baseline, the 10th percentile of its intensities; linear interpolation between points).
// A classifier is trained on simulated peaks of a chosen width range (ClassifierSettings::
// setPeakWidths); thin films and nanocrystalline samples have peaks several times broader than
// a laboratory powder's, and a classifier that never met such widths calls them unknown.

#include <cstddef>
#include <optional>

#include "model/library.h"

namespace phasewise::core {

struct PeakWidth {
  double q_nm = 0;           // median FWHM in Q (nm^-1)
  double two_theta_deg = 0;  // the same widths in degrees 2-theta of the wavelength asked for
  double at_q_nm = 0;        // median position of the peaks measured (Q, nm^-1)
  std::size_t samples = 0;   // samples whose strongest peak could be measured
};

// nullopt when no sample has a measurable peak (flat, or its strongest peak runs off the axis),
// or when a 2-theta axis has no wavelength to convert with. `wavelength_angstrom`: the
// radiation the widths are wanted in (a classifier's training radiation).
[[nodiscard]] std::optional<PeakWidth> medianPeakWidth(const Library& library, double wavelength_angstrom);

}  // namespace phasewise::core
