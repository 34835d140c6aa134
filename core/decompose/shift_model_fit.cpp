// fitShiftModel's set-up, per-sample steps and outer loop (shift_model_fit.h has the state):
// the patterns blurred by each allowed broadening, the per-sample shift and subset search, and
// the loop that alternates them with connectivity (shift_model_connectivity.cpp) and the
// pattern updates (shift_model_updates.cpp).

#include "decompose/shift_model_fit.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <utility>

#include "decompose/shift_model_kernels.h"
#include "decompose/vector_clones.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::core {
namespace shift_fit {
using shift_kernels::dot;
using shift_kernels::GramSystem;
using shift_kernels::smooth;
using shift_kernels::subsetsUpTo;

ShiftModelFit::ShiftModelFit(const std::vector<float>& data, std::size_t samples, std::size_t points,
                             const ShiftModelOptions& options)
    : y(data), n(samples), m(points), o(options), k(options.phases), ku(static_cast<std::size_t>(options.phases)) {
  if (k < 1 || k > 24) throw Error("the shift-aware model handles 1 to 24 phases");
  if (y.size() != n * m) throw Error("shift model input has the wrong size");
  if (o.initial_w.size() != ku * m) throw Error("shift model needs starting patterns");
  if (o.gibbs && o.limits.size() != n) throw Error("shift model needs one phase limit per sample");
  r.w = o.initial_w;
  r.a.assign(n * ku, 0.0F);
  r.shift.assign(n * ku, 0.0F);
  r.c.assign(n, o.background ? 0.1F : 0.0F);
  // Background: the smoothed lower envelope of the data.
  r.g.assign(m, 0.0F);
  if (o.background) {
    for (std::size_t j = 0; j < m; ++j) {
      float low = y[j];
      for (std::size_t s = 0; s < n; ++s) low = std::min(low, y[s * m + j]);
      r.g[j] = low + 1e-3F;
    }
    smooth(r.g, std::max(2.0, static_cast<double>(m) / 40.0));
    const float top = *std::max_element(r.g.begin(), r.g.end());
    for (float& v : r.g) v /= top;
  }
  normalisePatterns();
  for (double w : o.widths)
    if (w > 0) sigmas.push_back(w);
  nv = sigmas.size();
  variant.assign(n * ku, 0);
  blurred.resize(ku * nv * m);
  blurred_norm.resize(ku * nv);
  refreshBlurred();
  neighbours.resize(n);
  for (const auto& [u, v] : o.edges) {
    neighbours[static_cast<std::size_t>(u)].push_back(static_cast<int>(v));
    neighbours[static_cast<std::size_t>(v)].push_back(static_cast<int>(u));
  }
  allowed.assign(n * ku, 1);
  const int max_limit = o.gibbs ? *std::max_element(o.limits.begin(), o.limits.end()) : k;
  subsets.resize(static_cast<std::size_t>(std::min(k, std::max(1, max_limit))) + 1);
  for (int l = 1; l < static_cast<int>(subsets.size()); ++l) subsets[static_cast<std::size_t>(l)] = subsetsUpTo(k, l);
  window = o.max_shift;
  model.resize(n * m);
}

void ShiftModelFit::normalisePatterns() {
  for (int p = 0; p < k; ++p) {
    float* w = &r.w[static_cast<std::size_t>(p) * m];
    const float top = *std::max_element(w, w + m);
    if (top <= 0) continue;
    for (std::size_t j = 0; j < m; ++j) w[j] /= top;
    for (std::size_t s = 0; s < n; ++s) r.a[s * ku + static_cast<std::size_t>(p)] *= top;
  }
}

// Each phase's broadened copies: independent, so spread over the threads (serial, they were a
// tenth of a library-guided fit with the other thread idle).
void ShiftModelFit::refreshBlurred() {
  parallelFor(
      ku * nv, o.threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
          const std::size_t p = i / nv, v = i % nv;
          broadenPattern(&r.w[p * m], m, sigmas[v], pattern(p, v));
          blurred_norm[i] = dot(pattern(p, v), pattern(p, v), m);
        }
      },
      Schedule::dynamic);
}

