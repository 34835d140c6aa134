#include "model/resample.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
double medianStep(const std::vector<double>& values) {
  std::vector<double> steps(values.size() - 1);
  for (std::size_t i = 1; i < values.size(); ++i) steps[i - 1] = values[i] - values[i - 1];
  std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
  return steps[steps.size() / 2];
}
}  // namespace

LinearResampler::LinearResampler(const std::vector<double>& source, const std::vector<double>& target) {
  if (source.size() < 2) throw Error("resampling needs a source axis of at least 2 points");
  const double tolerance = 1e-9 * std::max(std::abs(source.front()), std::abs(source.back()));
  lower_.resize(target.size());
  weight_.resize(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    const double t = target[i];
    if (t < source.front() - tolerance || t > source.back() + tolerance)
      throw Error("grid value " + std::to_string(t) + " lies outside the data range [" +
                  std::to_string(source.front()) + ", " + std::to_string(source.back()) + "]");
    // Index of the interval [source[j], source[j+1]] holding t, clamped to the last interval.
    const auto above = std::upper_bound(source.begin(), source.end(), t);
    std::size_t j = above == source.begin() ? 0 : static_cast<std::size_t>(above - source.begin()) - 1;
    j = std::min(j, source.size() - 2);
    const double span = source[j + 1] - source[j];
    lower_[i] = j;
    weight_[i] = std::clamp((t - source[j]) / span, 0.0, 1.0);
  }
}

void LinearResampler::apply(const float* source_row, float* target_row) const {
  for (std::size_t i = 0; i < lower_.size(); ++i) {
    const double a = source_row[lower_[i]];
    const double b = source_row[lower_[i] + 1];
    target_row[i] = static_cast<float>(a + weight_[i] * (b - a));
  }
}

std::vector<float> interpolateOrZero(const std::vector<double>& x, const float* y, const std::vector<double>& at) {
  std::vector<float> out(at.size(), 0.0F);
  if (x.size() < 2) return out;
  for (std::size_t j = 0; j < at.size(); ++j) {
    const double v = at[j];
    if (v < x.front() || v > x.back()) continue;
    const auto upper = std::upper_bound(x.begin(), x.end(), v);
    const std::size_t i = std::min<std::size_t>(
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(upper - x.begin(), 1)) - 1, x.size() - 2);
    const double t = (v - x[i]) / (x[i + 1] - x[i]);
    out[j] = static_cast<float>((1 - t) * y[i] + t * y[i + 1]);
  }
  return out;
}

std::vector<double> commonGrid(const std::vector<Axis>& axes) {
  if (axes.empty()) throw Error("no axes to build a common grid from");
  double low = axes.front().front();
  double high = axes.front().back();
  double step = medianStep(axes.front().values);
  for (const Axis& axis : axes) {
    if (axis.spec != axes.front().spec)
      throw Error("cannot build a common grid over " + axis.spec.name() + " and " + axes.front().spec.name());
    if (axis.size() < 2) throw Error("an axis of fewer than 2 points has no step");
    low = std::max(low, axis.front());
    high = std::min(high, axis.back());
    step = std::min(step, medianStep(axis.values));
  }
  if (!(high > low)) throw Error("the patterns' axis ranges do not overlap, so there is no common grid");
  const auto count = static_cast<std::size_t>(std::floor((high - low) / step + 1e-6)) + 1;
  std::vector<double> grid(count);
  for (std::size_t i = 0; i < count; ++i) grid[i] = low + step * static_cast<double>(i);
  if (grid[count - 1] > high) grid[count - 1] = high;  // rounding must not step past the overlap
  return grid;
}

std::vector<double> logGrid(double q_min, double q_max, std::size_t n) {
  if (!(q_min > 0.0) || !(q_max > q_min) || n < 2)
    throw Error("a log grid needs 0 < q_min < q_max and at least 2 points");
  std::vector<double> grid(n);
  const double a = std::log(q_min);
  const double step = (std::log(q_max) - a) / static_cast<double>(n - 1);
  for (std::size_t i = 0; i < n; ++i) grid[i] = std::exp(a + step * static_cast<double>(i));
  grid.front() = q_min;
  grid.back() = q_max;
  return grid;
}

Library resample(const Library& library, const Axis& grid) {
  const Axis source = convertAxis(library.axis, grid.spec);
  if (source.values.front() > source.values.back()) throw Error("the converted axis decreases; cannot resample");
  checkAxisValues(grid.values, "target grid");
  const LinearResampler resampler(source.values, grid.values);
  Library out = library;
  out.axis.spec = grid.spec;
  out.axis.values = grid.values;
  const std::size_t m = grid.values.size();
  out.intensities.assign(library.samples * m, 0.0F);
  for (std::size_t s = 0; s < library.samples; ++s) resampler.apply(library.pattern(s), out.intensities.data() + s * m);
  if (!library.uncertainties.empty()) {
    out.uncertainties.assign(library.samples * m, 0.0F);
    for (std::size_t s = 0; s < library.samples; ++s)
      resampler.apply(library.uncertainties.data() + s * library.points(), out.uncertainties.data() + s * m);
  }
  out.metadata["resampled"] = "linear interpolation from " + std::to_string(library.points()) + " points of " +
                              library.axis.spec.name() + " to " + std::to_string(m) + " points of " + grid.spec.name();
  return out;
}

LogQLibrary toLogQ(const Library& library, std::size_t n) {
  AxisSpec spec = library.axis.spec;
  if (spec.kind != AxisKind::Q) spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  const Axis q = convertAxis(library.axis, spec);
  if (!(q.front() > 0.0)) throw Error("a log-Q grid needs Q > 0, but the axis starts at " + std::to_string(q.front()));
  Axis grid;
  grid.spec = spec;
  grid.values = logGrid(q.front(), q.back(), n);
  grid.wavelength_angstrom = library.axis.wavelength_angstrom;
  LogQLibrary result;
  result.library = resample(library, grid);
  result.log_bin_width = (std::log(q.back()) - std::log(q.front())) / static_cast<double>(n - 1);
  return result;
}

}  // namespace phasewise::core
