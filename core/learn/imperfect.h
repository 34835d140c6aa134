#pragma once
// Imperfect candidates: ideal patterns of known phases corrupted the way decomposed phase
// patterns are (shares of other phases' peaks, weak peaks lost, lattice shifts, broadened
// peaks, background, noise). Used to benchmark refinement against the truth (each candidate
// keeps its pure pattern), to calibrate the classifier on candidate-like patterns, and to
// augment its training. Deterministic for a seed.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

struct ImperfectionSettings {
  int contaminants_min = 1, contaminants_max = 1;  // other phases mixed in
  double mix_min = 0.1, mix_max = 0.35;            // share of each contaminant (of the pure pattern's maximum)
  double weak_loss_max = 0.15;                     // peaks below up to this fraction of the maximum fade out
  double strain = 0.02;                            // largest lattice strain of the pure pattern
  double width_scale_min = 0.6, width_scale_max = 2.5;
  double background = 0.1;
  double noise = 0.02;
  bool stick_march_dollase = false;  // texture of stick cards (AugmentationSettings)

  // The harder variant of the benchmark: 2-3 contaminants, strain up to 3 %, broadened peaks.
  static ImperfectionSettings harder();
};

struct ImperfectSet {
  std::vector<float> patterns;  // count x grid points, maximum 1
  std::vector<float> pure;      // the same candidates before corruption (the truth), maximum 1
  std::vector<int> labels;      // the phase each candidate imitates
  std::size_t count = 0;
};

[[nodiscard]] ImperfectSet makeImperfectCandidates(const PhaseLibrary& library, const Axis& grid,
                                                   const std::string& radiation, std::size_t count, std::uint64_t seed,
                                                   const ImperfectionSettings& settings = {});

// Corrupts one pure pattern (maximum 1) in place with `others` (each maximum 1) as
// contaminants, the way makeImperfectCandidates does; the result has maximum 1.
void corruptLikeCandidate(float* pattern, std::size_t points, const std::vector<const float*>& others,
                          const ImperfectionSettings& settings, std::mt19937_64& rng);

}  // namespace phasewise::core