// |y - model|^2 of one sample as the state stands, `shifted` holding its k patterns under its
// shifts and broadenings (fitSample has them at hand).
double ShiftModelFit::sampleCost(std::size_t s, const float* shifted, float* row) const {
  std::copy(y.begin() + static_cast<std::ptrdiff_t>(s * m), y.begin() + static_cast<std::ptrdiff_t>((s + 1) * m), row);
  for (std::size_t j = 0; j < m; ++j) row[j] -= r.c[s] * r.g[j];
  for (std::size_t p = 0; p < ku; ++p) {
    const float a = r.a[s * ku + p];
    if (a <= 0) continue;
    for (std::size_t j = 0; j < m; ++j) row[j] -= a * shifted[p * m + j];
  }
  return static_cast<double>(dot(row, row, m));
}

// One sample's shifts (and, in the polish, broadenings), phase by phase against the residual
// of the others. search: 1 looks within a few bins of the current shift, 2 scans the whole
// range. `shifted` holds the k patterns as shifted now and is kept up to date.
PHASEWISE_VECTOR_CLONES void ShiftModelFit::searchShifts(std::size_t s, int search, float* shifted, float* residual,
                                                         float* full) {
  const float* ys = &y[s * m];
  // The full residual once; each phase's own contribution is added back in turn.
  for (std::size_t j = 0; j < m; ++j) {
    float v = ys[j] - r.c[s] * r.g[j];
    for (int q = 0; q < k; ++q) v -= r.a[s * ku + q] * shifted[q * m + j];
    full[j] = v;
  }
  std::vector<double> score(static_cast<std::size_t>(2 * window + 1));
  std::vector<double> best_scores;
  for (int p = 0; p < k; ++p) {
    if (!allowed[s * ku + static_cast<std::size_t>(p)]) continue;
    const float own = r.a[s * ku + p];
    for (std::size_t j = 0; j < m; ++j) residual[j] = full[j] + own * shifted[p * m + j];
    // For each broadening, the correlation at each integer shift: what a single column
    // explains, c|c| / |column|^2; the best positive one wins.
    const int current = static_cast<int>(std::lround(r.shift[s * ku + static_cast<std::size_t>(p)]));
    const int from = search == 2 ? -window : std::max(-window, current - 4);
    const int to = search == 2 ? window : std::min(window, current + 4);
    int best = from;
    std::size_t best_v = variant[s * ku + static_cast<std::size_t>(p)];
    double best_score = -1e300;
    for (std::size_t v = 0; v < (broaden ? nv : 1); ++v) {
      const double norm = blurred_norm[static_cast<std::size_t>(p) * nv + v];
      if (!(norm > 0)) continue;
      const float* w = pattern(static_cast<std::size_t>(p), v);
      std::fill(score.begin(), score.end(), -1e300);
      bool better = false;
      for (int d = from; d <= to; ++d) {
        const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, d),
                             hi = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(m),
                                                           static_cast<std::ptrdiff_t>(m) + d);
        const double c = hi > lo ? dot(residual + lo, w + (lo - d), static_cast<std::size_t>(hi - lo)) : 0.0;
        const double value = (c > 0 ? c * c : -c * c) / norm;
        score[static_cast<std::size_t>(d + window)] = value;
        if (value > best_score) {
          best_score = value;
          best = d;
          better = true;
        }
      }
      if (better) {
        best_v = v;
        best_scores = score;
      }
    }
    if (best_scores.empty()) continue;
    double refined = best;
    if (best > from && best < to) {
      const double a = best_scores[static_cast<std::size_t>(best + window - 1)],
                   b = best_scores[static_cast<std::size_t>(best + window)],
                   c = best_scores[static_cast<std::size_t>(best + window + 1)];
      const double denom = a - 2 * b + c;
      if (denom < 0) refined = best + std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
    }
    best_scores.clear();
    r.shift[s * ku + static_cast<std::size_t>(p)] = static_cast<float>(refined);
    variant[s * ku + static_cast<std::size_t>(p)] = static_cast<unsigned char>(best_v);
    shiftPattern(pattern(static_cast<std::size_t>(p), best_v), m, refined, shifted + p * m);
    for (std::size_t j = 0; j < m; ++j) full[j] = residual[j] - own * shifted[p * m + j];
  }
}

