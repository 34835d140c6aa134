#pragma once
// The honest baseline for identification: cosine similarity of a candidate with each
// reference phase's ideal pattern on the classifier's grid.

#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

class NearestNeighbour {
 public:
  // Renders each phase's ideal pattern (no augmentation) on `grid` with `radiation`.
  NearestNeighbour(const PhaseLibrary& library, const Axis& grid, const std::string& radiation = "CuKa1");
  // Indices of the `k` most similar phases, most similar first, for each pattern (count x grid).
  [[nodiscard]] std::vector<std::vector<int>> rank(const std::vector<float>& patterns, int k) const;
  [[nodiscard]] const std::vector<float>& ideals() const { return ideals_; }

 private:
  std::size_t points_ = 0;
  std::vector<float> ideals_;  // phases x points, unit norm
};

}  // namespace phasewise::core
