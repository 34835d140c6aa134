#include "model/peaks.h"

#include <algorithm>

namespace phasewise::core {

PeakSegmentation segmentPeaks(const float* pattern, std::size_t m, double min_prominence) {
  PeakSegmentation out;
  out.segment.assign(m, 0);
  if (m == 0) return out;
  // A light 5-point smoothing, so that noise on a peak's flank does not split it.
  std::vector<double> y(m);
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t a = j >= 2 ? j - 2 : 0, b = std::min(m - 1, j + 2);
    double sum = 0;
    for (std::size_t k = a; k <= b; ++k) sum += pattern[k];
    y[j] = sum / static_cast<double>(b - a + 1);
  }
  const double top = *std::max_element(y.begin(), y.end());
  if (!(top > 0)) return out;
  const double needed = min_prominence * top;
  for (std::size_t j = 0; j < m; ++j) {
    const bool rises = j == 0 || y[j] > y[j - 1], falls = j + 1 == m || y[j] >= y[j + 1];
    if (!rises || !falls) continue;
    // Prominence: the height above the higher of the two valleys reached before a higher point.
    double left = y[j], right = y[j];
    for (std::size_t k = j; k-- > 0 && y[k] <= y[j];) left = std::min(left, y[k]);
    for (std::size_t k = j + 1; k < m && y[k] <= y[j]; ++k) right = std::min(right, y[k]);
    if (y[j] - std::max(left, right) >= needed) out.maxima.push_back(j);
  }
  if (out.maxima.empty())
    out.maxima.push_back(static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin()));
  // Boundaries at the lowest point between neighbouring maxima.
  std::size_t start = 0;
  for (std::size_t p = 0; p + 1 < out.maxima.size(); ++p) {
    const auto low = std::min_element(y.begin() + static_cast<std::ptrdiff_t>(out.maxima[p]),
                                      y.begin() + static_cast<std::ptrdiff_t>(out.maxima[p + 1]));
    const auto boundary = static_cast<std::size_t>(low - y.begin());
    for (std::size_t j = start; j < boundary; ++j) out.segment[j] = static_cast<std::int64_t>(p);
    start = boundary;
  }
  for (std::size_t j = start; j < m; ++j) out.segment[j] = static_cast<std::int64_t>(out.maxima.size() - 1);
  // The maximum of the raw pattern within each segment is the peak's position.
  for (std::size_t p = 0; p < out.maxima.size(); ++p) {
    std::size_t best = out.maxima[p];
    for (std::size_t j = 0; j < m; ++j)
      if (out.segment[j] == static_cast<std::int64_t>(p) && pattern[j] > pattern[best]) best = j;
    out.maxima[p] = best;
  }
  return out;
}

}  // namespace phasewise::core
