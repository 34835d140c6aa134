#pragma once
// Crystal structures from CIF files, through gemmi. Handles H-M symbols in any setting or
// origin choice (:1, :2, :H, :R, rhombohedral axes), files that give only the symmetry
// operators, fractional occupancies and split sites, site labels that are not element
// symbols (via _atom_site_type_symbol), Uiso/Biso, and oxidation-state suffixes. Tolerates
// the duplicated tags some databases write (with a warning).

#include <filesystem>
#include <string>
#include <vector>

#include "simulate/crystal_structure.h"

namespace phasewise::core {

struct CifResult {
  CrystalStructure structure;
  std::vector<std::string> warnings;
};

// Throws FormatError naming the file and what is missing or unsupported.
[[nodiscard]] CifResult readCif(const std::filesystem::path& path);
// The gemmi version structures are read with ("0.5.7").
[[nodiscard]] std::string gemmiVersion();
[[nodiscard]] CifResult readCifText(const std::string& text, const std::string& name);

}  // namespace phasewise::core
