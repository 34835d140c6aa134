#pragma once
// The identification and refinement of a decomposition's candidates as a project keeps it:
// the classifier's class names and grid, what was asked (settings, in words too), and per
// candidate the refined pattern with the classifier's top guesses before and after. Plain
// data: saved in project files (/refinement) and shown without the classifier at hand.

#include <string>
#include <vector>

#include "learn/refiner.h"
#include "model/axis.h"

namespace phasewise::core {

struct RefinementRecord {
  std::vector<std::string> class_names;
  Axis grid;                            // the classifier's grid the patterns are on
  RefinementSettings settings;          // what the latest refinement asked for
  std::string description;              // the same in words ("lambda 1, entropy, L1, per pattern, 150 steps")
  std::string classifier;               // which classifier (file or description)
  std::vector<RefinedPattern> refined;  // one per candidate (unrefined ones: pattern = prepared original)
  std::vector<char> done;               // per candidate: refined (1) or only identified (0)

  [[nodiscard]] std::size_t count() const { return refined.size(); }
  // Library unmixing (learn/unmixing.h) rather than a refiner: no lambda applies to it.
  [[nodiscard]] bool unmixing() const { return description.rfind(kUnmixingDescription, 0) == 0; }
  // How describeUnmixing begins, so that records read back from project files say it too.
  static constexpr const char* kUnmixingDescription = "library unmixing";
};

}  // namespace phasewise::core
