#include "decompose/decomposer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "decompose/delaunay.h"
#include "decompose/measures.h"
#include "decompose/nmf.h"
#include "decompose/shift_model.h"
#include "model/resample.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::core {

std::vector<int> phaseLimits(const Library& library, int fallback) {
  std::vector<int> limits(library.samples, fallback);
  if (!library.phase_limit.empty()) {
    for (std::size_t s = 0; s < library.samples; ++s) limits[s] = std::max(1, library.phase_limit[s]);
    return limits;
  }
  if (!library.elements.empty()) {
    for (std::size_t s = 0; s < library.samples; ++s) {
      int present = 0;
      for (std::size_t e = 0; e < library.elements.size(); ++e) present += library.fraction(s, e) > 0.01;
      limits[s] = std::max(1, present);
    }
  }
  return limits;
}

std::vector<std::pair<std::int64_t, std::int64_t>> neighbourGraph(const Library& library) {
  if (!library.edges.empty()) return library.edges;
  const std::size_t e = library.elements.size();
  // Binary and ternary compositions are drawn in the plane; more elements do not fit it (the
  // first three alone would put samples that differ in the fourth on one point), so there only
  // wafer positions give a graph, and a batch of unrelated samples has none.
  if (e < 2 || e > 3 || library.samples < 3) {
    if (!library.x.empty()) return delaunayEdges(library.x, library.y);
    return {};
  }
  std::vector<double> x(library.samples), y(library.samples);
  for (std::size_t s = 0; s < library.samples; ++s) {
    const double b = library.fraction(s, 1), c = e > 2 ? library.fraction(s, 2) : 0.0;
    x[s] = b + 0.5 * c;
    y[s] = 0.8660254037844386 * c;
  }
  return delaunayEdges(x, y);
}

std::vector<std::vector<std::size_t>> neighbourLists(const Library& library) {
  std::vector<std::vector<std::size_t>> lists(library.samples);
  for (const auto& [a, b] : neighbourGraph(library)) {
    lists[static_cast<std::size_t>(a)].push_back(static_cast<std::size_t>(b));
    lists[static_cast<std::size_t>(b)].push_back(static_cast<std::size_t>(a));
  }
  return lists;
}

std::vector<float> sampleL1Loss(const Library& library, const std::vector<float>& reconstruction) {
  const std::size_t n = library.samples, m = library.points();
  std::vector<float> loss(n);
  for (std::size_t s = 0; s < n; ++s) {
    double l1 = 0;
    for (std::size_t j = 0; j < m; ++j)
      l1 += std::abs(double(library.intensities[s * m + j]) - reconstruction[s * m + j]);
    loss[s] = static_cast<float>(l1);
  }
  return loss;
}

std::vector<float> scaleSamplesToMaximum(Library& library) {
  const std::size_t n = library.samples, m = library.points();
  std::vector<float> scale(n, 1.0F);
  for (std::size_t s = 0; s < n; ++s) {
    float* row = library.pattern(s);
    float top = 0;
    for (std::size_t j = 0; j < m; ++j) top = std::max(top, row[j]);
    scale[s] = top > 0 ? top : 1.0F;
    for (std::size_t j = 0; j < m; ++j) row[j] /= scale[s];
  }
  return scale;
}

std::vector<float> purestSamples(const std::vector<float>& y, std::size_t n, std::size_t m, int k) {
  // Successive projection (Gillis & Vavasis): repeatedly take the sample with the largest
  // residual norm and project it out; in a phase map these are the most single-phase samples.
  std::vector<double> residual(y.begin(), y.end());
  std::vector<float> w;
  for (int p = 0; p < k; ++p) {
    std::size_t best = 0;
    double best_norm = -1;
    for (std::size_t s = 0; s < n; ++s) {
      double norm = 0;
      for (std::size_t j = 0; j < m; ++j) norm += residual[s * m + j] * residual[s * m + j];
      if (norm > best_norm) {
        best_norm = norm;
        best = s;
      }
    }
    w.insert(w.end(), y.begin() + static_cast<std::ptrdiff_t>(best * m),
             y.begin() + static_cast<std::ptrdiff_t>((best + 1) * m));
    const double length = std::sqrt(std::max(best_norm, 1e-300));
    std::vector<double> u(residual.begin() + static_cast<std::ptrdiff_t>(best * m),
                          residual.begin() + static_cast<std::ptrdiff_t>((best + 1) * m));
    for (double& v : u) v /= length;
    for (std::size_t s = 0; s < n; ++s) {
      double proj = 0;
      for (std::size_t j = 0; j < m; ++j) proj += residual[s * m + j] * u[j];
      for (std::size_t j = 0; j < m; ++j) residual[s * m + j] -= proj * u[j];
    }
  }
  return w;
}

