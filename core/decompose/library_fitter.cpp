// The library-guided fit of one sample (LibraryFitter, library_fit.h): references on the
// log-Q grid, best shift and width per candidate, greedy selection with NNLS, support and
// confidence of each phase found.
#include "decompose/library_fit.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "decompose/nnls.h"
#include "decompose/shift_model.h"
#include "decompose/shift_model_kernels.h"
#include "decompose/vector_clones.h"
#include "model/bernstein.h"
#include "model/peaks.h"
#include "model/resample.h"
#include "util/error.h"

namespace phasewise::core {
namespace {

// The shift-aware fit's dot product: a fixed number of lanes, so the sums are the same on
// every processor (vector_clones.h).
using shift_kernels::dot;

// sum_j r[j] w[j - d]: the pattern moved by d bins against the residual.
float shiftedDot(const float* r, const float* w, std::size_t m, int d) {
  if (d >= 0) return dot(r + d, w, m - static_cast<std::size_t>(d));
  return dot(r, w - d, m - static_cast<std::size_t>(-d));
}

// The noise of a pattern, from second differences (a peak's smooth flank has almost none, so
// the median sees the noise even in a pattern dense with peaks): a robust standard deviation.
// The differences span two grid steps: the log-Q grid interpolates the scan's points, which ties
// neighbours' noise together, and over one step the estimate fell short (pure noise then showed peaks).
double noiseOf(const float* y, std::size_t m) {
  constexpr std::size_t lag = 2;
  if (m < 2 * lag + 1) return 0.0;
  std::vector<float> curvature(m - 2 * lag);
  for (std::size_t j = lag; j + lag < m; ++j) curvature[j - lag] = std::abs(y[j + lag] - 2 * y[j] + y[j - lag]);
  const auto middle = curvature.begin() + static_cast<std::ptrdiff_t>(curvature.size() / 2);
  std::nth_element(curvature.begin(), middle, curvature.end());
  return 1.4826 * *middle / std::sqrt(6.0);
}

}  // namespace

LibraryFitter::LibraryFitter(const ReferencePatterns& references, const Axis& log_q, const LibraryFitSettings& s)
    : settings_(s), phases_(references.phases()), variants_(references.variants()), points_(log_q.values.size()) {
  if (phases_ == 0 || variants_ == 0) throw Error("the library-guided fit needs reference phases");
  if (references.patterns.size() != phases_ * variants_ * references.axis.values.size())
    throw Error("the reference patterns do not match their axis");
  if (points_ < 16 || log_q.spec.kind != AxisKind::Q || !(log_q.values.front() > 0))
    throw Error("the library-guided fit works on a log-Q grid");
  if (!(s.max_strain >= 0 && s.max_strain <= 0.3)) throw Error("the strain range must be in [0, 0.3]");
  if (!(s.min_gain >= 0 && s.min_gain <= 1)) throw Error("the minimum gain must be in [0, 1]");
  if (s.step_candidates < 1 || s.step_candidates > 1000) throw Error("try 1 to 1000 candidates per step");
  if (!(s.min_support >= 0 && s.min_support <= 1)) throw Error("the minimum support must be in [0, 1]");
  if (!(s.max_chance > 0 && s.max_chance <= 1)) throw Error("the largest chance must be in (0, 1]");
  if (s.background_terms < 0 || s.background_terms > 8) throw Error("the background takes 0 to 8 terms");
  log_bin_width_ = std::log(log_q.values.back() / log_q.values.front()) / static_cast<double>(points_ - 1);
  max_shift_ = static_cast<int>(std::ceil(std::log(1.0 + s.max_strain) / log_bin_width_));
  max_shift_ = std::min<int>(max_shift_, static_cast<int>(points_ / 4));
  // The references onto the grid (in the grid's unit), each variant scaled to a maximum of 1.
  const std::vector<double> at = convertAxis(references.axis, log_q.spec).values;
  std::vector<double> x = at;
  const bool reversed = x.size() > 1 && x.front() > x.back();
  if (reversed) std::reverse(x.begin(), x.end());
  patterns_.assign(phases_ * variants_ * points_, 0.0F);
  norms_.assign(phases_ * variants_, 0.0);
  std::vector<float> source(x.size());
  for (std::size_t p = 0; p < phases_; ++p)
    for (std::size_t v = 0; v < variants_; ++v) {
      const float* ref = references.pattern(p, v);
      std::copy(ref, ref + x.size(), source.begin());
      if (reversed) std::reverse(source.begin(), source.end());
      const std::vector<float> on = interpolateOrZero(x, source.data(), log_q.values);
      const float top = on.empty() ? 0.0F : *std::max_element(on.begin(), on.end());
      float* out = patterns_.data() + (p * variants_ + v) * points_;
      for (std::size_t j = 0; j < points_; ++j) out[j] = top > 0 ? on[j] / top : 0.0F;
      norms_[p * variants_ + v] = std::sqrt(static_cast<double>(dot(out, out, points_)));
    }
  basis_ = bernsteinBasis(s.background_terms, points_);
}

const float* LibraryFitter::pattern(int phase, int variant) const {
  return patterns_.data() + (static_cast<std::size_t>(phase) * variants_ + static_cast<std::size_t>(variant)) * points_;
}

PHASEWISE_VECTOR_CLONES LibraryFitter::Scored LibraryFitter::bestShiftOf(const float* r, int phase,
                                                                         std::size_t variant) const {
  Scored best;
  best.score = -1e300;
  best.variant = static_cast<int>(variant);
  const double norm = norms_[static_cast<std::size_t>(phase) * variants_ + variant];
  if (!(norm > 0)) return best;
  const float* w = pattern(phase, static_cast<int>(variant));
  std::vector<double> c(static_cast<std::size_t>(2 * max_shift_ + 1));
  for (int d = -max_shift_; d <= max_shift_; ++d)
    c[static_cast<std::size_t>(d + max_shift_)] = shiftedDot(r, w, points_, d) / norm;
  const auto at = static_cast<std::size_t>(std::max_element(c.begin(), c.end()) - c.begin());
  best.score = c[at];
  best.shift = static_cast<double>(at) - max_shift_;
  // Parabolic sub-bin refinement around an interior maximum: the lattice scale is continuous.
  if (at > 0 && at + 1 < c.size()) {
    const double curvature = c[at - 1] - 2 * c[at] + c[at + 1];
    if (curvature < 0) best.shift += std::clamp(0.5 * (c[at - 1] - c[at + 1]) / curvature, -0.5, 0.5);
  }
  return best;
}

LibraryFitter::Scored LibraryFitter::bestShift(const float* r, int phase) const {
  Scored best;
  best.score = -1e300;
  for (std::size_t v = 0; v < variants_; ++v) {
    const Scored s = bestShiftOf(r, phase, v);
    if (s.score > best.score) best = s;
  }
  return best;
}

bool LibraryFitter::admissible(const float* y, const SampleFit& fit, std::size_t which) const {
  if (settings_.min_support > 0 && supportOf(y, fit, which) < settings_.min_support) return false;
  return !(settings_.max_chance < 1 && chanceOf(y, fit, which) > settings_.max_chance);
}

std::optional<std::pair<SampleFit, double>> LibraryFitter::withCandidate(const float* y, const float* r,
                                                                         const SampleFit& fit,
                                                                         const PhaseInSample& phase) const {
  // The width that correlates best with what is left, at its best shift; with
  // width_by_residual every width at its own best shift, and the one that lowers the residual
  // most is kept. Correlation alone favours a broad variant wherever a missing phase's peaks
  // sit near the candidate's (the broad pattern overlaps both). Only the placement kept is put
  // to the support and chance tests: their thresholds hold for one placement per candidate,
  // and keeping the best of several that pass the tests (tried: dara mixtures) let look-alikes
  // through (0 -> 7-8 false phases).
  std::optional<std::pair<SampleFit, double>> best;
  for (std::size_t v = 0; v < variants_; ++v) {
    PhaseInSample placed = phase;
    if (static_cast<int>(v) != phase.variant) {
      if (!settings_.width_by_residual) continue;
      const Scored s = bestShiftOf(r, phase.phase, v);
      if (!(s.score > 0)) continue;
      placed = PhaseInSample{phase.phase, static_cast<int>(v), s.shift, 0.0, 0.0};
    }
    SampleFit trial = fit;
    trial.phases.push_back(placed);
    const double after = solve(y, trial);
    if (!best || after < best->second) best.emplace(std::move(trial), after);
  }
  if (best && !admissible(y, best->first, best->first.phases.size() - 1)) best.reset();
  return best;
}

std::vector<double> LibraryFitter::envelopeOf(const float* y, double noise_level) const {
  const auto noise = static_cast<float>(noise_level);
  const auto b = static_cast<std::size_t>(settings_.background_terms);
  std::vector<double> g(b * b), c(b), a;
  for (std::size_t i = 0; i < b; ++i)
    for (std::size_t j = i; j < b; ++j)
      g[i * b + j] = g[j * b + i] = dot(basis_.data() + i * points_, basis_.data() + j * points_, points_);
  std::vector<float> z(y, y + points_), level(points_);
  for (int round = 0; round < 500 && b > 0; ++round) {
    for (std::size_t i = 0; i < b; ++i) c[i] = dot(basis_.data() + i * points_, z.data(), points_);
    nnlsGram(g.data(), c.data(), static_cast<int>(b), a);
    std::fill(level.begin(), level.end(), 0.0F);
    for (std::size_t i = 0; i < b; ++i)
      for (std::size_t j = 0; j < points_; ++j) level[j] += static_cast<float>(a[i]) * basis_[i * points_ + j];
    bool settled = true;
    for (std::size_t j = 0; j < points_; ++j)
      if (level[j] + noise < z[j]) {
        // Settled when no point is lowered by more than 1e-4 of the data's maximum (a
        // thousandth left a visible offset under noiseless peaks).
        settled = settled && z[j] - level[j] - noise < 1e-4F;
        z[j] = level[j] + noise;
      }
    if (settled) break;
  }
  return a;
}

double LibraryFitter::solve(const float* y, SampleFit& fit) const {
  // With the background held (envelope_background), only the phases, against what it leaves;
  // else the phases and the background terms together.
  const bool held = settings_.envelope_background;
  const std::size_t k = fit.phases.size(), b = held ? 0 : static_cast<std::size_t>(settings_.background_terms),
                    n = k + b;
  std::vector<float> target(y, y + points_);
  double norm = fit.norm;
  if (held) {
    std::vector<float> part(points_);
    background(fit, part.data());
    for (std::size_t j = 0; j < points_; ++j) target[j] -= part[j];
    norm = dot(target.data(), target.data(), points_);
  }
  std::vector<std::vector<float>> columns(n, std::vector<float>(points_));
  for (std::size_t i = 0; i < k; ++i)
    shiftPattern(pattern(fit.phases[i].phase, fit.phases[i].variant), points_, fit.phases[i].shift_bins,
                 columns[i].data());
  for (std::size_t i = 0; i < b; ++i) std::copy_n(basis_.data() + i * points_, points_, columns[k + i].data());
  std::vector<double> g(n * n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    c[i] = dot(columns[i].data(), target.data(), points_);
    for (std::size_t j = i; j < n; ++j)
      g[i * n + j] = g[j * n + i] = dot(columns[i].data(), columns[j].data(), points_);
  }
  const std::vector<double> a = n ? nnlsGram(g, c, static_cast<int>(n)) : std::vector<double>{};
  double residual = norm;
  for (std::size_t i = 0; i < n; ++i) {
    residual -= 2 * a[i] * c[i];
    for (std::size_t j = 0; j < n; ++j) residual += a[i] * g[i * n + j] * a[j];
  }
  for (std::size_t i = 0; i < k; ++i) fit.phases[i].activation = a[i];
  if (!held) fit.background.assign(a.begin() + static_cast<std::ptrdiff_t>(k), a.end());
  fit.residual = std::max(0.0, residual);
  return fit.residual;
}

std::vector<float> LibraryFitter::heldPart(const float* y, const SampleFit& fit, std::size_t which,
                                           std::vector<float>& own) const {
  std::vector<float> r = unexplained(y, fit, which);
  own.resize(points_);
  contribution(fit.phases[which], own.data());
  const auto noise = static_cast<float>(fit.noise);
  for (std::size_t j = 0; j < points_; ++j) r[j] = std::min(own[j], std::max(0.0F, r[j] + noise));
  return r;
}

double LibraryFitter::confidenceOf(const float* y, const SampleFit& fit, std::size_t which,
                                   const std::vector<int>& rivals) const {
  // Rivals are scored on the part the phase explains alone, so that intensity nobody explains
  // (a phase the library lacks) does not lend a rival a score.
  std::vector<float> own;
  const std::vector<float> r = heldPart(y, fit, which, own);
  const int phase = fit.phases[which].phase;
  const double mine = std::max(0.0, bestShift(r.data(), phase).score);
  if (!(mine > 0)) return 0.0;
  double other = 0;
  for (int p : rivals) {
    const bool chosen =
        std::any_of(fit.phases.begin(), fit.phases.end(), [&](const PhaseInSample& q) { return q.phase == p; });
    if (!chosen) other = std::max(other, bestShift(r.data(), p).score);
  }
  return std::clamp((mine - other) / mine, 0.0, 1.0);
}

double LibraryFitter::supportOf(const float* y, const SampleFit& fit, std::size_t which) const {
  std::vector<float> own;
  const std::vector<float> held = heldPart(y, fit, which, own);
  double under = 0, total = 0;
  for (std::size_t j = 0; j < points_; ++j) {
    under += held[j];
    total += own[j];
  }
  return total > 0 ? under / total : 0.0;
}

double LibraryFitter::chanceOf(const float* y, const SampleFit& fit, std::size_t which) const {
  std::vector<float> own;
  const std::vector<float> held = heldPart(y, fit, which, own);
  std::vector<float> left = unexplained(y, fit, which);
  const float top = *std::max_element(own.begin(), own.end());
  if (!(top > 0)) return 1.0;
  const PeakSegmentation peaks = segmentPeaks(own.data(), points_, 0.02);
  struct Peak {
    float height;
    bool held;
  };
  std::vector<Peak> list;
  std::vector<double> fitted(peaks.maxima.size(), 0.0), kept(peaks.maxima.size(), 0.0);
  for (std::size_t j = 0; j < points_; ++j) {
    const auto p = static_cast<std::size_t>(peaks.segment[j]);
    if (p >= fitted.size()) continue;
    fitted[p] += own[j];
    kept[p] += held[j];
  }
  for (std::size_t p = 0; p < peaks.maxima.size(); ++p)
    if (own[peaks.maxima[p]] >= 0.03F * top)
      list.push_back({own[peaks.maxima[p]], fitted[p] > 0 && kept[p] >= 0.5 * fitted[p]});
  if (list.size() < 2) return 1.0;
  std::sort(list.begin(), list.end(), [](const Peak& a, const Peak& b) { return a.height > b.height; });
  std::sort(left.begin(), left.end());
  // prob[k]: the chance that k of the peaks so far are held.
  std::vector<double> prob{1.0};
  std::size_t held_count = 0;
  for (std::size_t i = 1; i < list.size(); ++i) {
    // Held by chance where what is left comes within the noise of half the peak (heldPart).
    const auto reach =
        std::lower_bound(left.begin(), left.end(), 0.5F * list[i].height - static_cast<float>(fit.noise));
    const double f = static_cast<double>(left.end() - reach) / static_cast<double>(points_);
    std::vector<double> next(prob.size() + 1, 0.0);
    for (std::size_t k = 0; k < prob.size(); ++k) {
      next[k] += prob[k] * (1 - f);
      next[k + 1] += prob[k] * f;
    }
    prob = std::move(next);
    held_count += list[i].held;
  }
  double tail = 0;
  for (std::size_t k = held_count; k < prob.size(); ++k) tail += prob[k];
  return std::min(1.0, tail);
}

std::vector<float> LibraryFitter::unexplained(const float* y, const SampleFit& fit, std::size_t skip) const {
  std::vector<float> r(y, y + points_), part(points_);
  for (std::size_t i = 0; i < fit.phases.size(); ++i) {
    if (i == skip) continue;
    contribution(fit.phases[i], part.data());
    for (std::size_t j = 0; j < points_; ++j) r[j] -= part[j];
  }
  background(fit, part.data());
  for (std::size_t j = 0; j < points_; ++j) r[j] -= part[j];
  return r;
}

double LibraryFitter::residualWith(const float* y, const SampleFit& fit, std::size_t which, int phase) const {
  const std::vector<float> r = unexplained(y, fit, which);
  const Scored s = bestShift(r.data(), phase);
  SampleFit swapped = fit;
  swapped.phases[which] = {phase, s.variant, s.shift, 0.0, 0.0};
  return solve(y, swapped);
}

double LibraryFitter::similarity(int a, int b) const {
  const auto v = static_cast<int>(variants_ / 2);
  const double na = norms_[static_cast<std::size_t>(a) * variants_ + static_cast<std::size_t>(v)],
               nb = norms_[static_cast<std::size_t>(b) * variants_ + static_cast<std::size_t>(v)];
  if (!(na > 0) || !(nb > 0)) return 0.0;
  double best = 0;
  for (int d = -max_shift_; d <= max_shift_; ++d)
    best = std::max(best, static_cast<double>(shiftedDot(pattern(a, v), pattern(b, v), points_, d)));
  return best / (na * nb);
}

double LibraryFitter::cosineTo(const float* w, int phase) const {
  const double norm = std::sqrt(static_cast<double>(dot(w, w, points_)));
  return norm > 0 ? std::max(0.0, bestShift(w, phase).score) / norm : 0.0;
}

std::vector<double> LibraryFitter::screen(const float* y) const {
  std::vector<double> scores(phases_);
  for (std::size_t p = 0; p < phases_; ++p) scores[p] = bestShift(y, static_cast<int>(p)).score;
  return scores;
}

SampleFit LibraryFitter::fit(const float* y, int limit, const std::vector<double>& bonus,
                             const std::vector<char>& allowed, const std::vector<double>* screening) const {
  SampleFit fit;
  fit.norm = dot(y, y, points_);
  if (!(fit.norm > 0) || limit < 1) return fit;
  // Screening: the candidates that correlate best with the sample itself (and any the
  // neighbours favour) are the only ones tried against the residual.
  std::vector<float> r(y, y + points_);
  std::vector<std::pair<double, std::size_t>> screened;
  for (std::size_t p = 0; p < phases_; ++p)
    if (allowed.empty() || allowed[p])
      screened.emplace_back(screening ? (*screening)[p] : bestShift(y, static_cast<int>(p)).score, p);
  std::sort(screened.rbegin(), screened.rend());
  const std::size_t keep =
      settings_.screened == 0
          ? screened.size()
          : std::min(screened.size(), std::max<std::size_t>(settings_.screened, 4 * static_cast<std::size_t>(limit)));
  std::vector<int> tried;
  for (std::size_t i = 0; i < screened.size(); ++i)
    if (i < keep || (!bonus.empty() && bonus[screened[i].second] > 0))
      tried.push_back(static_cast<int>(screened[i].second));
  if (settings_.envelope_background) {
    // Points up to the noise above the envelope are background, not clipped: the envelope
    // follows the middle of the noise rather than its lowest dips.
    fit.noise = noiseOf(y, points_);
    fit.background = envelopeOf(y, fit.noise);
  }
  double residual = solve(y, fit);  // the background alone
  const double needed = settings_.min_gain * fit.norm;
  const auto per_step = static_cast<std::size_t>(std::max(1, settings_.step_candidates));
  while (static_cast<int>(fit.phases.size()) < limit) {
    // What is still unexplained, then the candidates that correlate best with it; of the
    // first `per_step` of them, the one that lowers the residual most.
    r = unexplained(y, fit, fit.phases.size());
    std::vector<std::pair<double, PhaseInSample>> ranked;
    for (int p : tried) {
      if (std::any_of(fit.phases.begin(), fit.phases.end(), [&](const PhaseInSample& q) { return q.phase == p; }))
        continue;
      const Scored s = bestShift(r.data(), p);
      const double score = s.score * (1.0 + (bonus.empty() ? 0.0 : bonus[static_cast<std::size_t>(p)]));
      if (score > 0) ranked.emplace_back(score, PhaseInSample{p, s.variant, s.shift, 0.0, 0.0});
    }
    if (ranked.empty()) break;
    const std::size_t look = std::min(per_step, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(look), ranked.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::optional<SampleFit> best;
    double best_after = residual;
    for (std::size_t c = 0; c < look; ++c) {
      std::optional<std::pair<SampleFit, double>> trial = withCandidate(y, r.data(), fit, ranked[c].second);
      if (trial && trial->second < best_after) {
        best_after = trial->second;
        best = std::move(trial->first);
      }
    }
    if (!best || residual - best_after < needed) break;
    fit = std::move(*best);
    residual = best_after;
  }
  // A phase that no longer pays for itself once the others are in is dropped.
  for (bool dropped = true; dropped && !fit.phases.empty();) {
    dropped = false;
    for (std::size_t i = 0; i < fit.phases.size(); ++i) {
      SampleFit without = fit;
      without.phases.erase(without.phases.begin() + static_cast<std::ptrdiff_t>(i));
      const double r_without = solve(y, without);
      if (r_without - residual < needed || fit.phases[i].activation <= 0 ||
          (settings_.min_support > 0 && supportOf(y, fit, i) < settings_.min_support) ||
          (settings_.max_chance < 1 && chanceOf(y, fit, i) > settings_.max_chance)) {
        fit = std::move(without);
        residual = r_without;
        dropped = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < fit.phases.size(); ++i) {
    fit.phases[i].confidence = confidenceOf(y, fit, i, tried);
    fit.phases[i].support = supportOf(y, fit, i);
    // Measured where a single pattern is fitted (the spreads' many samples do without).
    if (settings_.envelope_background || settings_.max_chance < 1) fit.phases[i].chance = chanceOf(y, fit, i);
  }
  return fit;
}

void LibraryFitter::contribution(const PhaseInSample& p, float* out) const {
  shiftPattern(pattern(p.phase, p.variant), points_, p.shift_bins, out);
  for (std::size_t j = 0; j < points_; ++j) out[j] = static_cast<float>(out[j] * p.activation);
}

void LibraryFitter::background(const SampleFit& fit, float* out) const {
  std::fill(out, out + points_, 0.0F);
  for (std::size_t t = 0; t < fit.background.size(); ++t)
    for (std::size_t j = 0; j < points_; ++j) out[j] += static_cast<float>(fit.background[t]) * basis_[t * points_ + j];
}

}  // namespace phasewise::core
