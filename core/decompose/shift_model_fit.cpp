// fitShiftModel's state and steps (shift_model.h has the model and the options): the
// patterns blurred by each allowed broadening, the per-sample shift and subset search, the
// connectivity rules, the multiplicative pattern updates and the outer loop. The names are
// the model's own: y the data (n samples x m points), k phases, r the result being fitted.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <utility>

#include "decompose/shift_model.h"
#include "decompose/shift_model_kernels.h"
#include "decompose/vector_clones.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::core {
namespace {
using shift_kernels::dot;
using shift_kernels::GramSystem;
using shift_kernels::shiftTransposeAdd2;
using shift_kernels::smooth;
using shift_kernels::subsetsUpTo;

constexpr double kEps = 1e-12;

class ShiftModelFit {
 public:
  ShiftModelFit(const std::vector<float>& data, std::size_t samples, std::size_t points,
                const ShiftModelOptions& options);
  ShiftModelResult run(const ProgressCallback& progress);

 private:
  float* pattern(std::size_t p, std::size_t v) { return &blurred[(p * nv + v) * m]; }
  void normalisePatterns();
  void refreshBlurred();
  double sampleCost(std::size_t s, const float* shifted, float* row) const;
  void searchShifts(std::size_t s, int search, float* shifted, float* residual, float* full);
  void chooseActivations(std::size_t s, const float* shifted);
  void fitSample(std::size_t s, int search, std::vector<float>& scratch);
  void fitAllSamples(int search);
  void enforceConnectivity(bool smooth_shifts, bool prune);
  void keepLargestRegions();
  void computeModel(std::vector<float>& out);
  void accumulateUpdates(std::vector<std::vector<double>>& numerator, std::vector<std::vector<double>>& denominator);
  void sumOverBroadenings(const std::vector<double>& slots, int p, std::vector<double>& out) const;
  void updateBackground(const std::vector<double>& numerator, const std::vector<double>& denominator);
  void updatePatterns();
  void recentre();

  const std::vector<float>& y;
  const std::size_t n, m;
  const ShiftModelOptions& o;
  const int k;
  const std::size_t ku;
  ShiftModelResult r;
  // The broadenings a sample may choose (the first is none), and each pattern under each.
  std::vector<double> sigmas{0.0};
  std::size_t nv = 0;
  std::vector<unsigned char> variant;  // samples x phases: the broadening chosen
  std::vector<float> blurred;          // phases x broadenings x points
  std::vector<double> blurred_norm;    // phases x broadenings: |pattern|^2
  std::vector<std::vector<int>> neighbours;
  std::vector<char> allowed;                           // samples x phases; cleared where connectivity removes a phase
  std::vector<std::vector<std::vector<int>>> subsets;  // [limit]: the subsets of at most `limit` phases
  int window = 0;                                      // largest shift, bins
  bool broaden = false;                                // broadenings are searched in the polish only (see run)
  // In the polish a sample's new shifts, broadenings and phases are kept only if they lower its
  // residual (each choice is greedy per phase, so a jump between broadenings could raise it).
  bool guard = false;
  std::vector<float> model;  // samples x points, as of the last pattern update
};

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

// The best subset of the sample's phases under its Gibbs limit (each extra phase costs
// subset_penalty of |y|^2) and their activations, with the background's.
PHASEWISE_VECTOR_CLONES void ShiftModelFit::chooseActivations(std::size_t s, const float* shifted) {
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
  const double yy = system.yy = dot(ys, ys, m);
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
    // With many phases, enumerate only among the strongest candidates of an unconstrained
    // fit (the limit plus three); with few, enumeration is exhaustive.
    std::vector<char> candidate(ku, 1);
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
    if (k > 8) {
      std::vector<std::pair<double, int>> strength;
      for (std::size_t i = 0; i < all.size(); ++i)
        strength.emplace_back(coef[i] * std::sqrt(gram[static_cast<std::size_t>(all[i] * cols + all[i])]), all[i]);
      std::sort(strength.rbegin(), strength.rend());
      std::fill(candidate.begin(), candidate.end(), 0);
      for (std::size_t i = 0; i < strength.size() && i < static_cast<std::size_t>(limit + 3); ++i)
        candidate[static_cast<std::size_t>(strength[i].second)] = 1;
      // The phases the sample holds now stay candidates, so the subset kept is never worse
      // than the current one (the polish relies on each step lowering the loss).
      for (int p = 0; p < k; ++p)
        if (r.a[s * ku + static_cast<std::size_t>(p)] > 0) candidate[static_cast<std::size_t>(p)] = 1;
    }
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

void ShiftModelFit::computeModel(std::vector<float>& out) {
  parallelFor(
      n, o.threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<float> tmp(m);
        for (std::size_t s = begin; s < end; ++s) {
          float* row = &out[s * m];
          for (std::size_t j = 0; j < m; ++j) row[j] = r.c[s] * r.g[j];
          for (int p = 0; p < k; ++p) {
            const float a = r.a[s * ku + p];
            if (a <= 0) continue;
            shiftPattern(pattern(static_cast<std::size_t>(p), variant[s * ku + static_cast<std::size_t>(p)]), m,
                         r.shift[s * ku + p], tmp.data());
            for (std::size_t j = 0; j < m; ++j) row[j] += a * tmp[j];
          }
        }
      },
      Schedule::dynamic);
}

// Multiplicative updates of the patterns and background under the current shifts.
// The multiplicative update's numerator (data) and denominator (model), scattered back from
// each sample's shifted patterns: one slot per phase and broadening, then the background's;
// per thread, summed into the first.
void ShiftModelFit::accumulateUpdates(std::vector<std::vector<double>>& numerator,
                                      std::vector<std::vector<double>>& denominator) {
  const auto threads = static_cast<unsigned>(numerator.size());
  const std::size_t bg = ku * nv * m;  // the background's slot
  parallelFor(n, threads, [&](std::size_t begin, std::size_t end, unsigned t) {
    for (std::size_t s = begin; s < end; ++s) {
      for (int p = 0; p < k; ++p) {
        const float a = r.a[s * ku + p];
        if (a <= 0) continue;
        const std::size_t slot = (static_cast<std::size_t>(p) * nv + variant[s * ku + static_cast<std::size_t>(p)]) * m;
        shiftTransposeAdd2(&y[s * m], &model[s * m], m, r.shift[s * ku + p], a, numerator[t].data() + slot,
                           denominator[t].data() + slot);
      }
      if (o.background)
        for (std::size_t j = 0; j < m; ++j) {
          numerator[t][bg + j] += r.c[s] * y[s * m + j];
          denominator[t][bg + j] += r.c[s] * model[s * m + j];
        }
    }
  });
  for (unsigned t = 1; t < threads; ++t)
    for (std::size_t i = 0; i < numerator[0].size(); ++i) {
      numerator[0][i] += numerator[t][i];
      denominator[0][i] += denominator[t][i];
    }
}

// Phase p's slots summed over the broadenings, each blurred back (the blur is its own
// transpose), into `out`.
void ShiftModelFit::sumOverBroadenings(const std::vector<double>& slots, int p, std::vector<double>& out) const {
  std::vector<float> part(m), blurred_part(m);
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t v = 0; v < nv; ++v) {
    const double* source = slots.data() + (static_cast<std::size_t>(p) * nv + v) * m;
    if (v == 0) {
      for (std::size_t j = 0; j < m; ++j) out[j] += source[j];
      continue;
    }
    for (std::size_t j = 0; j < m; ++j) part[j] = static_cast<float>(source[j]);
    broadenPattern(part.data(), m, sigmas[v], blurred_part.data());
    for (std::size_t j = 0; j < m; ++j) out[j] += blurred_part[j];
  }
}

