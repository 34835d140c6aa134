#include "decompose/phase_identification.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "decompose/phase_chemistry.h"
#include "model/peaks.h"
#include "model/resample.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
// The pattern on a log-Q grid over its own range (the decomposition's toLogQ, Q in nm^-1),
// scaled to a maximum of 1 (`top`: the maximum it had).
std::pair<Axis, std::vector<float>> onLogQ(const Axis& axis, const float* pattern, std::size_t wanted, float& top) {
  Library one;
  one.axis = convertAxis(axis, {AxisKind::Q, AxisUnit::InverseNanometre});
  one.samples = 1;
  one.intensities.assign(pattern, pattern + axis.values.size());
  if (one.axis.values.size() > 1 && one.axis.values.front() > one.axis.values.back()) {
    std::reverse(one.axis.values.begin(), one.axis.values.end());
    std::reverse(one.intensities.begin(), one.intensities.end());
  }
  if (one.axis.values.size() < 16) throw Error("phase identification needs a pattern of at least 16 points");
  LogQLibrary log = toLogQ(one, std::max<std::size_t>(16, std::min(wanted, one.axis.values.size())));
  std::vector<float>& on = log.library.intensities;
  top = 0;
  for (float v : on) top = std::max(top, v);
  if (!(top > 0)) throw Error("the pattern holds no intensity");
  for (float& v : on) v = std::max(0.0F, v / top);
  return {log.library.axis, on};
}
// What is left: the prominent peaks of the positive residual, and their share of the
// diffracted intensity (data above the background). Peaks must stand min_peak (of the
// pattern's maximum, 1) clear of their valleys.
void measureUnexplained(const Axis& axis, const Axis& log, const std::vector<float>& y, const std::vector<float>& model,
                        const std::vector<float>& background, double min_peak, PatternIdentification& out) {
  const std::size_t m = log.values.size();
  std::vector<float> left(m);
  double diffracted = 0;
  for (std::size_t j = 0; j < m; ++j) {
    left[j] = std::max(0.0F, y[j] - model[j] - background[j]);
    diffracted += std::max(0.0F, y[j] - background[j]) * log.values[j];
  }
  float left_top = 0;
  for (float v : left) left_top = std::max(left_top, v);
  const PeakSegmentation peaks = segmentPeaks(left.data(), m, left_top > 0 ? std::min(1.0, min_peak / left_top) : 1.0);
  double unexplained = 0;
  for (std::size_t p = 0; p < peaks.maxima.size(); ++p) {
    const std::size_t at = peaks.maxima[p];
    if (left[at] < min_peak) continue;
    for (std::size_t j = 0; j < m; ++j)
      if (peaks.segment[j] == static_cast<std::int64_t>(p)) unexplained += left[j] * log.values[j];
    UnexplainedPeak u;
    u.q_nm = log.values[at];
    u.d_angstrom = 20.0 * M_PI / u.q_nm;
    if (axis.wavelength_angstrom) {
      try {
        u.two_theta = qToTwoTheta(u.q_nm, AxisUnit::InverseNanometre, *axis.wavelength_angstrom);
      } catch (const Error&) {
        // beyond 180 degrees at this wavelength: no angle to give
      }
    }
    u.height = left[at];
    out.unexplained_peaks.push_back(u);
  }
  out.unexplained_share = diffracted > 0 ? std::min(1.0, unexplained / diffracted) : 0.0;
}
}  // namespace

