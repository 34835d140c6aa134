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

namespace {
// -log softmax(row / t)[label].
double rowNll(const float* row, std::size_t classes, int label, double t) {
  double top = -INFINITY;
  for (std::size_t c = 0; c < classes; ++c) top = std::max(top, static_cast<double>(row[c]) / t);
  double sum = 0;
  for (std::size_t c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c]) / t - top);
  return top + std::log(sum) - static_cast<double>(row[static_cast<std::size_t>(label)]) / t;
}

std::size_t argmax(const float* row, std::size_t classes) {
  return static_cast<std::size_t>(std::max_element(row, row + classes) - row);
}
}  // namespace

std::vector<double> fitClassTemperatureFactors(const std::vector<float>& logits, const std::vector<int>& labels,
                                               const std::vector<double>& temperature, std::size_t classes,
                                               std::size_t least) {
  const std::size_t n = labels.size();
  if (classes < 1 || logits.size() != n * classes || temperature.size() != n)
    throw Error("class temperatures need one row of logits, one label and one temperature per input");
  std::vector<std::vector<std::size_t>> named(classes);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes || !(temperature[i] > 0))
      throw Error("class temperatures need labels among the classes and positive temperatures");
    const float* row = &logits[i * classes];
    // A row that is not finite (a network that blew up on it) says nothing about any class.
    if (std::all_of(row, row + classes, [](float v) { return std::isfinite(v); }))
      named[argmax(row, classes)].push_back(i);
  }
  std::vector<double> factor(classes, 1.0);
  for (std::size_t c = 0; c < classes; ++c) {
    const std::vector<std::size_t>& rows = named[c];
    if (rows.size() < least ||
        std::all_of(rows.begin(), rows.end(), [&](std::size_t i) { return static_cast<std::size_t>(labels[i]) == c; }))
      continue;
    const auto nll = [&](double log_g) {
      double total = 0;
      for (std::size_t i : rows)
        total += rowNll(&logits[i * classes], classes, labels[i], temperature[i] * std::exp(log_g));
      return total;
    };
    double a = 0.0, b = std::log(20.0);
    const double g = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int step = 0; step < 30; ++step) {
      const double lo = b - g * (b - a), hi = a + g * (b - a);
      if (nll(lo) < nll(hi))
        b = hi;
      else
        a = lo;
    }
    factor[c] = std::exp(0.5 * (a + b));
  }
  return factor;
}

}  // namespace phasewise::core
