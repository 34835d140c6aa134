#pragma once
// Which candidate phases the chemistry of a library allows. A composition spread of, say,
// Fe-Ni-Cu oxides cannot hold a Mn or Co phase, however well its pattern fits: a phase with an
// element that is neither one of the library's elements nor a light non-metal (the anions and
// atmosphere of a synthesis, model/chemistry.h) is left out. Phases whose
// composition is unknown, and every phase when the library names no elements, stay in.

#include <string>
#include <vector>

#include "model/reference_patterns.h"

namespace phasewise::core {

// Per reference phase: 1 where allowed.
[[nodiscard]] std::vector<char> chemicallyPossible(const ReferencePatterns& references,
                                                   const std::vector<std::string>& library_elements);

}  // namespace phasewise::core
