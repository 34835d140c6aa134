#include "decompose/evaluation.h"

#include <algorithm>
#include <cmath>

#include "io/npy.h"
#include "model/resample.h"
#include "util/error.h"

namespace phasewise::core {

GroundTruth loadDrnetsTruth(const std::filesystem::path& folder) {
  GroundTruth truth;
  const NpyArray q = readNpy(folder / "Q.npy");
  const NpyArray signals = readNpy(folder / "decomposition_sol.npy");
  const NpyArray weights = readNpy(folder / "normalized_weights_sol.npy");
  if (signals.shape.size() != 3 || signals.shape[2] != q.count())
    throw FormatError((folder / "decomposition_sol.npy").string(), 0, "shape", "expected samples x phases x Q");
  truth.samples = signals.shape[0];
  truth.phases = static_cast<int>(signals.shape[1]);
  const std::size_t m = signals.shape[2], t = signals.shape[1];
  if (weights.shape != std::vector<std::size_t>{truth.samples, t})
    throw FormatError((folder / "normalized_weights_sol.npy").string(), 0, "shape", "expected samples x phases");
  truth.q = q.numbers;
  truth.patterns.assign(t * m, 0.0F);
  for (std::size_t s = 0; s < truth.samples; ++s)
    for (std::size_t p = 0; p < t; ++p)
      for (std::size_t j = 0; j < m; ++j)
        truth.patterns[p * m + j] += static_cast<float>(signals.numbers[(s * t + p) * m + j]);
  truth.fractions.assign(weights.numbers.begin(), weights.numbers.end());
  truth.limits.assign(truth.samples, 3);
  const std::filesystem::path dof = folder / "degree_of_freedom.npy";
  std::error_code ec;
  if (std::filesystem::exists(dof, ec)) {
    const NpyArray limits = readNpy(dof);
    if (limits.count() != truth.samples) throw FormatError(dof.string(), 0, "shape", "expected one limit per sample");
    for (std::size_t s = 0; s < truth.samples; ++s) truth.limits[s] = static_cast<int>(limits.numbers[s]);
  }
  const std::filesystem::path lattice = folder / "lattice_scale_sol.npy";
  if (std::filesystem::exists(lattice, ec)) {
    const NpyArray scales = readNpy(lattice);
    if (scales.shape != std::vector<std::size_t>{truth.samples, t})
      throw FormatError(lattice.string(), 0, "shape", "expected samples x phases");
    truth.lattice.assign(scales.numbers.begin(), scales.numbers.end());
  }
  return truth;
}

Evaluation evaluate(const std::vector<double>& q, const std::vector<float>& bases, int k,
                    const std::vector<float>& activations, const GroundTruth& truth, const std::vector<float>& shifts) {
  const std::size_t m = q.size(), mt = truth.q.size();
  if (bases.size() != static_cast<std::size_t>(k) * m) throw Error("bases and their axis disagree");
  if (activations.size() != truth.samples * static_cast<std::size_t>(k))
    throw Error("the result has " + std::to_string(activations.size() / std::max(k, 1)) + " samples, the truth " +
                std::to_string(truth.samples));
  // Our patterns on the truth's axis (zero outside our range, like numpy.interp(left=0, right=0)).
  std::vector<float> on_truth;
  on_truth.reserve(static_cast<std::size_t>(k) * mt);
  for (int p = 0; p < k; ++p) {
    const std::vector<float> row = interpolateOrZero(q, &bases[static_cast<std::size_t>(p) * m], truth.q);
    on_truth.insert(on_truth.end(), row.begin(), row.end());
  }
  Evaluation e;
  e.phases = k;
  e.match = matchPhases(on_truth, k, truth.patterns, truth.phases, mt);
  const std::vector<float> found = fractionsFrom(activations, bases, truth.samples, k, m);
  e.fraction_l1 = fractionL1(truth.fractions, truth.phases, found, k, e.match, truth.samples);
  e.gibbs_violations = gibbsViolations(found, k, truth.limits);
  const auto ku = static_cast<std::size_t>(k), tu = static_cast<std::size_t>(truth.phases);
  e.map_cosine.assign(ku, 0.0);
  e.lattice_error.assign(ku, -1.0);
  const bool lattice = !truth.lattice.empty() && shifts.size() == truth.samples * ku;
  for (std::size_t p = 0; p < ku; ++p) {
    const int t = e.match.true_for_found[p];
    if (t < 0) continue;
    double dot = 0, nf = 0, nt = 0;
    std::vector<double> ratio;  // truth lattice x our Q factor: constant if the strains agree
    for (std::size_t s = 0; s < truth.samples; ++s) {
      const double f = found[s * ku + p], g = truth.fractions[s * tu + static_cast<std::size_t>(t)];
      dot += f * g;
      nf += f * f;
      nt += g * g;
      if (lattice && f > 0.01 && g > 0.01)
        ratio.push_back(truth.lattice[s * tu + static_cast<std::size_t>(t)] * shifts[s * ku + p]);
    }
    e.map_cosine[p] = nf > 0 && nt > 0 ? dot / std::sqrt(nf * nt) : 0.0;
    if (ratio.empty()) continue;
    std::vector<double> sorted = ratio;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double reference = sorted[sorted.size() / 2];
    double squares = 0;
    for (double r : ratio) squares += (r / reference - 1) * (r / reference - 1);
    e.lattice_error[p] = std::sqrt(squares / static_cast<double>(ratio.size()));
  }
  return e;
}

}  // namespace phasewise::core
