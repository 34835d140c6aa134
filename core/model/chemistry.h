#pragma once
// Whether a phase fits a library's chemical system: the one rule the library-guided fit and
// the reference-phase dialog share. A composition spread names its metals (Fe-Ni-Cu); its
// phases may also hold the light non-metals a synthesis brings in (anions and atmosphere).

#include <string>
#include <vector>

namespace phasewise::core {

// H, C, N, O, F, P, S, Cl, Se, Br, I.
[[nodiscard]] const std::vector<std::string>& lightNonMetals();

// The elements of `phase_elements` that are neither among `library_elements` nor in
// `also_allowed`, compared without regard to case. Empty when the phase fits, or when
// `library_elements` is empty (a library that names no elements rules nothing out).
[[nodiscard]] std::vector<std::string> elementsOutside(const std::vector<std::string>& phase_elements,
                                                       const std::vector<std::string>& library_elements,
                                                       const std::vector<std::string>& also_allowed);

}  // namespace phasewise::core
