#pragma once
// Reflections of a crystal structure: every (h k l) out to a resolution limit, merged into
// symmetry-equivalent families (Friedel pairs included) with their multiplicity, systematic
// absences removed by the symmetry operations themselves, and |F|^2 from IT92 form factors,
// occupancies and isotropic Debye-Waller factors.

#include <array>
#include <vector>

#include "simulate/crystal_structure.h"

namespace phasewise::core {

struct StructureFactorSettings {
  bool debye_waller = true;
  // B (A^2) for sites whose file gives none. 0.5 A^2 is typical of inorganic solids at room
  // temperature; pymatgen applies none, so comparisons with it switch debye_waller off.
  double default_b_iso = 0.5;
  // Resonant (anomalous) scattering f' + i f'' from xraylib at the radiation's wavelength.
  // Matters near absorption edges (Ni, Co, Fe with Cu radiation: f' ~ -3 electrons for Ni).
  // pymatgen ignores it, xrayutilities applies it.
  bool anomalous_dispersion = true;
};

struct Reflection {
  std::array<int, 3> hkl{};  // the family's representative (largest in lexicographic order)
  int multiplicity = 0;
  double d = 0.0;          // Angstrom
  double f_squared = 0.0;  // (|F(hkl)|^2 + |F(-h-k-l)|^2) / 2, electrons^2
};

// Families with d >= d_min, sorted by decreasing d. `wavelength` (Angstrom) sets the energy of
// the anomalous terms; 0 switches them off. Throws Error for a structure with no sites, an
// element without form factors, or a d_min that would enumerate absurdly many indices.
[[nodiscard]] std::vector<Reflection> computeReflections(const CrystalStructure& structure, double d_min,
                                                         const StructureFactorSettings& settings = {},
                                                         double wavelength = 0.0);

// True when the symmetry operations force F(hkl) = 0 (lattice centring, glides, screws).
[[nodiscard]] bool systematicallyAbsent(const CrystalStructure& structure, const std::array<int, 3>& hkl);

}  // namespace phasewise::core
