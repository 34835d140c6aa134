#include "decompose/phase_chemistry.h"

#include <algorithm>
#include <array>

namespace phasewise::core {

std::vector<char> chemicallyPossible(const ReferencePatterns& references,
                                     const std::vector<std::string>& library_elements) {
  static constexpr std::array<const char*, 11> kNonMetals{"H", "C", "N", "O", "F", "P", "S", "Cl", "Se", "Br", "I"};
  std::vector<char> allowed(references.phases(), 1);
  if (library_elements.empty() || references.elements.size() != references.phases()) return allowed;
  for (std::size_t p = 0; p < references.phases(); ++p)
    for (const std::string& element : references.elements[p]) {
      const bool own = std::find(library_elements.begin(), library_elements.end(), element) != library_elements.end();
      const bool light = std::any_of(kNonMetals.begin(), kNonMetals.end(), [&](const char* e) { return element == e; });
      if (!own && !light) allowed[p] = 0;
    }
  return allowed;
}

}  // namespace phasewise::core
