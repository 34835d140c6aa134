#pragma once
// Reference phases: the known crystal phases the classifier learns and the refiner imitates.
// Each comes from a crystal structure (CIF) or from a stick list (positions and relative
// intensities, e.g. ICDD cards), with name, formula, composition and provenance.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulate/crystal_structure.h"
#include "simulate/powder_pattern.h"

namespace phasewise::core {

struct StickLine {
  double q_nm = 0.0;       // Q in nm^-1 (independent of wavelength)
  double intensity = 0.0;  // relative
  std::optional<std::array<int, 3>> hkl;
};

struct ReferencePhase {
  std::string name;
  std::string formula;
  std::map<std::string, double> composition;  // atomic fractions
  std::string source;                         // file (and entry) it came from
  std::optional<CrystalStructure> structure;  // set for phases from a CIF
  std::vector<StickLine> sticks;              // set for phases from a stick list

  [[nodiscard]] bool fromStructure() const { return structure.has_value(); }
};

struct PhaseLibrary {
  std::vector<ReferencePhase> phases;

  [[nodiscard]] std::size_t size() const { return phases.size(); }
  // Index of the phase with this name; throws Error naming near misses when absent.
  [[nodiscard]] std::size_t indexOf(const std::string& name) const;
  // The elements any phase contains, sorted.
  [[nodiscard]] std::vector<std::string> elements() const;
};

// The elements of `phase` outside a library's chemical system (model/chemistry.h), e.g. with
// lightNonMetals() allowed besides the spread's own.
[[nodiscard]] std::vector<std::string> elementsOutside(const ReferencePhase& phase,
                                                       const std::vector<std::string>& library_elements,
                                                       const std::vector<std::string>& also_allowed);

// A reference phase from a crystal structure (composition from the unit-cell contents).
[[nodiscard]] ReferencePhase phaseFromStructure(const CrystalStructure& structure);

// The phase's ideal stick pattern: simulated from its structure, or its stick list placed at
// the radiation's wavelengths (each line weighted, 2-theta range applied, scaled to 100).
[[nodiscard]] StickPattern idealSticks(const ReferencePhase& phase, const PowderSettings& settings);

}  // namespace phasewise::core
