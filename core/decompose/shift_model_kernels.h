#pragma once
// The numerical building blocks of the shift-aware fit (shift_model_fit.cpp): the transpose of
// a shift, a float dot product the fits spend most of their time in, the background's Gaussian
// smoothing, the Gibbs-limited phase subsets and the small Gram systems a sample's subsets are
// solved on. Kept apart so the fit's file holds the model's steps only.

#include <cstddef>
#include <optional>
#include <vector>

namespace phasewise::core::shift_kernels {

// Transpose of shiftPattern applied to two signals at once (data and model share the
// interpolation weights): scatters them, times `weight`, back onto the pattern's own grid.
void shiftTransposeAdd2(const float* r1, const float* r2, std::size_t points, double d, double weight, double* out1,
                        double* out2);

// Float lanes, vectorised (the order of the additions does not matter at this precision): 16
// running sums, so that four vector additions are in flight instead of one waiting on the last.
// Inline: the shift scans call it on short windows.
inline double dot(const float* a, const float* b, std::size_t n) {
  constexpr std::size_t kLanes = 16;
  float lane[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (std::size_t l = 0; l < kLanes; ++l) lane[l] += a[i + l] * b[i + l];
  float s = 0.0F;
  for (; i < n; ++i) s += a[i] * b[i];
  for (float v : lane) s += v;
  return s;
}

// Smooths a pattern with a Gaussian of `sigma` bins (the background must stay smooth).
void smooth(std::vector<float>& v, double sigma);

// All subsets of {0..k-1} with between 1 and `limit` members, the smaller first.
[[nodiscard]] std::vector<std::vector<int>> subsetsUpTo(int k, int limit);

// The Gram system of one sample's columns (its shifted patterns, then the background) with
// the data: any subset of the columns is solved by non-negative least squares on it.
struct GramSystem {
  int cols = 0;
  std::vector<double> gram, rhs;
  double yy = 0;  // |y|^2
  bool background = false;
  int k = 0;

  // Fills `coef` (the subset's coefficients, then the background's) and returns the residual |y - fit|^2.
  double solve(const std::vector<int>& chosen, std::vector<double>& coef) const;

  // The same where the non-negative solution keeps every phase of `chosen`; nothing where it
  // sets one of them to zero. Such a subset never wins a subset search: the subset without
  // that phase reaches the same residual with one phase less. Decided by one or two Cholesky
  // solves instead of the active set, which is what the subset search spent its time in
  // (Al-Li-Fe: 41 subsets per sample and iteration, most holding a phase the sample lacks).
  std::optional<double> solveIfEveryPhaseHolds(const std::vector<int>& chosen, std::vector<double>& coef) const;

  // solve() where its answer is the least residual of any non-negative fit on these columns,
  // checked by the optimality conditions (no column left out could lower it; the active set
  // can stop short on a singular system): a floor for every subset of them. Nothing where the
  // check fails; `coef` is solve()'s either way.
  std::optional<double> provenLeastResidual(const std::vector<int>& chosen, std::vector<double>& coef) const;

 private:
  // The subset's own Gram matrix and right-hand side (the background last) into g2 / c2.
  void gather(const std::vector<int>& chosen, std::vector<double>& g2, std::vector<double>& c2) const;
  // |y - fit|^2 of coefficients `coef` on the gathered system.
  double residual(const std::vector<double>& g2, const std::vector<double>& c2, const std::vector<double>& coef) const;
};

}  // namespace phasewise::core::shift_kernels