// The normal equations of sample s against its k shifted patterns (and the background).
PHASEWISE_VECTOR_CLONES shift_kernels::GramSystem ShiftModelFit::gramSystem(std::size_t s, const float* shifted) const {
  const float* ys = &y[s * m];
  GramSystem system;
  system.background = o.background;
  system.k = k;
  const int cols = system.cols = k + (o.background ? 1 : 0);
  std::vector<const float*> column(static_cast<std::size_t>(cols));
  for (int p = 0; p < k; ++p) column[static_cast<std::size_t>(p)] = shifted + p * m;
  if (o.background) column[static_cast<std::size_t>(k)] = r.g.data();
  std::vector<double>& gram = system.gram;
  gram.resize(static_cast<std::size_t>(cols * cols));
  system.rhs.resize(static_cast<std::size_t>(cols));
  for (int i = 0; i < cols; ++i) {
    system.rhs[static_cast<std::size_t>(i)] = dot(column[static_cast<std::size_t>(i)], ys, m);
    for (int j = 0; j <= i; ++j)
      gram[static_cast<std::size_t>(i * cols + j)] = gram[static_cast<std::size_t>(j * cols + i)] =
          dot(column[static_cast<std::size_t>(i)], column[static_cast<std::size_t>(j)], m);
  }
  system.yy = dot(ys, ys, m);
  return system;
}

// The phases a subset of sample s may draw from. With many phases, only the strongest of the
// unconstrained fit over `all` (coefficients `coef`; the limit plus three) and the phases the
// sample holds now, so that the subset kept is never worse than the current one (the polish
// relies on each step lowering the loss); with few, every phase (enumeration is exhaustive).
std::vector<char> ShiftModelFit::subsetCandidates(std::size_t s, const GramSystem& system, const std::vector<int>& all,
                                                  const std::vector<double>& coef, int limit) const {
  std::vector<char> candidate(ku, 1);
  if (k <= 8) return candidate;
  std::vector<std::pair<double, int>> strength;
  for (std::size_t i = 0; i < all.size(); ++i)
    strength.emplace_back(coef[i] * std::sqrt(system.gram[static_cast<std::size_t>(all[i] * system.cols + all[i])]),
                          all[i]);
  std::sort(strength.rbegin(), strength.rend());
  std::fill(candidate.begin(), candidate.end(), 0);
  for (std::size_t i = 0; i < strength.size() && i < static_cast<std::size_t>(limit + 3); ++i)
    candidate[static_cast<std::size_t>(strength[i].second)] = 1;
  for (int p = 0; p < k; ++p)
    if (r.a[s * ku + static_cast<std::size_t>(p)] > 0) candidate[static_cast<std::size_t>(p)] = 1;
  return candidate;
}

