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

// Per phase (its elements; an empty list for a phase whose composition is unknown): 1 where it
// fits the library's chemical system with the light non-metals, 0 where it holds another
// element. Every phase fits when `library_elements` is empty, and so does one of unknown
// composition. The one rule behind the library-guided fit's candidates and the classifier's
// allowed identities.
[[nodiscard]] std::vector<char> phasesWithinChemistry(const std::vector<std::vector<std::string>>& phase_elements,
                                                      const std::vector<std::string>& library_elements);

}  // namespace phasewise::core
