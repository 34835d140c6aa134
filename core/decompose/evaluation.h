#pragma once
// Scoring a decomposition against ground truth (DRNets' synthetic Al-Li-Fe: per-phase signals
// in decomposition_sol.npy, fractions in normalized_weights_sol.npy, Gibbs limits in
// degree_of_freedom.npy), with the measures of measures.h.

#include <filesystem>
#include <string>
#include <vector>

#include "decompose/measures.h"

namespace phasewise::core {

struct GroundTruth {
  int phases = 0;
  std::size_t samples = 0;
  std::vector<double> q;         // the truth's axis (Q, nm^-1)
  std::vector<float> patterns;   // phases x q: each phase's signal summed over samples
  std::vector<float> fractions;  // samples x phases, rows summing to 1
  std::vector<int> limits;       // per sample
};

// Reads Q.npy, decomposition_sol.npy, normalized_weights_sol.npy, degree_of_freedom.npy.
[[nodiscard]] GroundTruth loadDrnetsTruth(const std::filesystem::path& folder);

struct Evaluation {
  PhaseMatch match;
  double fraction_l1 = 0.0;
  int gibbs_violations = 0;
  int phases = 0;
};

// bases: k x q (on `q`, Q in nm^-1), activations: samples x k.
[[nodiscard]] Evaluation evaluate(const std::vector<double>& q, const std::vector<float>& bases, int k,
                                  const std::vector<float>& activations, const GroundTruth& truth);

}  // namespace phasewise::core