namespace {

// What the decomposition needs before it starts; errors say what to change.
void checkRequest(const Library& library, const DecompositionSettings& settings) {
  library.validate();
  const std::size_t n = library.samples;
  const int k = settings.phases;
  if (k < 1) throw Error("ask for at least one phase");
  if (static_cast<std::size_t>(k) > n)
    throw Error("cannot find " + std::to_string(k) + " phases in " + std::to_string(n) + " samples");
  if (settings.shifts < 0) throw Error("the shift range must not be negative");
  for (float v : library.intensities)
    if (v < 0) throw Error("decomposition needs non-negative intensities; subtract a background that keeps them >= 0");
}

NmfOptions initialNmfOptions(const DecompositionSettings& settings, unsigned threads) {
  NmfOptions init;
  init.components = settings.phases;
  init.loss = settings.loss;
  init.max_iterations =
      settings.shifts == 0 && !settings.gibbs && !settings.connectivity ? settings.max_iterations : 200;
  init.tolerance = settings.tolerance;
  init.sparsity = settings.sparsity;
  init.seed = settings.seed;
  init.threads = threads;
  init.device = settings.device;
  return init;
}

// The state both fits end in, on the log-Q grid (plain NMF fills `a` only).
struct FitOnLogQ {
  std::vector<float> w, a, shifts, widths, g, c;  // shifts and widths in log-Q bins
};

// Plain NMF on the library's own axis; the log-Q view of its bases is kept for display and for
// later shift-aware runs.
FitOnLogQ takePlainFit(const NmfResult& start, const Axis& own_q, std::size_t log_points,
                       const DecompositionSettings& settings, DecompositionResult& result) {
  const std::size_t n = result.samples, ku = static_cast<std::size_t>(result.phases), m = own_q.values.size();
  FitOnLogQ fit{{},
                start.h,
                std::vector<float>(n * ku, 0.0F),
                std::vector<float>(n * ku, 0.0F),
                std::vector<float>(log_points, 0.0F),
                std::vector<float>(n, 0.0F)};
  result.bases = start.w;
  result.iterations = start.iterations;
  result.loss_history = start.loss;
  const auto& h = start.loss;
  if (h.size() >= 2) result.final_change = std::abs(h.back() - h[h.size() - 2]) / std::max(h[h.size() - 2], 1e-300);
  result.converged = start.iterations < settings.max_iterations;
  result.bases_log.resize(ku * log_points);
  const LinearResampler to_log(own_q.values, result.log_axis.values);
  for (std::size_t p = 0; p < ku; ++p) to_log.apply(&result.bases[p * m], &result.bases_log[p * log_points]);
  return fit;
}

ShiftModelOptions shiftModelOptions(const Library& library, const DecompositionSettings& settings, double log_bin_width,
                                    unsigned threads) {
  ShiftModelOptions options;
  options.phases = settings.phases;
  options.max_shift = settings.shifts;
  options.iterations = settings.max_iterations;
  options.tolerance = settings.tolerance;
  options.gibbs = settings.gibbs;
  options.limits = phaseLimits(library, settings.default_phase_limit);
  options.connectivity = settings.connectivity;
  if (settings.connectivity) options.edges = neighbourGraph(library);
  options.background = settings.background;
  if (settings.broadening)
    for (double sigma : {0.004, 0.008, 0.016}) options.widths.push_back(sigma / log_bin_width);
  options.threads = threads;
  return options;
}

// Seeded patterns replace the first patterns of every start; frozen ones are never updated.
void applySeeds(const DecompositionSettings& settings, const Axis& own_q, const Axis& log_axis,
                std::vector<std::vector<float>>& starts, ShiftModelOptions& options) {
  const std::size_t m = own_q.values.size(), log_points = log_axis.values.size();
  const auto ku = static_cast<std::size_t>(settings.phases);
  const std::size_t seeded = settings.seed_patterns.size() / m;
  if (settings.seed_patterns.size() % m != 0 || seeded > ku)
    throw Error("seeded patterns must be whole patterns on the library's axis, at most one per phase");
  if (!seeded) return;
  for (std::size_t p = 0; p < seeded; ++p) {
    std::vector<float> on_log = interpolateOrZero(own_q.values, &settings.seed_patterns[p * m], log_axis.values);
    const float top = *std::max_element(on_log.begin(), on_log.end());
    if (!(top > 0)) throw Error("seeded pattern " + std::to_string(p + 1) + " is empty");
    for (float& v : on_log) v = std::max(v / top, 1e-9F);
    for (auto& w : starts)
      std::copy(on_log.begin(), on_log.end(), w.begin() + static_cast<std::ptrdiff_t>(p * log_points));
  }
  options.frozen.assign(ku, 0);
  for (std::size_t p = 0; p < seeded && p < settings.frozen.size(); ++p) options.frozen[p] = settings.frozen[p];
}

// The shift-aware model from each start ("nmf", "spa" or both); the lower final loss wins.
FitOnLogQ takeShiftModelFit(const Library& library, const DecompositionSettings& settings, const LogQLibrary& log,
                            const Axis& own_q, const NmfResult& start, unsigned threads, const LinearResampler& to_own,
                            DecompositionResult& result, const ProgressCallback& progress) {
  const std::vector<float>& y = log.library.intensities;
  const std::size_t n = result.samples, m = own_q.values.size(), log_points = log.library.axis.values.size();
  const int k = result.phases;
  ShiftModelOptions options = shiftModelOptions(library, settings, log.log_bin_width, threads);
  std::vector<std::vector<float>> starts;
  if (settings.init != Initialisation::PurestSamples) starts.push_back(start.w);
  if (settings.init != Initialisation::Nmf) starts.push_back(purestSamples(y, n, log_points, k));
  applySeeds(settings, own_q, result.log_axis, starts, options);
  ShiftModelResult fit;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    options.initial_w = starts[i];
    const double from = 0.2 + 0.75 * static_cast<double>(i) / static_cast<double>(starts.size());
    const double span = 0.75 / static_cast<double>(starts.size());
    ShiftModelResult candidate = fitShiftModel(y, n, log_points, options, [&](double f, std::string_view s) {
      return !progress || progress(from + span * f, s);
    });
    if (i == 0 || candidate.loss.back() < fit.loss.back()) fit = std::move(candidate);
  }
  result.iterations = fit.iterations;
  result.loss_history = fit.loss;
  result.converged = fit.converged;
  result.final_change = fit.last_change;
  result.bases_log = fit.w;
  // Patterns back onto the library's axis (at their reference lattice parameter).
  const auto ku = static_cast<std::size_t>(k);
  result.bases.resize(ku * m);
  for (std::size_t p = 0; p < ku; ++p) to_own.apply(&fit.w[p * log_points], &result.bases[p * m]);
  result.background.resize(m);
  to_own.apply(fit.g.data(), result.background.data());
  return {std::move(fit.w),     std::move(fit.a), std::move(fit.shift),
          std::move(fit.width), std::move(fit.g), std::move(fit.c)};
}

