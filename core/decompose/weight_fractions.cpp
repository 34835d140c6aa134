#include "decompose/weight_fractions.h"

#include <cmath>

#include "model/axis.h"

namespace phasewise::core {
namespace {
// Trapezoid integral of `y` over `q`.
double integral(const std::vector<double>& q, const float* y) {
  double s = 0;
  for (std::size_t j = 1; j < q.size(); ++j) s += 0.5 * (double(y[j]) + y[j - 1]) * std::abs(q[j] - q[j - 1]);
  return s;
}
}  // namespace

std::vector<float> hillHowardFractions(const DecompositionResult& r, const std::vector<int>& reference,
                                       const ReferencePatterns& refs) {
  const std::size_t n = r.samples, k = static_cast<std::size_t>(r.phases), m = r.axis.values.size();
  if (reference.size() != k || refs.cell_mass_volume.size() != refs.phases() || refs.variants() == 0) return {};
  const AxisSpec q_nm{AxisKind::Q, AxisUnit::InverseNanometre};
  const std::vector<double> q = convertAxis(r.axis, q_nm).values;
  const std::vector<double> card_q = convertAxis(refs.axis, q_nm).values;
  // Per phase: the integrated absolute pattern of its card (one unit cell's worth).
  std::vector<double> per_cell(k, 0.0);
  bool any = false;
  for (std::size_t p = 0; p < k; ++p) {
    const int c = reference[p];
    if (c < 0) continue;
    const auto card = static_cast<std::size_t>(c);
    if (!(refs.cell_mass_volume[card] > 0)) return {};  // a stick card: no weight fractions
    per_cell[p] = refs.raw_maximum[card * refs.variants()] * integral(card_q, refs.pattern(card, 0));
    if (!(per_cell[p] > 0)) return {};
    any = true;
  }
  if (!any) return {};
  std::vector<float> out(n * k, 0.0F);
  std::vector<double> mass(k);
  for (std::size_t s = 0; s < n; ++s) {
    double total = 0;
    for (std::size_t p = 0; p < k; ++p) {
      mass[p] = 0;
      if (reference[p] < 0 || !(r.activations[s * k + p] > 0)) continue;
      // The contribution's integral: from the stored contribution when there is one, else
      // activation x the pattern's integral.
      const double area = !r.per_phase.empty() ? integral(q, &r.per_phase[(s * k + p) * m])
                                               : r.activations[s * k + p] * integral(q, &r.bases[p * m]);
      mass[p] = area / per_cell[p] * refs.cell_mass_volume[static_cast<std::size_t>(reference[p])];
      total += mass[p];
    }
    if (total > 0)
      for (std::size_t p = 0; p < k; ++p) out[s * k + p] = static_cast<float>(mass[p] / total);
  }
  return out;
}

}  // namespace phasewise::core
