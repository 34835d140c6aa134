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
  std::vector<float> lattice;    // samples x phases: lattice scale a/a0, where the truth has it (else empty)
};

// Reads Q.npy, decomposition_sol.npy, normalized_weights_sol.npy, degree_of_freedom.npy and,
// where present, lattice_scale_sol.npy.
[[nodiscard]] GroundTruth loadDrnetsTruth(const std::filesystem::path& folder);

struct Evaluation {
  PhaseMatch match;
  double fraction_l1 = 0.0;
  int gibbs_violations = 0;
  int phases = 0;
  // Per found phase (0 / -1 where unmatched): cosine of its fraction map with its true phase's,
  // and the RMS lattice-scale error over the samples both hold, after one constant per phase
  // (a free pattern has no absolute lattice; -1 where the truth or the result has no shifts).
  std::vector<double> map_cosine;
  std::vector<double> lattice_error;
};

// bases: k x q (on `q`, Q in nm^-1), activations: samples x k; shifts: samples x k Q factors
// (1: the pattern's own lattice), or empty.
[[nodiscard]] Evaluation evaluate(const std::vector<double>& q, const std::vector<float>& bases, int k,
                                  const std::vector<float>& activations, const GroundTruth& truth,
                                  const std::vector<float>& shifts = {});

}  // namespace phasewise::core