// The best subset of the sample's phases under its Gibbs limit (each extra phase costs
// subset_penalty of |y|^2) and their activations, with the background's.
void ShiftModelFit::chooseActivations(std::size_t s, const float* shifted) {
  GramSystem system = gramSystem(s, shifted);
  const double yy = system.yy;
  std::vector<int> best_set;
  std::vector<double> best_coef;
  double best_cost = 1e300;
  const int limit = o.gibbs ? std::max(1, std::min(k, o.limits[s])) : k;
  std::vector<int> all;  // the phases connectivity allows here
  for (int p = 0; p < k; ++p)
    if (allowed[s * ku + static_cast<std::size_t>(p)]) all.push_back(p);
  if (!o.gibbs || limit >= k) {
    system.solve(all, best_coef);
    best_set = all;
  } else {
    // No subset fits better than all the allowed phases together (the non-negative fit on more
    // columns), so a subset whose phase count alone would lift that floor above the best cost
    // found so far cannot win, and is not solved; the smaller subsets come first, so the best
    // cost is low early. The margin is far above how much the proven floor can exceed the true
    // least (provenLeastResidual) and the rounding of either residual, and far below the
    // penalty of a phase (2e-3 |y|^2): the subset kept is the exhaustive search's (save for
    // exact ties of cost, which the order decides).
    std::vector<double> coef;
    const std::optional<double> least = system.provenLeastResidual(all, coef);
    const double floor = least ? *least - 1e-7 * yy : -1e300;
    const std::vector<char> candidate = subsetCandidates(s, system, all, coef, limit);
    bool searched = false;
    for (const auto& set : subsets[static_cast<std::size_t>(limit)]) {
      bool ok = true;
      for (int p : set)
        ok = ok && allowed[s * ku + static_cast<std::size_t>(p)] && candidate[static_cast<std::size_t>(p)];
      if (!ok) continue;
      searched = true;
      if (floor + o.subset_penalty * yy * static_cast<double>(set.size()) > best_cost) continue;
      // A subset whose fit zeroes one of its phases loses to the subset without it (searched
      // too: the subsets are closed under removal), so only its rivals are scored.
      const std::optional<double> residual = system.solveIfEveryPhaseHolds(set, coef);
      if (!residual) continue;
      const double cost = *residual + o.subset_penalty * yy * static_cast<double>(set.size());
      if (cost < best_cost) {
        best_cost = cost;
        best_set = set;
        best_coef = coef;
      }
    }
    // Every subset zeroed a phase: the sample holds none, and keeps its background's fit.
    if (searched && best_set.empty()) system.solve({}, best_coef);
  }
  for (int p = 0; p < k; ++p) r.a[s * ku + static_cast<std::size_t>(p)] = 0.0F;
  for (std::size_t i = 0; i < best_set.size(); ++i)
    r.a[s * ku + static_cast<std::size_t>(best_set[i])] = static_cast<float>(best_coef[i]);
  if (o.background) r.c[s] = static_cast<float>(best_coef.empty() ? 0.0 : best_coef.back());
}

// One sample: shifts (search 0 keeps them), then the best subset's activations. With the guard
// (polish), the new state is kept only if it lowers the sample's residual.
void ShiftModelFit::fitSample(std::size_t s, int search, std::vector<float>& scratch) {
  // Shifted patterns (k), one residual, the full residual, a cost row: each written before read.
  scratch.resize((ku + 3) * m);
  float* shifted = scratch.data();            // k patterns
  float* residual = scratch.data() + ku * m;  // one
  float* row = scratch.data() + (ku + 2) * m;
  // The phases' patterns under the state's (float) shifts and broadenings.
  auto shiftFromState = [&](bool present_only) {
    for (int p = 0; p < k; ++p)
      if (!present_only || r.a[s * ku + static_cast<std::size_t>(p)] > 0)
        shiftPattern(pattern(static_cast<std::size_t>(p), variant[s * ku + static_cast<std::size_t>(p)]), m,
                     r.shift[s * ku + p], shifted + p * m);
  };
  shiftFromState(false);
  const bool guarded = guard && search;
  const auto first = static_cast<std::ptrdiff_t>(s * ku), last = static_cast<std::ptrdiff_t>((s + 1) * ku);
  std::vector<float> a, shift;
  std::vector<unsigned char> var;
  float c = 0;
  double before = 0;
  if (guarded) {
    a.assign(r.a.begin() + first, r.a.begin() + last);
    shift.assign(r.shift.begin() + first, r.shift.begin() + last);
    var.assign(variant.begin() + first, variant.begin() + last);
    c = r.c[s];
    before = sampleCost(s, shifted, row);
  }
  if (search) searchShifts(s, search, shifted, residual, scratch.data() + (ku + 1) * m);
  chooseActivations(s, shifted);
  if (!guarded) return;
  // The search moved `shifted` by its unrounded shifts; the state keeps them as floats, and the
  // cost is the state's.
  shiftFromState(true);
  if (sampleCost(s, shifted, row) <= before) return;
  std::copy(a.begin(), a.end(), r.a.begin() + first);
  std::copy(shift.begin(), shift.end(), r.shift.begin() + first);
  std::copy(var.begin(), var.end(), variant.begin() + first);
  r.c[s] = c;
}

