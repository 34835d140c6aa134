#pragma once
// Renders a phase library's ideal patterns on any axis, in several peak-width variants (the
// input of the library-guided fits).

#include <string>
#include <vector>

#include "model/reference_patterns.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

// No augmentation besides the width: the radiation's lines (both of a K-alpha doublet such as
// "Cu"; "CuKa1" is one line), the default profile with its FWHM multiplied by each of
// `width_scales`.
[[nodiscard]] ReferencePatterns renderReferencePatterns(const PhaseLibrary& library, const Axis& axis,
                                                        const std::string& radiation = "CuKa1",
                                                        const std::vector<double>& width_scales = {1, 2, 4, 8});

// Renders for fitting data given on `data_axis`: on the same points expressed in Q (so that
// peaks sit where the radiation puts them whatever the data's wavelength), with the data's own
// wavelength as a single line when `radiation` is empty, else with `radiation`.
[[nodiscard]] ReferencePatterns renderReferencesFor(const PhaseLibrary& library, const Axis& data_axis,
                                                    const std::string& radiation = "");

}  // namespace phasewise::core
