#pragma once
// LibTorch internals of the physical refiner (learn/*.cpp only; the settings and the edit
// report are in learn/physical_edit.h). For a batch of 1-D candidates x (count x points, on a
// grid with positions q in Q), the edit is
//   R(x)(Q) = broaden( m(Q) * max(0, x(Q) - b(Q)) ) evaluated at Q (1 + strain),
// with m one value in [0, 1] per detected peak (peaks are attenuated, never invented), b a
// non-negative Bernstein polynomial (smooth background), broadening by heat diffusion (a
// Gaussian of bounded sigma) and a bounded strain; a peak the target phase's ideal pattern
// has is kept (only what the target does not explain may go). The change d is the intensity
// removed plus the strain's and broadening's costs (PhysicalEditSettings).

#include <torch/types.h>

#include <functional>
#include <vector>

#include "learn/physical_edit.h"
#include "util/progress.h"

namespace phasewise::core {

// The edit parameters, each scaled to [0, 1] (strain to [-1, 1]), and the objective reached.
struct PhysicalSolution {
  torch::Tensor mask;        // count x peaks
  torch::Tensor strain;      // count x 1
  torch::Tensor broadening;  // count x 1 (diffusion time / its maximum)
  torch::Tensor background;  // count x terms
  torch::Tensor floor;       // count x peaks: the least of each peak that must stay
  torch::Tensor reference;   // count: the class whose ideal pattern set the floor (int64), or undefined
  torch::Tensor cost;        // count: evaluation + lambda d
};

class PhysicalRefiner {
 public:
  using Evaluation = std::function<torch::Tensor(const torch::Tensor& refined)>;  // count x points -> count

  // x: count x points, every row with maximum 1; q: the grid's positions in Q, increasing;
  // ideals: each class' ideal pattern on the same grid (classes x points), or undefined (then
  // any peak may be removed).
  PhysicalRefiner(const torch::Tensor& x, const std::vector<double>& q, const PhysicalEditSettings& settings,
                  const torch::Tensor& ideals = {});

  // Minimises evaluation(R(x) / max) + lambda d over the edits: a coarse search of the strain,
  // then projected Adam steps. `reference`: the class whose ideal pattern prices each row's
  // peaks that must stay (undefined: none). Throws CancelledError when progress says stop.
  [[nodiscard]] PhysicalSolution solve(const Evaluation& evaluation, const torch::Tensor& reference, double lambda,
                                       int steps, const ProgressCallback& progress, double from, double span) const;
  // R(x) scaled to a maximum of 1 per row.
  [[nodiscard]] torch::Tensor apply(const PhysicalSolution& solution) const;
  // Rows of `candidate` with a lower cost replace those of `best`.
  static void keepCheaper(PhysicalSolution& best, const PhysicalSolution& candidate);
  [[nodiscard]] std::vector<PhysicalEdit> describe(const PhysicalSolution& solution) const;

 private:
  struct Edited {
    torch::Tensor pattern;  // R(x), not normalised
    torch::Tensor change;   // d per row
    torch::Tensor base;     // max(0, x - b), before the mask
  };
  [[nodiscard]] Edited edit(const PhysicalSolution& s) const;
  // pattern(Q (1 + strain)), strain per row (absolute, not scaled).
  [[nodiscard]] torch::Tensor warp(const torch::Tensor& pattern, const torch::Tensor& strain) const;
  // Per peak, the share of it that must stay: what the reference class' ideal pattern supports.
  [[nodiscard]] torch::Tensor peakFloors(const torch::Tensor& reference) const;
  [[nodiscard]] torch::Tensor broaden(const torch::Tensor& pattern, const torch::Tensor& broadening) const;
  // Background coefficients (count x terms) of the smooth floor under each row's peaks.
  [[nodiscard]] torch::Tensor lowerEnvelope() const;

  PhysicalEditSettings settings_;
  torch::Tensor x_;        // count x points
  torch::Tensor total_;    // count x 1: sum of x
  torch::Tensor q_;        // points
  torch::Tensor segment_;  // count x points: the peak each point belongs to
  torch::Tensor basis_;    // terms x points: the background polynomials
  torch::Tensor ideals_;   // classes x points, or undefined
  std::vector<double> q_values_;
  std::vector<std::vector<std::size_t>> peak_points_;  // per row, per peak: the point of its maximum
  std::int64_t peaks_ = 1;                             // mask width (the most peaks of any row)
};

}  // namespace phasewise::core
