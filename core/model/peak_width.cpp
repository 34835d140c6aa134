#include "model/peak_width.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/axis.h"
#include "util/error.h"

namespace phasewise::core {
namespace {

// Where the pattern falls to `level` walking from `peak` by `step` (+1 or -1), interpolated
// between points on x; nullopt when it never does before the axis ends.
std::optional<double> crossing(const float* y, const std::vector<double>& x, std::size_t peak, int step, double level) {
  auto j = static_cast<std::ptrdiff_t>(peak);
  const auto end = static_cast<std::ptrdiff_t>(x.size());
  while (true) {
    const std::ptrdiff_t next = j + step;
    if (next < 0 || next >= end) return std::nullopt;
    const auto a = static_cast<std::size_t>(j), b = static_cast<std::size_t>(next);
    if (y[b] <= level) {
      const double f = (y[a] - level) / std::max(1e-30, static_cast<double>(y[a] - y[b]));
      return x[a] + f * (x[b] - x[a]);
    }
    j = next;
  }
}

double median(std::vector<double> v) {
  const auto middle = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), middle, v.end());
  return *middle;
}

}  // namespace

std::optional<PeakWidth> medianPeakWidth(const Library& library, double wavelength_angstrom) {
  if (library.samples == 0 || library.axis.size() < 3) return std::nullopt;
  Axis q_axis;
  try {
    q_axis = convertAxis(library.axis, {AxisKind::Q, AxisUnit::InverseNanometre});
  } catch (const Error&) {
    return std::nullopt;  // a 2-theta axis without a wavelength
  }
  std::vector<double> x = q_axis.values;
  const bool reversed = x.front() > x.back();
  if (reversed) std::reverse(x.begin(), x.end());
  const std::size_t m = x.size();
  std::vector<double> widths, positions, degrees;
  std::vector<float> y(m), sorted(m);
  for (std::size_t s = 0; s < library.samples; ++s) {
    const float* row = library.pattern(s);
    for (std::size_t j = 0; j < m; ++j) y[j] = row[reversed ? m - 1 - j : j];
    sorted = y;
    const auto tenth = sorted.begin() + static_cast<std::ptrdiff_t>(m / 10);
    std::nth_element(sorted.begin(), tenth, sorted.end());
    const double baseline = *tenth;
    const auto peak = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
    if (!(y[peak] > baseline) || !std::isfinite(y[peak])) continue;
    const double level = baseline + 0.5 * (y[peak] - baseline);
    const auto left = crossing(y.data(), x, peak, -1, level), right = crossing(y.data(), x, peak, +1, level);
    if (!left || !right || !(*right > *left)) continue;
    try {
      degrees.push_back(qToTwoTheta(*right, AxisUnit::InverseNanometre, wavelength_angstrom) -
                        qToTwoTheta(*left, AxisUnit::InverseNanometre, wavelength_angstrom));
    } catch (const Error&) {
      continue;  // beyond the wavelength's reach
    }
    widths.push_back(*right - *left);
    positions.push_back(x[peak]);
  }
  if (widths.empty()) return std::nullopt;
  return PeakWidth{median(widths), median(degrees), median(positions), widths.size()};
}

}  // namespace phasewise::core
