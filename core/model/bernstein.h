#pragma once
// Bernstein polynomials on [0, 1] sampled at `points` equally spaced points: non-negative and
// summing to 1, so non-negative coefficients give a smooth non-negative curve (a background).

#include <cstddef>
#include <vector>

namespace phasewise::core {

// terms x points, row-major; degree terms - 1.
[[nodiscard]] std::vector<float> bernsteinBasis(int terms, std::size_t points);

}  // namespace phasewise::core
