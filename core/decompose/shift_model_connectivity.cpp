// The shift-aware fit's composition-graph rules: a phase's shifts are pulled towards its
// neighbours' during exploration, and each phase keeps its largest connected region.

#include <algorithm>
#include <cstddef>
#include <vector>

#include "decompose/shift_model_fit.h"

namespace phasewise::core::shift_fit {

// Connectivity: pull shifts towards the neighbours' (exploration only: it is not a descent
// step) and keep each phase's largest region.
void ShiftModelFit::enforceConnectivity(bool smooth_shifts, bool prune) {
  if (!o.connectivity || o.edges.empty()) return;
  if (smooth_shifts) {
    std::vector<float> smoothed = r.shift;
    for (std::size_t s = 0; s < n; ++s)
      for (int p = 0; p < k; ++p) {
        if (r.a[s * ku + p] <= 0) continue;
        double sum = 0;
        int count = 0;
        for (int j : neighbours[s])
          if (r.a[static_cast<std::size_t>(j) * ku + p] > 0) {
            sum += r.shift[static_cast<std::size_t>(j) * ku + p];
            ++count;
          }
        if (count) smoothed[s * ku + p] = static_cast<float>(0.5 * r.shift[s * ku + p] + 0.5 * sum / count);
      }
    r.shift = smoothed;
  }
  if (prune) keepLargestRegions();
}

// Each phase keeps its largest connected region on the composition graph (by activation);
// elsewhere it is no longer allowed.
void ShiftModelFit::keepLargestRegions() {
  for (int p = 0; p < k; ++p) {
    std::vector<int> component(n, -1);
    std::vector<double> weight;
    for (std::size_t s = 0; s < n; ++s) {
      if (component[s] >= 0 || r.a[s * ku + p] <= 0) continue;
      const int id = static_cast<int>(weight.size());
      weight.push_back(0.0);
      std::vector<std::size_t> stack{s};
      component[s] = id;
      while (!stack.empty()) {
        const std::size_t u = stack.back();
        stack.pop_back();
        weight[static_cast<std::size_t>(id)] += r.a[u * ku + p];
        for (int v : neighbours[u])
          if (component[static_cast<std::size_t>(v)] < 0 && r.a[static_cast<std::size_t>(v) * ku + p] > 0) {
            component[static_cast<std::size_t>(v)] = id;
            stack.push_back(static_cast<std::size_t>(v));
          }
      }
    }
    if (weight.size() < 2) continue;
    const int keep = static_cast<int>(std::max_element(weight.begin(), weight.end()) - weight.begin());
    for (std::size_t s = 0; s < n; ++s)
      if (component[s] >= 0 && component[s] != keep) {
        allowed[s * ku + p] = 0;
        r.a[s * ku + p] = 0;
      }
  }
}

}  // namespace phasewise::core::shift_fit
