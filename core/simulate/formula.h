#pragma once
// Chemical formulas: "Fe2O3", "Li0.6Fe2.4O4", "(Al2O3)1.333", "Ca(OH)2", "Fe O3 Mn" (CIF
// style, blanks allowed) into element amounts.

#include <map>
#include <string>

namespace phasewise::core {

// Throws Error naming the first character it cannot read.
[[nodiscard]] std::map<std::string, double> parseFormula(const std::string& formula);

// Amounts scaled to sum to 1 (atomic fractions).
[[nodiscard]] std::map<std::string, double> atomicFractions(const std::map<std::string, double>& amounts);

// Mass of the amounts in g/mol (IT92 standard atomic weights, through gemmi): a formula unit's
// molar mass, or a unit cell's mass from its contents.
[[nodiscard]] double formulaMass(const std::map<std::string, double>& amounts);

// "Fe2 O3" style text of amounts (integers printed without decimals).
[[nodiscard]] std::string formulaText(const std::map<std::string, double>& amounts);

}  // namespace phasewise::core
