#pragma once
// Putting patterns on a common footing: linear interpolation onto a new grid, the common grid
// of several axes, and the logarithmic Q grid on which a multiplicative peak shift (lattice
// strain from alloying) becomes a translation by a whole number of bins.

#include <cstddef>
#include <vector>

#include "model/axis.h"
#include "model/library.h"

namespace phasewise::core {

// Linear-interpolation weights from a source axis to a target grid, computed once and applied
// to every pattern. Target values must lie within the source range (a small relative tolerance
// absorbs rounding); nothing is extrapolated.
class LinearResampler {
 public:
  LinearResampler(const std::vector<double>& source, const std::vector<double>& target);
  void apply(const float* source_row, float* target_row) const;
  [[nodiscard]] std::size_t targetSize() const { return lower_.size(); }

 private:
  std::vector<std::size_t> lower_;
  std::vector<double> weight_;  // weight of the upper neighbour
};

// Linear interpolation of (x, y) at `at`, zero outside [x.front(), x.back()] (numpy.interp
// with left = right = 0). x must increase.
[[nodiscard]] std::vector<float> interpolateOrZero(const std::vector<double>& x, const float* y,
                                                   const std::vector<double>& at);

// The grid shared by all axes: their overlapping range, sampled with the finest median step
// found among them. All axes must have the same kind and unit. Throws Error when they do not
// overlap.
[[nodiscard]] std::vector<double> commonGrid(const std::vector<Axis>& axes);

// n points from q_min to q_max, equally spaced in log(Q).
[[nodiscard]] std::vector<double> logGrid(double q_min, double q_max, std::size_t n);

// The library on a new grid of the given spec (the axis is converted first when the spec
// differs, which needs the wavelength for 2-theta <-> Q). Intensities and uncertainties are
// interpolated; everything else is carried over. Records the resampling in metadata.
[[nodiscard]] Library resample(const Library& library, const Axis& grid);

// The library on a log-Q grid of n points spanning its Q range (unit kept when the axis is Q,
// nm^-1 when it is 2-theta). Also returns the bin width in ln(Q), so a shift s (Q -> s Q) is
// ln(s) / bin_width bins.
struct LogQLibrary {
  Library library;
  double log_bin_width = 0.0;
};
[[nodiscard]] LogQLibrary toLogQ(const Library& library, std::size_t n);

}  // namespace phasewise::core
