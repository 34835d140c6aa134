#pragma once
// The dara precursor mixtures as the identification benchmarks read them: the precursors and
// their weight fractions from each file name, and which library card is which precursor.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "decompose/library_fit.h"
#include "simulate/phase_library.h"

namespace phasewise::cli {

struct Mixture {
  std::map<std::string, double> weight;  // formula -> weight fraction (normalised)
  std::string scan;                      // "8min", "2min"
};

// "NiO_0p6007-Bi2O3_0p4008--8min.xrdml"
[[nodiscard]] Mixture parseMixture(const std::string& file);

// A formula is not a phase: where the mixtures' precursor is one polymorph of several, the
// library's card counts only if it is that polymorph. The TiO2 of these mixtures is anatase
// (its 101, 004, 200, 105 and 211 peaks at 25.3, 37.9, 48.1, 54.0 and 55.2 deg 2-theta, Cu;
// no rutile 110 at 27.4 deg in any of them), and the 45 CIFs hold rutile only.
extern const std::map<std::string, std::string> kPrecursorPolymorph;

// The precursor a library card (its file name) is, or "" when it is another polymorph of it.
[[nodiscard]] std::string precursorOf(const std::string& card_file);

// The scans of each scan length as one library, decomposed with `phases` at the library-guided
// defaults, scored per file (bench_identify_library.cpp).
void benchMixturesAsLibrary(const CommandContext& context, const std::vector<std::filesystem::path>& files,
                            const core::PhaseLibrary& phases, const std::set<std::string>& library_formulas,
                            const std::string& radiation, const core::LibraryFitSettings& settings);

}  // namespace phasewise::cli