// The background's update, smoothed and rescaled to a top of 1 (its activations take the scale).
void ShiftModelFit::updateBackground(const std::vector<double>& numerator, const std::vector<double>& denominator) {
  const std::size_t bg = ku * nv * m;
  for (std::size_t j = 0; j < m; ++j)
    r.g[j] = std::max(1e-9F, static_cast<float>(r.g[j] * (numerator[bg + j] + kEps) / (denominator[bg + j] + kEps)));
  smooth(r.g, std::max(2.0, static_cast<double>(m) / 40.0));
  const float top = *std::max_element(r.g.begin(), r.g.end());
  if (top > 0) {
    for (float& v : r.g) v /= top;
    for (float& c : r.c) c *= top;
  }
}

void ShiftModelFit::updatePatterns() {
  refreshBlurred();
  computeModel(model);
  const unsigned threads = workerThreads(std::max(1U, o.threads));
  const std::size_t slots = ku * nv * m + m;  // phases x broadenings, then the background
  std::vector<std::vector<double>> numerator(threads, std::vector<double>(slots, 0.0)),
      denominator(threads, std::vector<double>(slots, 0.0));
  accumulateUpdates(numerator, denominator);
  // Phase by phase (each touches its own pattern only), spread over the threads.
  parallelFor(
      static_cast<std::size_t>(k), o.threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<double> num(m), den(m);
        for (std::size_t p = begin; p < end; ++p) {
          if (!o.frozen.empty() && o.frozen[p]) continue;
          sumOverBroadenings(numerator[0], static_cast<int>(p), num);
          sumOverBroadenings(denominator[0], static_cast<int>(p), den);
          for (std::size_t j = 0; j < m; ++j) {
            const std::size_t i = p * m + j;
            // A floor keeps multiplicative updates away from denormal numbers (which are slow
            // and never come back); 1e-9 of a pattern's maximum is invisible in any plot.
            r.w[i] = std::max(1e-9F, static_cast<float>(r.w[i] * (num[j] + kEps) / (den[j] + kEps)));
          }
        }
      },
      Schedule::dynamic);
  if (o.background) updateBackground(numerator[0], denominator[0]);
  normalisePatterns();
}

// Re-centre each phase so that its activation-weighted mean shift is zero: the reported
// pattern is then the phase at its typical lattice parameter.
void ShiftModelFit::recentre() {
  std::vector<float> tmp(m);
  for (int p = 0; p < k; ++p) {
    if (!o.frozen.empty() && o.frozen[static_cast<std::size_t>(p)]) continue;
    double sum = 0, weight = 0;
    for (std::size_t s = 0; s < n; ++s) {
      sum += double(r.a[s * ku + p]) * r.shift[s * ku + p];
      weight += r.a[s * ku + p];
    }
    if (weight <= 0) continue;
    // Whole bins only: a fractional shift would interpolate, and so blur, the pattern.
    const double mean = std::round(sum / weight);
    if (mean == 0) continue;
    shiftPattern(&r.w[static_cast<std::size_t>(p) * m], m, mean, tmp.data());
    std::copy(tmp.begin(), tmp.end(), r.w.begin() + static_cast<std::ptrdiff_t>(p * m));
    for (std::size_t s = 0; s < n; ++s) r.shift[s * ku + p] = static_cast<float>(r.shift[s * ku + p] - mean);
  }
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

}  // namespace

ShiftModelResult fitShiftModel(const std::vector<float>& y, std::size_t n, std::size_t m, const ShiftModelOptions& o,
                               const ProgressCallback& progress) {
  return ShiftModelFit(y, n, m, o).run(progress);
}

}  // namespace phasewise::core
