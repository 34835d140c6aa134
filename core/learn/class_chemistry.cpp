#include "learn/class_chemistry.h"

#include "model/chemistry.h"
#include "simulate/formula.h"
#include "util/error.h"

namespace phasewise::core {

std::vector<char> classesWithinChemistry(const std::vector<std::string>& phase_formulas,
                                         const std::vector<std::string>& library_elements) {
  std::vector<char> allowed(phase_formulas.size(), 1);
  if (library_elements.empty()) return allowed;
  for (std::size_t p = 0; p < phase_formulas.size(); ++p) {
    const std::string& formula = phase_formulas[p];
    if (formula.empty()) continue;
    std::vector<std::string> elements;
    try {
      for (const auto& [element, amount] : parseFormula(formula))
        if (amount > 0) elements.push_back(element);
    } catch (const Error&) {
      continue;  // not a formula after all: its chemistry is unknown
    }
    if (!elementsOutside(elements, library_elements, lightNonMetals()).empty()) allowed[p] = 0;
  }
  return allowed;
}

}  // namespace phasewise::core
