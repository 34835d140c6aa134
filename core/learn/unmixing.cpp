#include "learn/unmixing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "learn/refinement_record.h"
#include "model/resample.h"
#include "util/error.h"

namespace phasewise::core {

PhaseIdentificationSettings UnmixingSettings::defaultFit() {
  PhaseIdentificationSettings s;
  s.fit.max_strain = 0.03;
  s.max_phases = 4;
  return s;
}

namespace {

// Subtracts `what` (on the fit's grid) from `pattern` (on `values`), never below zero, and
// returns the intensity taken away.
double subtract(std::vector<float>& pattern, const std::vector<double>& values, const std::vector<double>& fit_grid,
                const float* what) {
  const std::vector<float> on_axis = interpolateOrZero(fit_grid, what, values);
  double taken = 0;
  for (std::size_t j = 0; j < pattern.size(); ++j) {
    const float before = pattern[j];
    pattern[j] = std::max(0.0F, before - std::max(0.0F, on_axis[j]));
    taken += before - pattern[j];
  }
  return taken;
}

// The intensity of `what` (on the fit's grid) that `pattern` (on `values`) holds: what
// subtract would take away.
double heldBy(const std::vector<float>& pattern, const std::vector<double>& values, const std::vector<double>& fit_grid,
              const float* what) {
  std::vector<float> copy = pattern;
  return subtract(copy, values, fit_grid, what);
}

// The largest cosine of a and b (on the fit's log-Q grid) with b shifted by up to `shifts`
// points either way.
double shiftedCosine(const float* a, const float* b, std::size_t n, int shifts) {
  double aa = 0, bb = 0;
  for (std::size_t j = 0; j < n; ++j) aa += double(a[j]) * a[j], bb += double(b[j]) * b[j];
  if (!(aa > 0 && bb > 0)) return 0;
  double best = 0;
  for (int s = -shifts; s <= shifts; ++s) {
    double ab = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const auto k = static_cast<std::ptrdiff_t>(j) + s;
      if (k >= 0 && k < static_cast<std::ptrdiff_t>(n)) ab += double(a[j]) * b[k];
    }
    best = std::max(best, ab / std::sqrt(aa * bb));
  }
  return best;
}

// Which of the fit's phases to keep: `keep` where the fit found it; else the fit's phase most
// like `keep`'s reference pattern when it is its near-twin (the same phase under another card:
// the fit took a look-alike a few per cent away, or another member of a solid-solution
// series); else the fit's largest.
std::size_t keptPhase(const PatternIdentification& fit, const ReferencePatterns& references,
                      const std::vector<double>& q, int keep, int shifts, double twin_cosine) {
  if (keep < 0 || static_cast<std::size_t>(keep) >= references.phases()) return 0;
  for (std::size_t k = 0; k < fit.phases.size(); ++k)
    if (fit.phases[k].reference == keep) return k;
  const std::size_t g = fit.grid.values.size();
  const std::vector<float> wanted =
      interpolateOrZero(q, references.pattern(static_cast<std::size_t>(keep), 0), fit.grid.values);
  std::size_t best = 0;
  double best_cosine = twin_cosine;
  for (std::size_t k = 0; k < fit.phases.size(); ++k) {
    const double cosine = shiftedCosine(wanted.data(), fit.contributions.data() + k * g, g, shifts);
    if (cosine >= best_cosine) best = k, best_cosine = cosine;
  }
  return best;
}

}  // namespace

PhysicalEdit UnmixedCandidate::edit() const {
  PhysicalEdit e;
  e.applied = true;
  e.removed_fraction = removed_fraction;
  e.background_fraction = background_fraction;
  if (kept >= 0) e.phases.push_back({kept_name, kept_share, EditedPhase::Role::Kept});
  for (const RemovedPhase& p : twins) e.phases.push_back({p.name, p.share, EditedPhase::Role::Twin});
  for (const RemovedPhase& p : removed) e.phases.push_back({p.name, p.share, EditedPhase::Role::Removed});
  return e;
}

std::string UnmixedCandidate::describe() const {
  return kept < 0 ? "no reference phase found: nothing removed" : edit().describe();
}

