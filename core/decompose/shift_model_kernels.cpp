#include "decompose/shift_model_kernels.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "decompose/nnls.h"
#include "decompose/vector_clones.h"

namespace phasewise::core::shift_kernels {

PHASEWISE_VECTOR_CLONES void shiftTransposeAdd2(const float* r1, const float* r2, std::size_t points, double d,
                                                double weight, double* out1, double* out2) {
  const auto m_points = static_cast<std::ptrdiff_t>(points);
  // Source point m lands on q = m + i0 (share 1 - t) and q + 1 (share t), i0 the integer part
  // of -d. Gathered per target q: first the share t of source q - i0 - 1, then the share 1 - t
  // of source q - i0, the order a scatter over ascending m adds them in, so the sums are the
  // same bits; gathering has no dependence between targets and vectorises.
  const double shifted = -d;
  const auto i0 = static_cast<std::ptrdiff_t>(std::floor(shifted));
  const double t = shifted - static_cast<double>(i0);
  const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, -i0 - 1),
                       hi = std::min<std::ptrdiff_t>(m_points, m_points - i0);  // sources scattered
  auto add = [&](std::ptrdiff_t q, std::ptrdiff_t m, double share) {
    out1[q] += share * (weight * r1[m]);
    out2[q] += share * (weight * r2[m]);
  };
  auto gather = [&](std::ptrdiff_t q) {
    const std::ptrdiff_t below = q - i0 - 1, at = q - i0;
    if (below >= lo && below < hi) add(q, below, t);
    if (at >= lo && at < hi) add(q, at, 1.0 - t);
  };
  // Targets whose two sources both lie in [lo, hi): q - i0 - 1 >= lo and q - i0 < hi.
  const std::ptrdiff_t inner_begin = std::clamp<std::ptrdiff_t>(lo + i0 + 1, 0, m_points);
  const std::ptrdiff_t inner_end = std::clamp<std::ptrdiff_t>(hi + i0, inner_begin, m_points);
  for (std::ptrdiff_t q = 0; q < inner_begin; ++q) gather(q);
  for (std::ptrdiff_t q = inner_begin; q < inner_end; ++q) {
    const std::ptrdiff_t below = q - i0 - 1;
    out1[q] += t * (weight * r1[below]);
    out1[q] += (1.0 - t) * (weight * r1[below + 1]);
    out2[q] += t * (weight * r2[below]);
    out2[q] += (1.0 - t) * (weight * r2[below + 1]);
  }
  for (std::ptrdiff_t q = inner_end; q < m_points; ++q) gather(q);
}

PHASEWISE_VECTOR_CLONES void smooth(std::vector<float>& v, double sigma) {
  const auto half = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> kernel(static_cast<std::size_t>(2 * half + 1));
  for (int i = -half; i <= half; ++i)
    kernel[static_cast<std::size_t>(i + half)] = std::exp(-0.5 * i * i / (sigma * sigma));
  // Tap by tap (each point sums its taps in the same order as point by point, so the same
  // bits), which vectorises.
  const auto n = static_cast<std::ptrdiff_t>(v.size());
  std::vector<double> sum(v.size(), 0.0), weight(v.size(), 0.0);
  for (std::ptrdiff_t i = -half; i <= half; ++i) {
    const double k = kernel[static_cast<std::size_t>(i + half)];
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, -i), hi = std::min<std::ptrdiff_t>(n, n - i);
    for (std::ptrdiff_t m = lo; m < hi; ++m) {
      sum[static_cast<std::size_t>(m)] += k * v[static_cast<std::size_t>(m + i)];
      weight[static_cast<std::size_t>(m)] += k;
    }
  }
  for (std::size_t m = 0; m < v.size(); ++m) v[m] = static_cast<float>(sum[m] / weight[m]);
}

