#pragma once
// Candidate phases rendered as ideal patterns on one axis, for fitting data with them (the
// library-guided decomposition, single-pattern phase identification). Each phase comes in a
// few peak-width variants, since a measured phase's peaks are rarely as narrow or as broad as
// the reference profile. Plain data.

#include <string>
#include <vector>

#include "model/axis.h"

namespace phasewise::core {

struct ReferencePatterns {
  Axis axis;                         // Q (any unit) or 2-theta with a wavelength
  std::vector<std::string> names;    // one per phase
  std::vector<double> width_scales;  // the variants' FWHM multipliers
  std::vector<float> patterns;       // phases x variants x points, each variant with maximum 1
  // The variants' maxima before scaling (phases x variants): for phases from structures the
  // absolute scale (|F|^2 m LP per cell), which turns fitted heights into scale factors.
  std::vector<double> raw_maximum;
  // Per phase: cell mass x cell volume (Z M V, g/mol x A^3) for phases from structures, 0 for
  // stick lists: the Hill-Howard weight fraction is proportional to scale x Z M V.
  std::vector<double> cell_mass_volume;
  // Per phase: its elements (empty when its composition is unknown, e.g. a stick list named
  // without a formula).
  std::vector<std::vector<std::string>> elements;

  [[nodiscard]] std::size_t phases() const { return names.size(); }
  [[nodiscard]] std::size_t variants() const { return width_scales.size(); }
  [[nodiscard]] const float* pattern(std::size_t phase, std::size_t variant) const {
    return patterns.data() + (phase * variants() + variant) * axis.values.size();
  }
};

}  // namespace phasewise::core
