#pragma once
// Stick lists as a source of reference phases:
//  - DRNets' sticks_lib.tsv (phase_index, phase_name, Q_nm^-1, intensity): many phases;
//  - DRNets' stick_bases.tsv (phase_index, Q_nm^-1, intensity, width): the true phases;
//  - a plain table, one phase per file: a '#' header naming the columns (two_theta, q_nm,
//    q_A or d for the position; intensity; optional h k l), white space or commas between.
// Positions are stored as Q in nm^-1; 2-theta needs the wavelength.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

struct StickTableOptions {
  std::optional<AxisSpec> axis;               // when the header does not name the position column
  std::optional<double> wavelength_angstrom;  // for 2-theta positions
};

// Throws FormatError naming the file, line and column.
[[nodiscard]] PhaseLibrary readStickTable(const std::filesystem::path& path, const StickTableOptions& options = {});

// Composition from a phase name: the first piece between '_', '-' or blanks (after any
// "index+") that reads as a formula, e.g. "(Al2O3)1.333" of "0+(Al2O3)1.333_01-075-0921_Cubic.txt"
// or "FeMnO3" of "cod_FeMnO3-Bixbyite.cif". Empty when none does.
[[nodiscard]] std::string formulaFromPhaseName(const std::string& name);

}  // namespace phasewise::core
