#pragma once
// Imperfect candidates for benchmarking refinement: ideal patterns of known phases corrupted
// the way decomposed phase patterns are (a share of another phase's peaks, weak peaks lost,
// lattice shifts, background, noise). Deterministic for a seed.

#include <cstdint>
#include <string>
#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

struct ImperfectionSettings {
  double mix_min = 0.1, mix_max = 0.35;  // share of another phase's pattern
  double weak_loss_max = 0.15;           // peaks below up to this fraction of the maximum fade out
  double strain = 0.02;
  double background = 0.1;
  double noise = 0.02;
};

struct ImperfectSet {
  std::vector<float> patterns;  // count x grid points, maximum 1
  std::vector<int> labels;      // the phase each candidate imitates
  std::size_t count = 0;
};

[[nodiscard]] ImperfectSet makeImperfectCandidates(const PhaseLibrary& library, const Axis& grid,
                                                   const std::string& radiation, std::size_t count, std::uint64_t seed,
                                                   const ImperfectionSettings& settings = {});

}  // namespace phasewise::core
