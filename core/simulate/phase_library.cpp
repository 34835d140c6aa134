#include "simulate/phase_library.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "model/chemistry.h"
#include "simulate/formula.h"
#include "util/error.h"

namespace phasewise::core {

std::size_t PhaseLibrary::indexOf(const std::string& name) const {
  for (std::size_t i = 0; i < phases.size(); ++i)
    if (phases[i].name == name) return i;
  std::string similar;
  for (const ReferencePhase& p : phases)
    if (p.name.find(name) != std::string::npos && similar.size() < 200)
      similar += (similar.empty() ? "" : ", ") + p.name;
  throw Error("no phase named '" + name + "' in the library" +
              (similar.empty() ? "" : " (did you mean: " + similar + "?)"));
}

std::vector<std::string> PhaseLibrary::elements() const {
  std::set<std::string> all;
  for (const ReferencePhase& p : phases)
    for (const auto& [el, f] : p.composition) all.insert(el);
  return {all.begin(), all.end()};
}

std::vector<std::string> elementsOutside(const ReferencePhase& phase, const std::vector<std::string>& library_elements,
                                         const std::vector<std::string>& also_allowed) {
  std::vector<std::string> present;
  for (const auto& [element, fraction] : phase.composition)
    if (fraction > 0) present.push_back(element);
  return elementsOutside(present, library_elements, also_allowed);
}

ReferencePhase phaseFromStructure(const CrystalStructure& structure) {
  ReferencePhase phase;
  phase.name = structure.name;
  auto contents = structure.cellContents();
  // The formula unit: divide the cell contents by their greatest common divisor when they
  // are whole numbers (Cu4 -> Cu, Fe12 O18 -> Fe2 O3).
  long divisor = 0;
  bool whole = true;
  for (const auto& [element, count] : contents) {
    whole = whole && std::abs(count - std::round(count)) < 1e-6 && count >= 1.0;
    if (whole) divisor = std::gcd(divisor, std::lround(count));
  }
  std::map<std::string, double> unit = contents;
  if (whole && divisor > 1)
    for (auto& [element, count] : unit) count /= static_cast<double>(divisor);
  phase.formula = structure.formula.empty() ? formulaText(unit) : structure.formula;
  phase.composition = atomicFractions(contents);
  phase.source = structure.source;
  phase.structure = structure;
  return phase;
}

StickPattern idealSticks(const ReferencePhase& phase, const PowderSettings& settings) {
  if (phase.structure) {
    StickPattern sticks = simulateSticks(*phase.structure, settings);
    sticks.phase = phase.name;
    return sticks;
  }
  if (phase.sticks.empty()) throw Error("phase '" + phase.name + "' has neither a structure nor sticks");
  StickPattern pattern;
  pattern.phase = phase.name;
  pattern.radiation = settings.radiation;
  double strongest = 0;
  for (std::size_t line = 0; line < settings.radiation.lines.size(); ++line) {
    const EmissionLine& emission = settings.radiation.lines[line];
    for (const StickLine& stick : phase.sticks) {
      const double s = stick.q_nm / 10.0 * emission.wavelength / (4.0 * M_PI);
      if (!(s > 0.0 && s < 1.0)) continue;
      StickPeak peak;
      peak.two_theta = 2.0 * std::asin(s) * 180.0 / M_PI;
      if (peak.two_theta < settings.two_theta_min || peak.two_theta > settings.two_theta_max) continue;
      peak.d = 2.0 * M_PI / (stick.q_nm / 10.0);
      // Stick lists already hold observed relative intensities (LP included): only the
      // emission line's weight applies.
      peak.intensity = stick.intensity * emission.weight;
      peak.line = static_cast<int>(line);
      if (stick.hkl) peak.hkls = {*stick.hkl};
      strongest = std::max(strongest, peak.intensity);
      pattern.peaks.push_back(std::move(peak));
    }
  }
  for (StickPeak& p : pattern.peaks) p.intensity *= strongest > 0 ? 100.0 / strongest : 0.0;
  std::sort(pattern.peaks.begin(), pattern.peaks.end(),
            [](const StickPeak& a, const StickPeak& b) { return a.two_theta < b.two_theta; });
  return pattern;
}

}  // namespace phasewise::core
