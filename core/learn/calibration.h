#pragma once
// How often a stated probability is right (../shared/DESIGN.md, "Measures"): expected
// calibration error over equal-width confidence bins, with the reliability table behind it.
// Torch-free; used by the benchmark, the tests and training reports alike.

#include <cstddef>
#include <vector>

namespace phasewise::core {

struct ReliabilityBin {
  double lower = 0, upper = 0;  // confidence range of the bin
  std::size_t count = 0;
  double mean_confidence = 0;  // mean top-1 probability in the bin
  double accuracy = 0;         // share of those top-1s that are right
};

struct CalibrationReport {
  double ece = 0;  // sum over bins of count/total * |accuracy - mean confidence|
  std::vector<ReliabilityBin> bins;
  std::size_t overconfident_wrong = 0;  // wrong top-1s stated above `overconfidence` (0.99)
};

// confidence[i]: the top-1 probability; correct[i]: whether that top-1 is the truth.
[[nodiscard]] CalibrationReport calibrationOf(const std::vector<double>& confidence, const std::vector<bool>& correct,
                                              std::size_t bins = 10, double overconfidence = 0.99);

// Per class, a factor g >= 1 on the temperature of the inputs whose top-1 is that class,
// fitted class by class by the negative log-likelihood of those inputs (golden section on
// ln g in [0, ln 20]). A class its inputs are always rightly named keeps 1, and so does one
// named fewer than `least` times (too few to judge); rows with a non-finite logit are
// ignored. logits: count x classes, row-major; labels: the truth per input; temperature:
// each input's temperature before the factor.
[[nodiscard]] std::vector<double> fitClassTemperatureFactors(const std::vector<float>& logits,
                                                             const std::vector<int>& labels,
                                                             const std::vector<double>& temperature,
                                                             std::size_t classes, std::size_t least = 5);

}  // namespace phasewise::core
