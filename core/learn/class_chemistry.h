#pragma once
// Which of a classifier's phases the chemistry of the data allows, by the rule the
// library-guided decomposition uses (model/chemistry.h, decompose/phase_chemistry.h): a phase
// holding an element that is neither one of the library's elements nor a light non-metal cannot
// be in a Fe-Ni-Cu oxide spread, however its pattern looks. A phase whose formula is unknown or
// unreadable, and every phase when the library names no elements, stays in.

#include <string>
#include <vector>

namespace phasewise::core {

// One entry per phase formula (PhaseClassifier::phaseFormulas), 1 where the chemistry allows it.
[[nodiscard]] std::vector<char> classesWithinChemistry(const std::vector<std::string>& phase_formulas,
                                                       const std::vector<std::string>& library_elements);

}  // namespace phasewise::core
