#pragma once
// Refinement measured against the truth (../shared/DESIGN.md, "Measures"), one definition for
// the benchmark, the tests and reports: identity (top-1 / top-3 against the true phase),
// pattern quality (cosine and relative L1 of a candidate to its true pure pattern, before and
// after refinement), the size of the change, and calibration. Torch-free.

#include <cstddef>
#include <functional>
#include <vector>

#include "learn/calibration.h"
#include "learn/refinable_classifier.h"

namespace phasewise::core {

struct RefinementScore {
  std::size_t count = 0;
  double top1 = 0, top3 = 0;                   // % of candidates whose true phase is first / in the first three
  double cosine_before = 0, cosine_after = 0;  // mean cosine to the true pure pattern
  double l1_before = 0, l1_after = 0;          // mean L1 distance to it, both scaled to unit sum
  double cosine_rose = 0;                      // % of candidates whose cosine rose (by > 1e-4)
  double worst_cosine_change = 0;              // the largest fall (negative) or smallest rise
  double mean_change = 0;                      // mean relative L1 change of the pattern
  bool calibrated = false;                     // false where no probabilities exist (nearest neighbour)
  CalibrationReport calibration;
};

[[nodiscard]] double cosineOf(const float* a, const float* b, std::size_t points);
// Sum |a/sum a - b/sum b|: 0 for the same shape, 2 for disjoint patterns.
[[nodiscard]] double relativeL1Of(const float* a, const float* b, std::size_t points);

// ranked[i]: candidate i's phases, most likely first; probability[i]: the top-1 probability
// (empty: not calibrated); before/after/pure: count x points (after = before when unrefined).
// `same` decides whether a named phase is the true one (by index, or e.g. by formula).
[[nodiscard]] RefinementScore scoreRefinement(const std::vector<std::vector<int>>& ranked,
                                              const std::vector<double>& probability, const std::vector<int>& truth,
                                              const std::vector<float>& before, const std::vector<float>& after,
                                              const std::vector<float>& pure, std::size_t points,
                                              const std::function<bool(int, int)>& same = nullptr);

}  // namespace phasewise::core