UnmixedCandidate unmixCandidate(const Axis& axis, const float* pattern, const ReferencePatterns& references,
                                const UnmixingSettings& settings, int keep) {
  UnmixedCandidate out;
  const std::size_t m = axis.values.size();
  out.pattern.assign(pattern, pattern + m);
  double total = 0;
  for (std::size_t j = 0; j < m; ++j) total += std::max(0.0F, pattern[j]);
  if (!(total > 0)) return out;  // an empty candidate (a component that vanished) has nothing to remove
  out.fit = identifyPhases(axis, pattern, references, settings.fit);
  const PatternIdentification& fit = out.fit;
  if (fit.phases.empty()) return out;
  // The fit's grid is log-Q in nm^-1; the candidate's axis may be 2-theta or Q in another unit.
  const std::vector<double> q = convertAxis(axis, {AxisKind::Q, AxisUnit::InverseNanometre}).values;
  const std::size_t g = fit.grid.values.size();
  // Shifts on the log-Q grid: twice the strain bound (both phases may be strained).
  const double step = g > 1 ? std::log(fit.grid.values[1] / fit.grid.values[0]) : 0.0;
  const int shifts = step > 0 ? static_cast<int>(std::ceil(2 * std::log1p(settings.fit.fit.max_strain) / step)) : 0;
  const std::size_t kept = keptPhase(fit, references, q, keep, shifts, settings.twin_cosine);
  out.kept = fit.phases[kept].reference;
  out.kept_name = fit.phases[kept].name;

  const double background =
      settings.remove_background ? subtract(out.pattern, q, fit.grid.values, fit.background.data()) : 0.0;
  out.background_fraction = background / total;
  double removed = background;
  const float* kept_pattern = fit.contributions.data() + kept * g;
  out.kept_share = heldBy(out.pattern, q, fit.grid.values, kept_pattern) / total;
  for (std::size_t k = 0; k < fit.phases.size(); ++k) {
    if (k == kept) continue;
    const float* other = fit.contributions.data() + k * g;
    if (shiftedCosine(kept_pattern, other, g, shifts) >= settings.twin_cosine) {
      out.twins.push_back(
          {fit.phases[k].name, fit.phases[k].reference, heldBy(out.pattern, q, fit.grid.values, other) / total});
      continue;
    }
    const double taken = subtract(out.pattern, q, fit.grid.values, fit.contributions.data() + k * g);
    removed += taken;
    out.removed.push_back({fit.phases[k].name, fit.phases[k].reference, taken / total});
  }
  std::stable_sort(out.removed.begin(), out.removed.end(),
                   [](const RemovedPhase& a, const RemovedPhase& b) { return a.share > b.share; });
  out.removed_fraction = removed / total;
  return out;
}

std::string describeUnmixing(const UnmixingSettings& s, std::size_t reference_phases) {
  char text[256];
  std::snprintf(text, sizeof text,
                "%s with %zu reference phases (lattice within %.3g %%, up to %d phases; %s; near-twins "
                "above cosine %.2f kept)",
                RefinementRecord::kUnmixingDescription, reference_phases, 100 * s.fit.fit.max_strain, s.fit.max_phases,
                s.remove_background ? "background removed" : "background kept", s.twin_cosine);
  return text;
}

std::vector<RefinedPattern> unmixCandidates(const RefinableClassifier& classifier, const std::vector<float>& candidates,
                                            const ReferencePatterns& references, const UnmixingSettings& settings,
                                            int top_k, const std::vector<char>& allowed,
                                            const ProgressCallback& progress) {
  const std::size_t m = classifier.inputSize();
  const std::vector<double> q = classifier.inputQ();
  if (q.empty()) throw Error("library unmixing needs a diffraction-pattern classifier");
  if (candidates.empty() || candidates.size() % m != 0)
    throw Error("candidates do not match the classifier's input of " + std::to_string(m) + " values");
  if (references.axis.values.size() != m) throw Error("the reference phases are not rendered on the classifier's grid");
  const Axis grid{{AxisKind::Q, AxisUnit::InverseNanometre}, q, std::nullopt};
  const std::size_t count = candidates.size() / m;
  const std::vector<Prediction> before =
      classifier.predict(candidates, top_k, RefinableClassifier::Temperature::PerInput, allowed);
  const std::vector<std::string>& classes = classifier.classNames();
  std::vector<RefinedPattern> out(count);
  std::vector<float> all_unmixed;
  all_unmixed.reserve(candidates.size());
  for (std::size_t i = 0; i < count; ++i) {
    reportProgress(progress, static_cast<double>(i) / static_cast<double>(count), "unmixing candidates");
    const float* x = candidates.data() + i * m;
    // The classifier's first guess, as a reference phase of the same name.
    const std::string& guess = classes[static_cast<std::size_t>(before[i].top.front())];
    const auto named = std::find(references.names.begin(), references.names.end(), guess);
    const int keep = named == references.names.end() ? -1 : static_cast<int>(named - references.names.begin());
    const UnmixedCandidate u = unmixCandidate(grid, x, references, settings, keep);
    RefinedPattern& r = out[i];
    r.pattern = u.pattern;
    all_unmixed.insert(all_unmixed.end(), u.pattern.begin(), u.pattern.end());
    r.edit = u.edit();
    if (u.kept >= 0) {
      const auto it = std::find(classes.begin(), classes.end(), u.kept_name);
      r.edit.target = it == classes.end() ? -1 : static_cast<int>(it - classes.begin());
    }
    double change = 0, base = 0;
    for (std::size_t j = 0; j < m; ++j) change += std::abs(double(x[j]) - u.pattern[j]), base += std::abs(double(x[j]));
    r.relative_change = base > 0 ? change / base : 0.0;
  }
  const std::vector<Prediction> after =
      classifier.predict(all_unmixed, top_k, RefinableClassifier::Temperature::PerInput, allowed);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].before = before[i];
    out[i].after = after[i];
  }
  reportProgress(progress, 1.0, "unmixing candidates");
  return out;
}

}  // namespace phasewise::core
