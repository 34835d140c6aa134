#pragma once
// The measures of ../shared/DESIGN.md, defined once and used by tests, benchmarks, the CLI
// and the GUI (they agree with shared/tools/score_solution.py):
//  - phases are matched to true phases by the Hungarian algorithm on cosine similarity, a true
//    phase's pattern being its per-phase signal summed over samples;
//  - a sample's fraction of phase k is its activation times the maximum of basis k, normalised
//    per sample; fraction L1 is the mean over samples of sum_k |w_true - w_found|, unmatched
//    found phases counting as error;
//  - Gibbs violations: samples with more phases above 1 % than allowed;
//  - reconstruction: relative L1 and L2 of the data against the model.

#include <cstddef>
#include <vector>

namespace phasewise::core {

struct PhaseMatch {
  std::vector<int> true_for_found;  // for each found phase, the true phase it matches, or -1
  std::vector<double> cosine;       // for each found phase, the cosine with its match (0 if none)
  double mean_cosine = 0.0;         // over matched pairs
};

// found: K x M, truth: T x M (both on the same axis).
[[nodiscard]] PhaseMatch matchPhases(const std::vector<float>& found, int k, const std::vector<float>& truth, int t,
                                     std::size_t points);

// Fractions from activations and bases: a_nk max(B_k), normalised per sample.
[[nodiscard]] std::vector<float> fractionsFrom(const std::vector<float>& activations, const std::vector<float>& bases,
                                               std::size_t samples, int k, std::size_t points);

// true_fractions: N x T (rows normalised); found: N x K.
[[nodiscard]] double fractionL1(const std::vector<float>& true_fractions, int t, const std::vector<float>& found, int k,
                                const PhaseMatch& match, std::size_t samples);

// Samples with more phases above `threshold` than `limits` allows (one limit per sample).
[[nodiscard]] int gibbsViolations(const std::vector<float>& fractions, int k, const std::vector<int>& limits,
                                  double threshold = 0.01);

struct ReconstructionError {
  double relative_l1 = 0.0;  // sum |x - model| / sum |x|
  double relative_l2 = 0.0;  // ||x - model|| / ||x||
};
[[nodiscard]] ReconstructionError reconstructionError(const std::vector<float>& data, const std::vector<float>& model);

}  // namespace phasewise::core
