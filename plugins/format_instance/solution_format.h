#pragma once
// The instance *solution* format of AgileFD / DRNets (../shared/data/drnets/solutions/readme.md):
// K=, BName1..K=, Q= (nm^-1), B1..BK= basis patterns, C1..CN= activations (K per sample),
// S1..SN= multiplicative shifts, R<i>_<k>= per-phase reconstructions (optional), L= per-sample
// L1 loss. Written by `decompose -o result.txt`; read back for `evaluate`.

#include <filesystem>
#include <string>
#include <vector>

#include "decompose/decomposition.h"

namespace phasewise::plugins {

struct Solution {
  int phases = 0;
  std::size_t samples = 0;
  std::vector<std::string> names;
  std::vector<double> q;           // nm^-1
  std::vector<float> bases;        // phases x q
  std::vector<float> activations;  // samples x phases
  std::vector<float> shifts;       // samples x phases (empty if absent)
  std::vector<float> loss;         // samples (empty if absent)
};

// Throws core::Error (e.g. a 2-theta result without a wavelength cannot be put on Q).
void writeSolution(const core::DecompositionResult& result, const std::vector<std::string>& phase_names,
                   const std::filesystem::path& path, bool per_phase = true);
[[nodiscard]] Solution readSolution(const std::filesystem::path& path);
// Whether the file is a solution, by content: a line "K=" among its first 4 KiB (a
// library in the instance format has none).
[[nodiscard]] bool holdsSolution(const std::filesystem::path& path);

}  // namespace phasewise::plugins
