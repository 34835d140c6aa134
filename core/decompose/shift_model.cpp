#include "decompose/shift_model.h"

#include <algorithm>
#include <cmath>

#include "decompose/vector_clones.h"

namespace phasewise::core {

PHASEWISE_VECTOR_CLONES void shiftPattern(const float* w, std::size_t points, double d, float* out) {
  const auto m_points = static_cast<std::ptrdiff_t>(points);
  // w(m - d): the integer and fractional parts of -d are the same for every m.
  const auto i0 = static_cast<std::ptrdiff_t>(std::floor(-d));
  const float t = static_cast<float>(-d - static_cast<double>(i0));
  const float u = 1.0F - t;
  // Where both neighbours w[m + i0] and w[m + i0 + 1] exist the loop has no branches (it
  // vectorises); the edges, where one or both fall outside the pattern, read zero there.
  const std::ptrdiff_t inner_begin = std::clamp<std::ptrdiff_t>(-i0, 0, m_points);
  const std::ptrdiff_t inner_end = std::clamp<std::ptrdiff_t>(m_points - 1 - i0, inner_begin, m_points);
  auto edge = [&](std::ptrdiff_t m) {
    const std::ptrdiff_t i = m + i0;
    const float lo = (i >= 0 && i < m_points) ? w[i] : 0.0F;
    const float hi = (i + 1 >= 0 && i + 1 < m_points) ? w[i + 1] : 0.0F;
    out[m] = u * lo + t * hi;
  };
  for (std::ptrdiff_t m = 0; m < inner_begin; ++m) edge(m);
  for (std::ptrdiff_t m = inner_begin; m < inner_end; ++m) out[m] = u * w[m + i0] + t * w[m + i0 + 1];
  for (std::ptrdiff_t m = inner_end; m < m_points; ++m) edge(m);
}

double shiftedCosine(const float* a, const float* b, std::size_t points, int shifts, int* at) {
  if (at) *at = 0;
  double aa = 0, bb = 0;
  for (std::size_t j = 0; j < points; ++j) {
    aa += double(a[j]) * a[j];
    bb += double(b[j]) * b[j];
  }
  if (!(aa > 0) || !(bb > 0)) return 0.0;
  double best = 0;
  const auto m = static_cast<std::ptrdiff_t>(points);
  for (std::ptrdiff_t d = -shifts; d <= shifts; ++d) {
    double ab = 0;
    for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, d); j < std::min(m, m + d); ++j) ab += double(a[j]) * b[j - d];
    if (ab > best) {
      best = ab;
      if (at) *at = static_cast<int>(d);
    }
  }
  return best / std::sqrt(aa * bb);
}

PHASEWISE_VECTOR_CLONES void broadenPattern(const float* w, std::size_t points, double sigma, float* out) {
  if (!(sigma > 0)) {
    std::copy(w, w + points, out);
    return;
  }
  const auto half = static_cast<std::ptrdiff_t>(std::ceil(3 * sigma));
  std::vector<float> kernel(static_cast<std::size_t>(2 * half + 1));
  double total = 0;
  for (std::ptrdiff_t i = -half; i <= half; ++i)
    total += kernel[static_cast<std::size_t>(i + half)] =
        static_cast<float>(std::exp(-0.5 * static_cast<double>(i * i) / (sigma * sigma)));
  for (float& v : kernel) v = static_cast<float>(v / total);
  // Tap by tap over all points: each point still sums its taps from the lowest up, so the
  // result is the point-by-point sum's to the bit, but the inner loop vectorises (a float sum
  // per point does not; this was about 8 % of a library-guided fit).
  const auto n = static_cast<std::ptrdiff_t>(points);
  std::fill(out, out + n, 0.0F);
  for (std::ptrdiff_t i = -half; i <= half; ++i) {
    const float weight = kernel[static_cast<std::size_t>(i + half)];
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, -i), hi = std::min<std::ptrdiff_t>(n, n - i);
    for (std::ptrdiff_t j = lo; j < hi; ++j) out[j] += weight * w[j + i];
  }
}

}  // namespace phasewise::core
