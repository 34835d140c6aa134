#include "decompose/phase_chemistry.h"

#include "model/chemistry.h"

namespace phasewise::core {

std::vector<char> chemicallyPossible(const ReferencePatterns& references,
                                     const std::vector<std::string>& library_elements) {
  std::vector<char> allowed(references.phases(), 1);
  if (library_elements.empty() || references.elements.size() != references.phases()) return allowed;
  for (std::size_t p = 0; p < references.phases(); ++p)
    if (!elementsOutside(references.elements[p], library_elements, lightNonMetals()).empty()) allowed[p] = 0;
  return allowed;
}

}  // namespace phasewise::core