std::vector<std::vector<int>> subsetsUpTo(int k, int limit) {
  std::vector<std::vector<int>> out;
  for (unsigned mask = 1; mask < (1U << k); ++mask) {
    const int size = __builtin_popcount(mask);
    if (size > limit) continue;
    std::vector<int> s;
    for (int i = 0; i < k; ++i)
      if (mask & (1U << i)) s.push_back(i);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  return out;
}

void GramSystem::gather(const std::vector<int>& chosen, std::vector<double>& g2, std::vector<double>& c2) const {
  const int q = static_cast<int>(chosen.size()) + (background ? 1 : 0);
  const auto at = [&](int i) { return i < static_cast<int>(chosen.size()) ? chosen[static_cast<std::size_t>(i)] : k; };
  g2.resize(static_cast<std::size_t>(q * q));
  c2.resize(static_cast<std::size_t>(q));
  for (int i = 0; i < q; ++i) {
    c2[static_cast<std::size_t>(i)] = rhs[static_cast<std::size_t>(at(i))];
    for (int j = 0; j < q; ++j)
      g2[static_cast<std::size_t>(i * q + j)] = gram[static_cast<std::size_t>(at(i) * cols + at(j))];
  }
}

double GramSystem::residual(const std::vector<double>& g2, const std::vector<double>& c2,
                            const std::vector<double>& coef) const {
  const int q = static_cast<int>(c2.size());
  double res = yy;
  for (int i = 0; i < q; ++i) {
    res -= 2 * coef[static_cast<std::size_t>(i)] * c2[static_cast<std::size_t>(i)];
    for (int j = 0; j < q; ++j)
      res += coef[static_cast<std::size_t>(i)] * g2[static_cast<std::size_t>(i * q + j)] *
             coef[static_cast<std::size_t>(j)];
  }
  return res;
}

double GramSystem::solve(const std::vector<int>& chosen, std::vector<double>& coef) const {
  // Reused buffers: every sample solves dozens of these small systems per iteration.
  thread_local std::vector<double> g2, c2;
  gather(chosen, g2, c2);
  nnlsGram(g2.data(), c2.data(), static_cast<int>(c2.size()), coef);
  return residual(g2, c2, coef);
}

std::optional<double> GramSystem::solveIfEveryPhaseHolds(const std::vector<int>& chosen,
                                                         std::vector<double>& coef) const {
  thread_local std::vector<double> g2, c2;
  gather(chosen, g2, c2);
  const int q = static_cast<int>(c2.size());
  const int phases = static_cast<int>(chosen.size());
  coef.assign(static_cast<std::size_t>(q), 0.0);
  const auto positive = [&](int count) {
    return std::all_of(coef.begin(), coef.begin() + count, [](double v) { return v > 0; });
  };
  // solveGram refuses singular systems and more than 12 columns: the active set takes those.
  if (!solveGram(g2.data(), c2.data(), q, coef.data())) return solve(chosen, coef);
  if (positive(q)) return residual(g2, c2, coef);  // interior: the non-negative solution itself
  if (!background) return std::nullopt;
  // Not interior, so some coefficient is zero at the non-negative solution. It keeps every
  // phase only if it is the phases' own unconstrained solution, all positive, with the
  // background held at zero by its gradient (the active set's entry test).
  std::vector<double> phase_gram(static_cast<std::size_t>(phases * phases));
  for (int i = 0; i < phases; ++i)
    for (int j = 0; j < phases; ++j)
      phase_gram[static_cast<std::size_t>(i * phases + j)] = g2[static_cast<std::size_t>(i * q + j)];
  coef.assign(static_cast<std::size_t>(q), 0.0);
  if (phases == 0 || !solveGram(phase_gram.data(), c2.data(), phases, coef.data())) return solve(chosen, coef);
  if (!positive(phases)) return std::nullopt;
  double gradient = c2[static_cast<std::size_t>(phases)];
  for (int j = 0; j < phases; ++j)
    gradient -= g2[static_cast<std::size_t>(phases * q + j)] * coef[static_cast<std::size_t>(j)];
  if (gradient > 1e-14 * (1.0 + std::abs(c2[static_cast<std::size_t>(phases)]))) return std::nullopt;
  return residual(g2, c2, coef);
}

std::optional<double> GramSystem::provenLeastResidual(const std::vector<int>& chosen, std::vector<double>& coef) const {
  // solve()'s steps, keeping the gathered system for the check.
  thread_local std::vector<double> g2, c2;
  gather(chosen, g2, c2);
  const int q = static_cast<int>(c2.size());
  nnlsGram(g2.data(), c2.data(), q, coef);
  // Karush-Kuhn-Tucker: every coefficient >= 0, and the gradient c - G a vanishes where a > 0
  // and is <= 0 where a = 0, within 1e-10 of the terms it sums. Columns, data and coefficients
  // are non-negative, so each term is at most about 2 |column| |y| and a coefficient at most
  // |y| / |column|: the residual is then above the least by at most about 4e-10 |y|^2 per
  // column, far under the 1e-7 |y|^2 margin the subset search allows.
  for (int i = 0; i < q; ++i) {
    const double a = coef[static_cast<std::size_t>(i)];
    if (a < 0) return std::nullopt;
    double gradient = c2[static_cast<std::size_t>(i)];
    double size = std::abs(gradient);
    for (int j = 0; j < q; ++j) {
      const double term = g2[static_cast<std::size_t>(i * q + j)] * coef[static_cast<std::size_t>(j)];
      gradient -= term;
      size += std::abs(term);
    }
    const double tolerance = 1e-10 * (size + 1e-300);
    if (gradient > tolerance || (a > 0 && gradient < -tolerance)) return std::nullopt;
  }
  return residual(g2, c2, coef);
}

}  // namespace phasewise::core::shift_kernels