PatternIdentification identifyPhases(const Axis& axis, const float* pattern, const ReferencePatterns& references,
                                     const PhaseIdentificationSettings& s) {
  if (s.max_phases < 1) throw Error("identify at least one phase per pattern");
  float top = 0;
  const std::size_t grid = s.fit.log_points ? s.fit.log_points : singlePatternFit({}).log_points;
  const auto [log, y] = onLogQ(axis, pattern, grid, top);
  const std::size_t m = log.values.size();
  const LibraryFitter fitter(references, log, s.fit);
  const std::vector<char> allowed = chemicallyPossible(references, s.elements);
  const SampleFit fit = fitter.fit(y.data(), s.max_phases, {}, allowed);
  // Intensities integrate over Q: on a log grid dQ = Q d(ln Q).
  std::vector<float> part(m), model(m, 0.0F), background(m);
  fitter.background(fit, background.data());
  PatternIdentification out;
  out.left_out = static_cast<int>(std::count(allowed.begin(), allowed.end(), 0));
  std::vector<double> intensity, scale;
  bool all_structures = !fit.phases.empty();
  const std::size_t variants = references.variants();
  std::vector<float> contributions;
  for (const PhaseInSample& p : fit.phases) {
    fitter.contribution(p, part.data());
    for (float v : part) contributions.push_back(v * top);
    double area = 0;
    for (std::size_t j = 0; j < m; ++j) {
      model[j] += part[j];
      area += part[j] * log.values[j];
    }
    intensity.push_back(area);
    const auto index = static_cast<std::size_t>(p.phase) * variants + static_cast<std::size_t>(p.variant);
    const double raw = index < references.raw_maximum.size() ? references.raw_maximum[index] : 0.0;
    const double zmv = static_cast<std::size_t>(p.phase) < references.cell_mass_volume.size()
                           ? references.cell_mass_volume[static_cast<std::size_t>(p.phase)]
                           : 0.0;
    all_structures = all_structures && raw > 0 && zmv > 0;
    scale.push_back(raw > 0 ? p.activation / raw * zmv : 0.0);
    IdentifiedPhase phase;
    phase.name = references.names[static_cast<std::size_t>(p.phase)];
    phase.reference = p.phase;
    phase.lattice_scale = std::exp(-p.shift_bins * fitter.logBinWidth());
    phase.confidence = p.confidence;
    phase.support = p.support;
    phase.chance = p.chance;
    out.phases.push_back(phase);
  }
  const double explained = std::accumulate(intensity.begin(), intensity.end(), 0.0);
  const double weights = std::accumulate(scale.begin(), scale.end(), 0.0);
  for (std::size_t i = 0; i < out.phases.size(); ++i) {
    out.phases[i].intensity_fraction = explained > 0 ? intensity[i] / explained : 0.0;
    if (all_structures && weights > 0) out.phases[i].weight_fraction = scale[i] / weights;
  }
  std::vector<std::size_t> order(out.phases.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out.phases[a].intensity_fraction > out.phases[b].intensity_fraction;
  });
  std::vector<IdentifiedPhase> sorted;
  out.grid = log;
  for (std::size_t i : order) {
    sorted.push_back(out.phases[i]);
    out.contributions.insert(out.contributions.end(), contributions.begin() + static_cast<std::ptrdiff_t>(i * m),
                             contributions.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
  }
  out.phases = std::move(sorted);
  for (float v : background) out.background.push_back(v * top);
  // A peak of what is left must also stand clear of the noise (five of its standard deviations):
  // a noisy scan's wiggles are not peaks a phase could explain.
  measureUnexplained(axis, log, y, model, background, std::max(s.min_peak, 5.0 * fit.noise), out);
  return out;
}

DecompositionResult asDecomposition(const PatternIdentification& id, const Axis& axis, const float* pattern) {
  const std::size_t k = id.phases.size(), m = axis.values.size(), lp = id.grid.values.size();
  if (id.contributions.size() != k * lp || id.background.size() != lp)
    throw Error("the identification carries no fit to show");
  DecompositionResult r;
  r.samples = 1;
  r.phases = static_cast<int>(k);
  r.axis = axis;
  r.log_axis = id.grid;
  const LinearResampler to_own(id.grid.values, convertAxis(axis, id.grid.spec).values);
  r.per_phase.assign(k * m, 0.0F);
  r.bases.assign(k * m, 0.0F);
  r.bases_log.assign(k * lp, 0.0F);
  r.reconstruction.assign(m, 0.0F);
  std::vector<float> back(m);
  to_own.apply(id.background.data(), back.data());
  for (std::size_t j = 0; j < m; ++j) r.reconstruction[j] = back[j];
  const bool weights = k > 0 && std::all_of(id.phases.begin(), id.phases.end(),
                                            [](const IdentifiedPhase& p) { return p.weight_fraction.has_value(); });
  for (std::size_t i = 0; i < k; ++i) {
    const IdentifiedPhase& p = id.phases[i];
    float* part = &r.per_phase[i * m];
    to_own.apply(&id.contributions[i * lp], part);
    const float top = *std::max_element(part, part + m);
    const float* on_grid = &id.contributions[i * lp];
    const float grid_top = *std::max_element(on_grid, on_grid + lp);
    for (std::size_t j = 0; j < m; ++j) {
      r.reconstruction[j] += part[j];
      r.bases[i * m + j] = top > 0 ? part[j] / top : 0.0F;
    }
    for (std::size_t j = 0; j < lp; ++j) r.bases_log[i * lp + j] = grid_top > 0 ? on_grid[j] / grid_top : 0.0F;
    r.activations.push_back(top);
    r.fractions.push_back(static_cast<float>(p.intensity_fraction));
    r.shifts.push_back(static_cast<float>(1.0 / p.lattice_scale));  // Q x s <=> lattice x 1/s
    r.confidence.push_back(static_cast<float>(p.confidence));
    r.support.push_back(static_cast<float>(p.support));
    r.chance.push_back(static_cast<float>(p.chance));
    r.phase_names.push_back(p.name);
    if (weights) r.weight_fractions.push_back(static_cast<float>(*p.weight_fraction));
  }
  r.background.assign(m, 0.0F);  // the background is the sample's own, inside the reconstruction
  r.background_activation.assign(1, 0.0F);
  double residual = 0;
  for (std::size_t j = 0; j < m; ++j) residual += std::abs(pattern[j] - r.reconstruction[j]);
  r.sample_loss.assign(1, static_cast<float>(residual));
  for (const UnexplainedPeak& u : id.unexplained_peaks) r.unexplained_q_nm.push_back(u.q_nm);
  r.unexplained_share = id.unexplained_share;
  r.iterations = 1;
  r.converged = true;
  return r;
}

}  // namespace phasewise::core
