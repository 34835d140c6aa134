#include "learn/class_chemistry.h"

#include "model/chemistry.h"
#include "simulate/formula.h"
#include "util/error.h"

namespace phasewise::core {

std::vector<char> classesWithinChemistry(const std::vector<std::string>& phase_formulas,
                                         const std::vector<std::string>& library_elements) {
  std::vector<std::vector<std::string>> elements(phase_formulas.size());
  for (std::size_t p = 0; p < phase_formulas.size(); ++p) {
    if (phase_formulas[p].empty()) continue;
    try {
      for (const auto& [element, amount] : parseFormula(phase_formulas[p]))
        if (amount > 0) elements[p].push_back(element);
    } catch (const Error&) {
      elements[p].clear();  // not a formula after all: its chemistry is unknown
    }
  }
  return phasesWithinChemistry(elements, library_elements);
}

}  // namespace phasewise::core
