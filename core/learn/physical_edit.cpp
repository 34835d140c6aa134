#include "learn/physical_edit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace phasewise::core {
namespace {
std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}
std::string percent(double share) { return fixed(100.0 * share, share < 0.1 ? 1 : 0) + " %"; }
}  // namespace

std::string PhysicalEdit::describe() const {
  if (!applied) return "not a physical edit";
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  // A peak kept at less than half its height reads as removed, otherwise as weakened.
  for (const bool removed : {true, false}) {
    std::string positions;
    double share = 0;
    for (const EditedPeak& p : peaks) {
      if ((p.kept < 0.5) != removed) continue;
      positions += (positions.empty() ? "" : ", ") + fixed(p.position, 2);
      share += p.share;
    }
    if (positions.empty()) continue;
    add(std::string(removed ? "removed peaks" : "weakened peaks") + " at Q = " + positions + " nm^-1 (" +
        percent(share) + " of the intensity)");
  }
  if (background_fraction >= 0.005) add("background " + percent(background_fraction));
  if (std::abs(strain) >= 5e-5)
    add("lattice " + std::string(strain > 0 ? "+" : "-") + fixed(100.0 * std::abs(strain), 2) + " %");
  if (broadening >= 0.05) add("peaks broadened by " + fixed(broadening, 1) + " points (sigma)");
  return text.empty() ? "no change" : text;
}

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
