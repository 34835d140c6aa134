#pragma once
// A crystal structure as the powder simulator needs it: cell, the full list of symmetry
// operations (centring included) in the setting of the source file, and the asymmetric-unit
// sites with element, charge, occupancy and isotropic displacement.

#include <array>
#include <map>
#include <string>
#include <vector>

namespace phasewise::core {

struct UnitCell {
  double a = 1, b = 1, c = 1;                // Angstrom
  double alpha = 90, beta = 90, gamma = 90;  // degrees

  [[nodiscard]] double volume() const;
  // The reciprocal metric tensor G* = G^-1 as (g11, g22, g33, g12, g13, g23), in A^-2.
  [[nodiscard]] std::array<double, 6> reciprocalMetric() const;
  // 1/d^2 in A^-2 for reflection (h, k, l).
  [[nodiscard]] double inverseDSquared(int h, int k, int l) const;
  // Largest |h|, |k|, |l| that can reach 1/d <= inverse_d_max.
  [[nodiscard]] std::array<int, 3> indexLimits(double inverse_d_max) const;
  // The same cell with each length scaled (lattice strain), angles kept.
  [[nodiscard]] UnitCell strained(double sa, double sb, double sc) const;
};

// x' = R x + t on fractional coordinates; R is integral in any crystallographic setting.
struct SymmetryOperation {
  std::array<std::array<int, 3>, 3> rotation{};
  std::array<double, 3> translation{};
};

struct AtomSite {
  std::string label;
  std::string element;  // "Fe"
  int charge = 0;       // +3 for "Fe3+"
  std::array<double, 3> fract{};
  double occupancy = 1.0;
  double b_iso = 0.0;        // Angstrom^2 (B = 8 pi^2 U)
  bool b_from_file = false;  // false: the simulator's default applies
};

struct CrystalStructure {
  std::string name;
  std::string formula;      // as stated in the file, when it states one
  std::string space_group;  // Hermann-Mauguin symbol as written
  int space_group_number = 0;
  std::string source;  // file it was read from
  UnitCell cell;
  std::vector<SymmetryOperation> operations;  // complete, identity first
  std::vector<AtomSite> sites;                // asymmetric unit

  // Every atom of the unit cell. Images closer than 0.01 A to one already placed are the
  // same atom on a special position and are dropped; split sites further apart are kept.
  [[nodiscard]] std::vector<AtomSite> unitCellAtoms() const;
  // Atoms per unit cell by element (occupancy-weighted).
  [[nodiscard]] std::map<std::string, double> cellContents() const;
  // Rotation parts acting on Miller indices (h' = h R), for merging equivalent reflections.
  [[nodiscard]] std::vector<std::array<std::array<int, 3>, 3>> pointOperations() const;
};

}  // namespace phasewise::core
