#pragma once
// Peaks of a 1-D pattern, found the way a crystallographer reads them: a maximum counts when it
// stands clear of the valleys on both sides (noise does not), and every point belongs to the
// peak whose side it is on. Used by the physical refiner and by single-pattern identification.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace phasewise::core {

// Peaks of one pattern: their maxima's points, and for every point the peak it belongs to
// (boundaries at the lowest point between neighbouring peaks). A peak must rise by
// `min_prominence` of the maximum above the valleys on both sides (noise is not a peak).
struct PeakSegmentation {
  std::vector<std::size_t> maxima;
  std::vector<std::int64_t> segment;
};
[[nodiscard]] PeakSegmentation segmentPeaks(const float* pattern, std::size_t points, double min_prominence);

}  // namespace phasewise::core
