#pragma once
// The shift-aware decomposition on a log-Q grid, where alloying shifts are translations:
//   y_n ~ sum_k a_nk T(d_nk) w_k + c_n g
// with w_k >= 0 the phase patterns, a_nk >= 0 activations, d_nk a continuous shift in bins
// (|d| <= max_shift; T interpolates linearly) and g a smooth background. Alternates:
//   1. per sample: shifts by cross-correlation (parabolic sub-bin refinement), then the best
//      subset of at most the sample's phase limit (Gibbs) by exact enumeration of small
//      non-negative least-squares fits;
//   2. connectivity on the neighbour graph: shifts pulled towards their neighbours', and each
//      phase kept only on its largest connected region;
//   3. multiplicative updates of the patterns (and background) under the shifts.
// Optionally each sample also picks, per phase, one of a few Gaussian broadenings B(v):
//   y_n ~ sum_k a_nk T(d_nk) B(v_nk) w_k + c_n g.
// An exploration stage (a fixed schedule of searches) is followed by a polish that runs until
// the relative loss change falls below the tolerance, or the iteration cap.

#include <cstdint>
#include <utility>
#include <vector>

#include "util/progress.h"

namespace phasewise::core {

struct ShiftModelOptions {
  int phases = 6;
  int max_shift = 32;           // bins
  int iterations = 100;         // cap on outer iterations (exploration + polish)
  int explore_iterations = 30;  // exploration stage before the polish (see fitShiftModel)
  double tolerance = 1e-4;      // the polish stops when the relative loss change falls below this
  bool gibbs = true;
  std::vector<int> limits;  // per sample, when gibbs
  bool connectivity = true;
  std::vector<std::pair<std::int64_t, std::int64_t>> edges;
  bool background = true;
  unsigned threads = 1;
  double subset_penalty = 2e-3;  // residual cost (relative to |y|^2) of each extra phase
  int pattern_updates = 3;       // multiplicative updates of the patterns per outer iteration
  // Per-sample peak broadening: Gaussian blurs (sigma in bins) that a sample may apply to a
  // phase's pattern, besides none (peak widths change across a spread with grain size and
  // microstrain; without this, two shifted copies of one phase imitate a broad peak).
  std::vector<double> widths;
  std::vector<float> initial_w;  // phases x points (required)
  std::vector<char> frozen;      // phases whose pattern is held fixed (seeded by the user)
};

struct ShiftModelResult {
  std::vector<float> w;      // phases x points, max 1
  std::vector<float> a;      // samples x phases
  std::vector<float> shift;  // samples x phases, bins (+: towards higher Q)
  std::vector<float> width;  // samples x phases: the blur applied (sigma, bins; 0: none)
  std::vector<float> g;      // points (background pattern, max 1)
  std::vector<float> c;      // samples (background activation)
  std::vector<double> loss;  // per iteration: sum of squared residuals
  int iterations = 0;
  bool converged = false;  // the polish met the tolerance before the cap
  double last_change = 0;  // relative loss change of the last polish iteration
};

// y: samples x points (non-negative, each sample scaled to a maximum of 1).
[[nodiscard]] ShiftModelResult fitShiftModel(const std::vector<float>& y, std::size_t samples, std::size_t points,
                                             const ShiftModelOptions& options, const ProgressCallback& progress);

// T(d) w on the same grid: w(m - d) by linear interpolation, zero outside.
void shiftPattern(const float* w, std::size_t points, double d, float* out);

// w blurred by a Gaussian of `sigma` bins (0: a copy); a symmetric operator (zero outside the
// grid, kernel summing to 1), so it is its own transpose.
void broadenPattern(const float* w, std::size_t points, double sigma, float* out);
// Cosine of two patterns on the log-Q grid, the best over whole-bin shifts of b by up to
// `shifts` bins (b[j - d] against a[j]: b's peaks moved d bins up); `at`, when given, receives
// that d. 0 when either pattern is empty.
[[nodiscard]] double shiftedCosine(const float* a, const float* b, std::size_t points, int shifts, int* at = nullptr);

}  // namespace phasewise::core
