#pragma once
// Refined candidate patterns with their provenance: where each came from, what the classifier
// said before and after refinement, and how much it changed. Plain data shared by the CLI's
// `refine`, the desktop app's export and the writers (plugins/format_refined).

#include <string>
#include <vector>

#include "model/axis.h"

namespace phasewise::core {

struct RefinedSet {
  Axis axis;                        // the classifier's grid
  std::vector<float> patterns;      // count x axis points
  std::vector<std::string> labels;  // per pattern: what it was ("phase 3 of project.h5")
  std::vector<std::string> identity_before, identity_after;
  std::vector<double> probability_before, probability_after, relative_change;
  std::vector<std::string> edit;  // per pattern: the physical edit in words ("" for the additive refiner)
  std::string source;             // the file or run the candidates came from
  std::string classifier;         // the classifier's file or description
  std::string settings;           // lambda, loss, discrepancy, mode

  [[nodiscard]] std::size_t count() const { return labels.size(); }
  [[nodiscard]] const float* pattern(std::size_t i) const { return patterns.data() + i * axis.values.size(); }
};

}  // namespace phasewise::core
