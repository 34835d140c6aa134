#include "learn/nearest_neighbour.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "simulate/augment.h"
#include "util/error.h"

namespace phasewise::core {

NearestNeighbour::NearestNeighbour(const PhaseLibrary& library, const Axis& grid, const std::string& radiation)
    : points_(grid.values.size()) {
  const TrainingSetGenerator generator(library, grid, Radiation::parse(radiation), AugmentationSettings::none());
  ideals_.resize(library.size() * points_);
  for (std::size_t p = 0; p < library.size(); ++p) {
    float* row = ideals_.data() + p * points_;
    generator.augment(p, 0, 0, row);
    double norm = 0;
    for (std::size_t j = 0; j < points_; ++j) norm += double(row[j]) * row[j];
    norm = std::sqrt(norm);
    if (norm > 0)
      for (std::size_t j = 0; j < points_; ++j) row[j] = static_cast<float>(row[j] / norm);
  }
}

std::vector<std::vector<int>> NearestNeighbour::rank(const std::vector<float>& patterns, int k) const {
  if (patterns.size() % points_ != 0) throw Error("patterns do not match the grid");
  const std::size_t count = patterns.size() / points_, phases = ideals_.size() / points_;
  std::vector<std::vector<int>> out(count);
  std::vector<double> score(phases);
  std::vector<int> idx(phases);
  for (std::size_t c = 0; c < count; ++c) {
    const float* x = patterns.data() + c * points_;
    for (std::size_t p = 0; p < phases; ++p) {
      double dot = 0;
      for (std::size_t j = 0; j < points_; ++j) dot += double(x[j]) * ideals_[p * points_ + j];
      score[p] = dot;
    }
    std::iota(idx.begin(), idx.end(), 0);
    const int top = std::min<int>(k, static_cast<int>(phases));
    std::partial_sort(idx.begin(), idx.begin() + top, idx.end(), [&](int a, int b) {
      return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)];
    });
    out[c].assign(idx.begin(), idx.begin() + top);
  }
  return out;
}

}  // namespace phasewise::core
