#include "learn/calibration.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace phasewise::core {

CalibrationReport calibrationOf(const std::vector<double>& confidence, const std::vector<bool>& correct,
                                std::size_t bins, double overconfidence) {
  if (confidence.size() != correct.size()) throw Error("calibration needs one correctness flag per confidence");
  if (bins < 1) throw Error("calibration needs at least one bin");
  CalibrationReport r;
  r.bins.resize(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    r.bins[b].lower = static_cast<double>(b) / static_cast<double>(bins);
    r.bins[b].upper = static_cast<double>(b + 1) / static_cast<double>(bins);
  }
  for (std::size_t i = 0; i < confidence.size(); ++i) {
    const double c = std::clamp(confidence[i], 0.0, 1.0);
    const auto b = std::min(bins - 1, static_cast<std::size_t>(c * static_cast<double>(bins)));
    ReliabilityBin& bin = r.bins[b];
    ++bin.count;
    bin.mean_confidence += c;
    bin.accuracy += correct[i] ? 1.0 : 0.0;
    if (!correct[i] && c > overconfidence) ++r.overconfident_wrong;
  }
  const auto total = static_cast<double>(confidence.size());
  for (ReliabilityBin& bin : r.bins) {
    if (bin.count == 0) continue;
    bin.mean_confidence /= static_cast<double>(bin.count);
    bin.accuracy /= static_cast<double>(bin.count);
    r.ece += static_cast<double>(bin.count) / total * std::abs(bin.accuracy - bin.mean_confidence);
  }
  return r;
}

}  // namespace phasewise::core
