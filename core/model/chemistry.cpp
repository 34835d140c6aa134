#include "model/chemistry.h"

#include <set>

#include "util/text.h"

namespace phasewise::core {

const std::vector<std::string>& lightNonMetals() {
  static const std::vector<std::string> elements{"H", "C", "N", "O", "F", "P", "S", "Cl", "Se", "Br", "I"};
  return elements;
}

std::vector<std::string> elementsOutside(const std::vector<std::string>& phase_elements,
                                         const std::vector<std::string>& library_elements,
                                         const std::vector<std::string>& also_allowed) {
  if (library_elements.empty()) return {};
  std::set<std::string> allowed;
  for (const auto* list : {&library_elements, &also_allowed})
    for (const std::string& e : *list) allowed.insert(lowercase(e));
  std::vector<std::string> outside;
  for (const std::string& element : phase_elements)
    if (!allowed.count(lowercase(element))) outside.push_back(element);
  return outside;
}

std::vector<char> phasesWithinChemistry(const std::vector<std::vector<std::string>>& phase_elements,
                                        const std::vector<std::string>& library_elements) {
  std::vector<char> allowed(phase_elements.size(), 1);
  for (std::size_t p = 0; p < phase_elements.size(); ++p)
    if (!elementsOutside(phase_elements[p], library_elements, lightNonMetals()).empty()) allowed[p] = 0;
  return allowed;
}

}  // namespace phasewise::core
