#include "decompose/phase_identification.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/peaks.h"
#include "model/resample.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
// The pattern on a log-Q grid over its own range (the decomposition's toLogQ, Q in nm^-1),
// scaled to a maximum of 1.
std::pair<Axis, std::vector<float>> onLogQ(const Axis& axis, const float* pattern, std::size_t wanted) {
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
  float top = 0;
  for (float v : on) top = std::max(top, v);
  if (!(top > 0)) throw Error("the pattern holds no intensity");
  for (float& v : on) v = std::max(0.0F, v / top);
  return {log.library.axis, on};
}
}  // namespace

PatternIdentification identifyPhases(const Axis& axis, const float* pattern, const ReferencePatterns& references,
                                     const PhaseIdentificationSettings& s) {
  if (s.max_phases < 1) throw Error("identify at least one phase per pattern");
  const auto [log, y] = onLogQ(axis, pattern, s.log_points);
  const std::size_t m = log.values.size();
  const LibraryFitter fitter(references, log, s.fit);
  const SampleFit fit = fitter.fit(y.data(), s.max_phases);
  // Intensities integrate over Q: on a log grid dQ = Q d(ln Q).
  std::vector<float> part(m), model(m, 0.0F), background(m);
  fitter.background(fit, background.data());
  PatternIdentification out;
  std::vector<double> intensity, scale;
  bool all_structures = !fit.phases.empty();
  const std::size_t variants = references.variants();
  for (const PhaseInSample& p : fit.phases) {
    fitter.contribution(p, part.data());
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
    out.phases.push_back(phase);
  }
  const double explained = std::accumulate(intensity.begin(), intensity.end(), 0.0);
  const double weights = std::accumulate(scale.begin(), scale.end(), 0.0);
  for (std::size_t i = 0; i < out.phases.size(); ++i) {
    out.phases[i].intensity_fraction = explained > 0 ? intensity[i] / explained : 0.0;
    if (all_structures && weights > 0) out.phases[i].weight_fraction = scale[i] / weights;
  }
  std::sort(out.phases.begin(), out.phases.end(), [](const IdentifiedPhase& a, const IdentifiedPhase& b) {
    return a.intensity_fraction > b.intensity_fraction;
  });
  // What is left: the prominent peaks of the positive residual, and their share of the
  // diffracted intensity (data above the background).
  std::vector<float> left(m);
  double diffracted = 0;
  for (std::size_t j = 0; j < m; ++j) {
    left[j] = std::max(0.0F, y[j] - model[j] - background[j]);
    diffracted += std::max(0.0F, y[j] - background[j]) * log.values[j];
  }
  // Peaks must stand min_peak (of the pattern's maximum, 1) clear of their valleys.
  float left_top = 0;
  for (float v : left) left_top = std::max(left_top, v);
  const PeakSegmentation peaks =
      segmentPeaks(left.data(), m, left_top > 0 ? std::min(1.0, s.min_peak / left_top) : 1.0);
  double unexplained = 0;
  for (std::size_t p = 0; p < peaks.maxima.size(); ++p) {
    const std::size_t at = peaks.maxima[p];
    if (left[at] < s.min_peak) continue;
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
  return out;
}

}  // namespace phasewise::core
