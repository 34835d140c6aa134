#include "decompose/phase_chemistry.h"

#include "model/chemistry.h"

namespace phasewise::core {

std::vector<char> chemicallyPossible(const ReferencePatterns& references,
                                     const std::vector<std::string>& library_elements) {
  if (references.elements.size() != references.phases()) return std::vector<char>(references.phases(), 1);
  return phasesWithinChemistry(references.elements, library_elements);
}

}  // namespace phasewise::core