// Activations in the data's units (reconstruct() then reads the shift-aware model's off its
// contributions), shifts as Q factors where the phase is present, the background's scale.
void reportActivations(const FitOnLogQ& fit, const std::vector<float>& scale, double log_bin_width,
                       DecompositionResult& result) {
  const std::size_t n = result.samples, ku = static_cast<std::size_t>(result.phases);
  result.activations.resize(n * ku);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t p = 0; p < ku; ++p) result.activations[s * ku + p] = fit.a[s * ku + p] * scale[s];
  result.shifts.resize(n * ku);
  for (std::size_t i = 0; i < n * ku; ++i)
    result.shifts[i] = fit.a[i] > 0 ? static_cast<float>(std::exp(fit.shifts[i] * log_bin_width)) : 1.0F;
  result.background_activation.resize(n);
  for (std::size_t s = 0; s < n; ++s) result.background_activation[s] = fit.c[s] * scale[s];
}

// Reconstruction and each phase's contribution (kept up to 50 million values), on the
// library's axis; then the fractions, as DESIGN.md defines them. The shift-aware model's
// activations are read from the contributions:
// activation x pattern maximum is the height of the phase's contribution in the sample on the
// library's own points (where the truth and DESIGN.md measure peak-height shares), not on the
// log-Q grid, whose bins are twice as wide as the data's at the top of a Q range and which
// a sub-bin shift or a broadening blurs differently.
void reconstruct(const FitOnLogQ& fit, bool plain, const std::vector<float>& scale, const LinearResampler& to_own,
                 DecompositionResult& result) {
  const std::size_t n = result.samples, ku = static_cast<std::size_t>(result.phases), m = result.axis.values.size();
  const std::size_t log_points = result.log_axis.values.size();
  result.reconstruction.assign(n * m, 0.0F);
  const bool keep_per_phase = n * ku * m <= 50'000'000;
  if (keep_per_phase) result.per_phase.assign(n * ku * m, 0.0F);
  std::vector<float> shifted(log_points), back(m);
  // Each phase's pattern under each broadening in use, blurred once (there are a few widths
  // and hundreds of samples).
  std::vector<std::vector<std::pair<float, std::vector<float>>>> broadened(ku);
  auto broadenedPattern = [&](std::size_t p, float width) -> const float* {
    for (const auto& [sigma, pattern] : broadened[p])
      if (sigma == width) return pattern.data();
    std::vector<float> pattern(log_points);
    broadenPattern(&fit.w[p * log_points], log_points, width, pattern.data());
    broadened[p].emplace_back(width, std::move(pattern));
    return broadened[p].back().second.data();
  };
  for (std::size_t s = 0; s < n; ++s) {
    float* recon = &result.reconstruction[s * m];
    if (plain) {
      for (std::size_t p = 0; p < ku; ++p)
        for (std::size_t j = 0; j < m; ++j) {
          const float v = result.activations[s * ku + p] * result.bases[p * m + j];
          recon[j] += v;
          if (keep_per_phase) result.per_phase[(s * ku + p) * m + j] = v;
        }
      continue;
    }
    for (std::size_t p = 0; p < ku; ++p) {
      if (result.activations[s * ku + p] <= 0) continue;
      shiftPattern(broadenedPattern(p, fit.widths[s * ku + p]), log_points, fit.shifts[s * ku + p], shifted.data());
      to_own.apply(shifted.data(), back.data());
      float height = 0;
      for (std::size_t j = 0; j < m; ++j) {
        const float v = fit.a[s * ku + p] * scale[s] * back[j];
        recon[j] += v;
        height = std::max(height, v);
        if (keep_per_phase) result.per_phase[(s * ku + p) * m + j] = v;
      }
      const float top = *std::max_element(&result.bases[p * m], &result.bases[p * m] + m);
      if (top > 0 && height > 0) result.activations[s * ku + p] = height / top;
    }
    for (std::size_t j = 0; j < m; ++j) recon[j] += result.background_activation[s] * result.background[j];
  }
  result.fractions = fractionsFrom(result.activations, result.bases, n, result.phases, m);
}

}  // namespace

