#include "decompose/phase_merge.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "decompose/library_refit.h"
#include "decompose/shift_model.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
// Log-Q bin width of the result's grid and the alignment reach in bins (0, 0 without a grid).
std::pair<double, int> alignmentGrid(const DecompositionResult& r, const PhaseMergeSettings& s) {
  const std::size_t lp = r.log_axis.values.size();
  if (lp < 2 || !(r.log_axis.values.front() > 0)) return {0.0, 0};
  const double bin = std::log(r.log_axis.values.back() / r.log_axis.values.front()) / static_cast<double>(lp - 1);
  return {bin,
          std::min(static_cast<int>(std::ceil(std::log(1.0 + s.max_lattice_change) / bin)), static_cast<int>(lp / 4))};
}

std::size_t findRoot(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

std::vector<std::vector<std::size_t>> samePhaseGroups(const DecompositionResult& r, const PhaseMergeSettings& s) {
  const auto k = static_cast<std::size_t>(r.phases);
  const std::size_t n = r.samples, lp = r.log_axis.values.size();
  if (k < 2 || lp < 2 || r.bases_log.size() != k * lp || r.shifts.size() != n * k || r.fractions.size() != n * k)
    return {};
  const auto [bin, reach] = alignmentGrid(r, s);
  if (!(bin > 0)) return {};
  std::vector<std::size_t> parent(k);
  std::iota(parent.begin(), parent.end(), 0);
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) {
      // Shared samples first (cheap), then the patterns.
      std::vector<std::size_t> shared;
      for (std::size_t t = 0; t < n; ++t)
        if (r.fractions[t * k + a] > s.present && r.fractions[t * k + b] > s.present) shared.push_back(t);
      if (shared.size() < std::max<std::size_t>(1, s.min_shared)) continue;
      // b moved d bins up matches a: b's peaks lie d bins below a's, Q_b = Q_a exp(-d bin), and
      // the two put their peaks in the same place in sample t when shift_a(t) = exp(-d bin) shift_b(t).
      int d = 0;
      if (shiftedCosine(&r.bases_log[a * lp], &r.bases_log[b * lp], lp, reach, &d) < s.cosine) continue;
      std::vector<double> gap;
      for (std::size_t t : shared)
        if (r.shifts[t * k + a] > 0 && r.shifts[t * k + b] > 0)
          gap.push_back(std::abs(std::log(r.shifts[t * k + a] / r.shifts[t * k + b]) + d * bin));
      if (gap.empty()) continue;
      std::nth_element(gap.begin(), gap.begin() + static_cast<std::ptrdiff_t>(gap.size() / 2), gap.end());
      if (gap[gap.size() / 2] <= s.lattice_tolerance) parent[findRoot(parent, a)] = findRoot(parent, b);
    }
  std::vector<std::vector<std::size_t>> by_root(k);
  for (std::size_t p = 0; p < k; ++p) by_root[findRoot(parent, p)].push_back(p);
  std::vector<std::vector<std::size_t>> groups;
  for (auto& g : by_root)
    if (g.size() >= 2) groups.push_back(std::move(g));
  return groups;
}

std::vector<std::vector<std::size_t>> mergePhases(DecompositionResult& r,
                                                  const std::vector<std::vector<std::size_t>>& groups,
                                                  const PhaseMergeSettings& s) {
  const auto k = static_cast<std::size_t>(r.phases);
  const std::size_t n = r.samples, m = r.axis.values.size();
  if (r.fractions.size() != n * k || r.activations.size() != n * k || r.shifts.size() != n * k)
    throw Error("the decomposition's tables do not match its phase count");
  std::vector<std::vector<std::size_t>> holds(k);
  for (std::size_t p = 0; p < k; ++p) holds[p] = {p};
  std::vector<double> total(k, 0.0);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t p = 0; p < k; ++p) total[p] += r.fractions[t * k + p];
  std::vector<char> removed(k, 0);
  const std::size_t lp = r.log_axis.values.size();
  const auto [bin, reach] = alignmentGrid(r, s);
  for (const auto& group : groups) {
    for (std::size_t p : group)
      if (p >= k) throw Error("a phase to merge is not in the result");
    const std::size_t keep = *std::max_element(group.begin(), group.end(),
                                               [&](std::size_t a, std::size_t b) { return total[a] < total[b]; });
    // Per sample, the fraction of the member whose lattice the merged phase takes there.
    std::vector<float> carried(n);
    for (std::size_t t = 0; t < n; ++t) carried[t] = r.fractions[t * k + keep];
    for (std::size_t p : group) {
      if (p == keep) continue;
      removed[p] = 1;
      holds[keep].push_back(p);
      int d = 0;  // as in samePhaseGroups
      if (r.bases_log.size() == k * lp && lp > 1)
        (void)shiftedCosine(&r.bases_log[keep * lp], &r.bases_log[p * lp], lp, reach, &d);
      const double to_keep = std::exp(-d * bin);  // p's shift in the kept pattern's frame
      for (std::size_t t = 0; t < n; ++t) {
        if (r.fractions[t * k + p] > carried[t] && r.shifts[t * k + p] > 0) {
          carried[t] = r.fractions[t * k + p];
          r.shifts[t * k + keep] = static_cast<float>(to_keep * r.shifts[t * k + p]);
        }
        r.activations[t * k + keep] += r.activations[t * k + p];
        r.fractions[t * k + keep] += r.fractions[t * k + p];
        if (!r.weight_fractions.empty()) r.weight_fractions[t * k + keep] += r.weight_fractions[t * k + p];
        if (!r.confidence.empty())
          r.confidence[t * k + keep] = std::max(r.confidence[t * k + keep], r.confidence[t * k + p]);
        if (r.per_phase.size() == n * k * m)
          for (std::size_t j = 0; j < m; ++j) r.per_phase[(t * k + keep) * m + j] += r.per_phase[(t * k + p) * m + j];
      }
    }
  }
  std::vector<std::size_t> kept;
  for (std::size_t p = 0; p < k; ++p)
    if (!removed[p]) kept.push_back(p);
  if (kept.size() == k) return holds;
  keepPhases(r, kept);
  r.settings.phases = r.phases;
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t p : kept) out.push_back(holds[p]);
  return out;
}

}  // namespace phasewise::core
