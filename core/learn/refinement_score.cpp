#include "learn/refinement_score.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace phasewise::core {

double cosineOf(const float* a, const float* b, std::size_t m) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t j = 0; j < m; ++j) {
    ab += double(a[j]) * b[j];
    aa += double(a[j]) * a[j];
    bb += double(b[j]) * b[j];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

double relativeL1Of(const float* a, const float* b, std::size_t m) {
  double sa = 0, sb = 0;
  for (std::size_t j = 0; j < m; ++j) {
    sa += std::abs(double(a[j]));
    sb += std::abs(double(b[j]));
  }
  if (!(sa > 0) || !(sb > 0)) return 2.0;
  double d = 0;
  for (std::size_t j = 0; j < m; ++j) d += std::abs(a[j] / sa - b[j] / sb);
  return d;
}

RefinementScore scoreRefinement(const std::vector<std::vector<int>>& ranked, const std::vector<double>& probability,
                                const std::vector<int>& truth, const std::vector<float>& before,
                                const std::vector<float>& after, const std::vector<float>& pure, std::size_t m,
                                const std::function<bool(int, int)>& same) {
  const std::size_t n = truth.size();
  if (ranked.size() != n || before.size() != n * m || after.size() != n * m || pure.size() != n * m ||
      (!probability.empty() && probability.size() != n))
    throw Error("refinement scores need one ranking, pattern and truth per candidate");
  const auto is = [&](int a, int b) { return same ? same(a, b) : a == b; };
  RefinementScore s;
  s.count = n;
  if (n == 0) return s;
  std::vector<bool> correct(n);
  s.worst_cosine_change = 1e300;
  for (std::size_t i = 0; i < n; ++i) {
    const float *b = before.data() + i * m, *a = after.data() + i * m, *p = pure.data() + i * m;
    correct[i] = !ranked[i].empty() && is(ranked[i][0], truth[i]);
    s.top1 += correct[i];
    for (std::size_t k = 0; k < std::min<std::size_t>(3, ranked[i].size()); ++k)
      if (is(ranked[i][k], truth[i])) {
        s.top3 += 1;
        break;
      }
    const double cb = cosineOf(b, p, m), ca = cosineOf(a, p, m);
    s.cosine_before += cb;
    s.cosine_after += ca;
    s.cosine_rose += ca > cb + 1e-4;
    s.worst_cosine_change = std::min(s.worst_cosine_change, ca - cb);
    s.l1_before += relativeL1Of(b, p, m);
    s.l1_after += relativeL1Of(a, p, m);
    double change = 0, base = 0;
    for (std::size_t j = 0; j < m; ++j) {
      change += std::abs(double(a[j]) - b[j]);
      base += std::abs(double(b[j]));
    }
    s.mean_change += base > 0 ? change / base : 0.0;
  }
  const auto count = static_cast<double>(n);
  s.top1 *= 100.0 / count;
  s.top3 *= 100.0 / count;
  s.cosine_rose *= 100.0 / count;
  s.cosine_before /= count;
  s.cosine_after /= count;
  s.l1_before /= count;
  s.l1_after /= count;
  s.mean_change /= count;
  if (!probability.empty()) {
    s.calibrated = true;
    s.calibration = calibrationOf(probability, correct);
  }
  return s;
}

}  // namespace phasewise::core