void ShiftModelFit::fitAllSamples(int search) {
  parallelFor(
      n, std::max(1U, o.threads),
      [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<float> scratch;
        for (std::size_t s = begin; s < end; ++s) fitSample(s, search, scratch);
      },
      Schedule::dynamic);
}

ShiftModelResult ShiftModelFit::run(const ProgressCallback& progress) {
  // Two stages. Exploration (the first `explore_iterations`): whole-range shift scans every
  // tenth iteration, local searches every third, and in between the pattern updates run under
  // shifts that connectivity has pulled towards the neighbours'; that is not a descent step (the
  // loss rises and falls with a period of three) but it keeps patterns and shifts from locking
  // each other into a poor minimum. Polish: a local shift search every iteration and no shift
  // smoothing, so that each step lowers the loss (the subset search keeps the current phases as
  // candidates, re-centring moves whole bins), until its relative change falls below the
  // tolerance, or the cap.
  const int explore = std::min(o.iterations, std::max(1, o.explore_iterations));
  const int prune_from = std::max(1, 2 * explore / 3);
  double previous = 1e300;
  r.converged = false;
  for (int it = 1; it <= o.iterations; ++it) {
    const bool polishing = it > explore;
    const int search = polishing ? 1 : ((it <= 3 || it % 10 == 0) ? 2 : (it % 3 == 0 ? 1 : 0));
    refreshBlurred();  // the patterns changed (updates, re-centring) since the last refresh
    broaden = polishing;
    guard = polishing;
    fitAllSamples(search);
    enforceConnectivity(!polishing, it > prune_from);
    for (int inner = 0; inner < o.pattern_updates; ++inner) updatePatterns();
    if (it % 5 == 0) recentre();
    // The loss of the model as it stood before the last pattern update: good enough to watch
    // convergence, and it saves a full pass.
    double loss = 0;
    for (std::size_t i = 0; i < model.size(); ++i) loss += (double(y[i]) - model[i]) * (double(y[i]) - model[i]);
    r.loss.push_back(loss);
    r.iterations = it;
    reportProgress(progress, static_cast<double>(it) / o.iterations, "shift-aware decomposition");
    if (polishing && previous < 1e300) r.last_change = std::abs(previous - loss) / std::max(previous, kEps);
    if (polishing && previous < 1e300 && r.last_change <= o.tolerance) {
      r.converged = true;
      break;
    }
    previous = loss;
  }
  // Final activations for the final patterns and shifts.
  refreshBlurred();
  fitAllSamples(0);
  r.width.resize(n * ku);
  for (std::size_t i = 0; i < n * ku; ++i) r.width[i] = static_cast<float>(sigmas[variant[i]]);
  return std::move(r);  // the fit is used once
}

}  // namespace shift_fit

ShiftModelResult fitShiftModel(const std::vector<float>& y, std::size_t n, std::size_t m, const ShiftModelOptions& o,
                               const ProgressCallback& progress) {
  return shift_fit::ShiftModelFit(y, n, m, o).run(progress);
}

}  // namespace phasewise::core
