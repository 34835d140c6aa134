// The state and steps of fitShiftModel (shift_model.h has the model and its options), shared by
// the files that implement them: shift_model_fit.cpp (set-up, the per-sample shift and subset
// search, the outer loop), shift_model_connectivity.cpp (the composition-graph rules) and
// shift_model_updates.cpp (the multiplicative pattern and background updates). Internal to
// core/decompose. The names are the model's own: y the data (n samples x m points), k phases,
// r the result being fitted.
#pragma once

#include <cstddef>
#include <vector>

#include "decompose/shift_model.h"
#include "decompose/shift_model_kernels.h"

namespace phasewise::core::shift_fit {

constexpr double kEps = 1e-12;

class ShiftModelFit {
 public:
  ShiftModelFit(const std::vector<float>& data, std::size_t samples, std::size_t points,
                const ShiftModelOptions& options);
  ShiftModelResult run(const ProgressCallback& progress);

 private:
  float* pattern(std::size_t p, std::size_t v) { return &blurred[(p * nv + v) * m]; }
  void normalisePatterns();
  void refreshBlurred();
  double sampleCost(std::size_t s, const float* shifted, float* row) const;
  void searchShifts(std::size_t s, int search, float* shifted, float* residual, float* full);
  shift_kernels::GramSystem gramSystem(std::size_t s, const float* shifted) const;
  std::vector<char> subsetCandidates(std::size_t s, const shift_kernels::GramSystem& system,
                                     const std::vector<int>& all, const std::vector<double>& coef, int limit) const;
  void chooseActivations(std::size_t s, const float* shifted);
  void fitSample(std::size_t s, int search, std::vector<float>& scratch);
  void fitAllSamples(int search);
  void enforceConnectivity(bool smooth_shifts, bool prune);
  void keepLargestRegions();
  void computeModel(std::vector<float>& out);
  void accumulateUpdates(std::vector<std::vector<double>>& numerator, std::vector<std::vector<double>>& denominator);
  void sumOverBroadenings(const std::vector<double>& slots, int p, std::vector<double>& out) const;
  void updateBackground(const std::vector<double>& numerator, const std::vector<double>& denominator);
  void updatePatterns();
  void recentre();

  const std::vector<float>& y;
  const std::size_t n, m;
  const ShiftModelOptions& o;
  const int k;
  const std::size_t ku;
  ShiftModelResult r;
  // The broadenings a sample may choose (the first is none), and each pattern under each.
  std::vector<double> sigmas{0.0};
  std::size_t nv = 0;
  std::vector<unsigned char> variant;  // samples x phases: the broadening chosen
  std::vector<float> blurred;          // phases x broadenings x points
  std::vector<double> blurred_norm;    // phases x broadenings: |pattern|^2
  std::vector<std::vector<int>> neighbours;
  std::vector<char> allowed;                           // samples x phases; cleared where connectivity removes a phase
  std::vector<std::vector<std::vector<int>>> subsets;  // [limit]: the subsets of at most `limit` phases
  int window = 0;                                      // largest shift, bins
  bool broaden = false;                                // broadenings are searched in the polish only (see run)
  // In the polish a sample's new shifts, broadenings and phases are kept only if they lower its
  // residual (each choice is greedy per phase, so a jump between broadenings could raise it).
  bool guard = false;
  std::vector<float> model;  // samples x points, as of the last pattern update
};

}  // namespace phasewise::core::shift_fit
