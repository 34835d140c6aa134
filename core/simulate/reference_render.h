#pragma once
// Renders a phase library's ideal patterns on any axis, in several peak-width variants (the
// input of the library-guided fits).

#include <string>
#include <vector>

#include "model/reference_patterns.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

// No augmentation besides the width: the radiation's main line, the default profile with its
// FWHM multiplied by each of `width_scales`.
[[nodiscard]] ReferencePatterns renderReferencePatterns(const PhaseLibrary& library, const Axis& axis,
                                                        const std::string& radiation = "CuKa1",
                                                        const std::vector<double>& width_scales = {1, 2, 4, 8});

}  // namespace phasewise::core
