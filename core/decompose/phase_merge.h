#pragma once
// One phase drawn by several cards. Along a solid solution the lattice and the relative
// intensities change across the spread (Al for Fe in a spinel moves its peaks by several per
// cent and changes which peaks are strong), so a library-guided fit may take two or three
// cards of the same structure for different parts of it, each adapted by the second stage.
// They are one phase when, in the samples that hold both, they put their peaks in the same
// places (the same lattice there, after aligning their patterns) and their patterns agree:
// two distinct phases that coexist keep their own lattices (Cu2O beside NiO: 1.2 % apart,
// corundum beside hematite: 4 %). Such components are reported as one phase: its
// contribution, fraction and weight fraction the sums of theirs, its pattern and name those of
// the member that carries most, the other cards kept as what it was also drawn as.

#include <cstddef>
#include <string>
#include <vector>

#include "decompose/decomposition.h"

namespace phasewise::core {

struct PhaseMergeSettings {
  double cosine = 0.85;              // patterns agree at least this well once aligned
  double max_lattice_change = 0.10;  // alignment searched this far (a solid solution's span)
  double lattice_tolerance = 0.005;  // same peaks: median |ln(lattice ratio)| in shared samples
  double present = 0.05;             // a phase is present in a sample above this fraction
  std::size_t min_shared = 3;        // samples holding both, at least
};

// Groups of result phases that are one phase (each sorted, two members or more).
[[nodiscard]] std::vector<std::vector<std::size_t>> samePhaseGroups(const DecompositionResult& r,
                                                                    const PhaseMergeSettings& s = {});

// Each group made one phase (the member with the largest total fraction keeps its place, the
// others are removed). Returns, per phase of the merged result, the phases of `r` it holds
// (itself first).
std::vector<std::vector<std::size_t>> mergePhases(DecompositionResult& r,
                                                  const std::vector<std::vector<std::size_t>>& groups,
                                                  const PhaseMergeSettings& s = {});

}  // namespace phasewise::core
