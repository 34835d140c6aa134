#pragma once
// Delaunay triangulation of points in the plane (Bowyer-Watson), returned as the edge list
// of the triangulation: the composition graph on which phase regions must be contiguous.

#include <cstdint>
#include <utility>
#include <vector>

namespace phasewise::core {

[[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> delaunayEdges(const std::vector<double>& x,
                                                                               const std::vector<double>& y);

}  // namespace phasewise::core