DecompositionResult decompose(const Library& library, const DecompositionSettings& settings,
                              const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  checkRequest(library, settings);
  const std::size_t n = library.samples, m = library.points();
  const unsigned threads = workerThreads(settings.threads);

  // Each sample scaled to a maximum of 1, so that strong and weak patterns weigh alike.
  Library scaled = library;
  const std::vector<float> scale = scaleSamplesToMaximum(scaled);
  const std::size_t log_points = settings.log_points ? settings.log_points : std::min<std::size_t>(m, 1200);
  const LogQLibrary log = toLogQ(scaled, log_points);
  // The library's axis in the log grid's unit, and the way back onto it: used throughout.
  const Axis own_q = convertAxis(library.axis, log.library.axis.spec);
  const LinearResampler to_own(log.library.axis.values, own_q.values);

  DecompositionResult result;
  result.settings = settings;
  result.samples = n;
  result.phases = settings.phases;
  result.axis = library.axis;
  result.log_axis = log.library.axis;

  reportProgress(progress, 0.0, "initial NMF");
  const NmfOptions init = initialNmfOptions(settings, threads);
  const bool plain = settings.shifts == 0 && !settings.gibbs && !settings.connectivity && !settings.background;
  // Plain NMF works on the library's own axis; the shift model on log-Q.
  // The NMF start is needed for plain NMF and for the "nmf"/"best" initialisations only.
  const bool need_nmf = plain || settings.init != Initialisation::PurestSamples;
  const NmfResult start = !need_nmf ? NmfResult{}
                          : plain
                              ? nmf(scaled.intensities, n, m, init,
                                    [&](double f, std::string_view s) { return !progress || progress(0.9 * f, s); })
                              : nmf(log.library.intensities, n, log_points, init,
                                    [&](double f, std::string_view s) { return !progress || progress(0.2 * f, s); });
  const FitOnLogQ fit =
      plain ? takePlainFit(start, own_q, log_points, settings, result)
            : takeShiftModelFit(library, settings, log, own_q, start, threads, to_own, result, progress);
  reportProgress(progress, 0.95, "results");
  reportActivations(fit, scale, log.log_bin_width, result);
  reconstruct(fit, plain, scale, to_own, result);
  result.sample_loss = sampleL1Loss(library, result.reconstruction);
  if (result.background.empty()) result.background.assign(m, 0.0F);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  reportProgress(progress, 1.0, "done");
  return result;
}

}  // namespace phasewise::core
