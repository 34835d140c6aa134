// The library-guided decomposition of a whole library (decomposeWithLibrary, library_fit.h):
// rounds of per-sample fits with the neighbours' phases favoured and near-twins competing,
// the result assembled, then the second stage, free phases and the merge of cards that draw
// one phase.
#include "decompose/library_fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>

#include "decompose/decomposer.h"
#include "decompose/library_refit.h"
#include "decompose/measures.h"
#include "decompose/phase_chemistry.h"
#include "decompose/phase_merge.h"
#include "decompose/weight_fractions.h"
#include "model/resample.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::core {
namespace {
// Every sample fitted, in parallel; with connectivity, a phase held by a share of a sample's
// neighbours gets that share of the bonus there.
std::vector<SampleFit> fitAll(const LibraryFitter& fitter, const std::vector<float>& y, std::size_t n,
                              const std::vector<int>& limits, const std::vector<std::vector<std::size_t>>& neighbours,
                              const std::vector<SampleFit>* previous, std::size_t phases,
                              const std::vector<char>& allowed, const std::vector<std::vector<double>>& screening,
                              const LibraryFitSettings& s, unsigned threads) {
  std::vector<SampleFit> fits(n);
  const std::size_t m = fitter.points();
  parallelFor(
      n, threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
          std::vector<double> bonus;
          if (previous && !neighbours[i].empty()) {
            bonus.assign(phases, 0.0);
            for (std::size_t j : neighbours[i])
              for (const PhaseInSample& p : (*previous)[j].phases)
                bonus[static_cast<std::size_t>(p.phase)] +=
                    s.neighbour_bonus / static_cast<double>(neighbours[i].size());
          }
          fits[i] = fitter.fit(y.data() + i * m, limits[i], bonus, allowed, &screening[i]);
        }
      },
      Schedule::dynamic);
  return fits;
}

// Which member of a family of near-twins explains the samples the family holds best: each
// member swapped in for `phase` wherever it is fitted, the residuals summed.
int bestOfFamily(const LibraryFitter& fitter, const std::vector<float>& y, const std::vector<SampleFit>& fits,
                 int phase, const std::vector<int>& family, unsigned threads) {
  const std::size_t m = fitter.points();
  std::vector<double> total(family.size(), 0.0);
  std::vector<std::vector<double>> per_thread(threads, std::vector<double>(family.size(), 0.0));
  parallelFor(fits.size(), threads, [&](std::size_t begin, std::size_t end, unsigned t) {
    for (std::size_t i = begin; i < end; ++i)
      for (std::size_t which = 0; which < fits[i].phases.size(); ++which) {
        if (fits[i].phases[which].phase != phase) continue;
        for (std::size_t f = 0; f < family.size(); ++f)
          per_thread[t][f] +=
              family[f] == phase ? fits[i].residual : fitter.residualWith(y.data() + i * m, fits[i], which, family[f]);
      }
  });
  for (const auto& part : per_thread)
    for (std::size_t f = 0; f < family.size(); ++f) total[f] += part[f];
  return family[static_cast<std::size_t>(std::min_element(total.begin(), total.end()) - total.begin())];
}

// Near-twins compete for the whole library: by usage (summed activation), each phase in turn
// gathers the less used candidates that look like it, and only the member of that family that
// explains its samples best stays; rarely used phases go too.
void suppressTwins(const LibraryFitter& fitter, const std::vector<float>& y, const std::vector<SampleFit>& fits,
                   const LibraryFitSettings& s, std::size_t least, unsigned threads,
                   std::vector<std::vector<double>>& similarity, std::vector<char>& allowed) {
  const std::size_t phases = fitter.phases(), n = fits.size();
  std::vector<double> usage(phases, 0.0);
  std::vector<std::size_t> samples(phases, 0);
  for (const SampleFit& f : fits)
    for (const PhaseInSample& p : f.phases) {
      usage[static_cast<std::size_t>(p.phase)] += p.activation;
      ++samples[static_cast<std::size_t>(p.phase)];
    }
  std::vector<std::size_t> order(phases);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return usage[a] > usage[b]; });
  for (std::size_t i = 0; i < phases; ++i) {
    const std::size_t p = order[i];
    if (!allowed[p] || usage[p] <= 0) continue;
    if (samples[p] < std::min(least, n)) {
      allowed[p] = 0;
      continue;
    }
    std::vector<int> family{static_cast<int>(p)};
    for (std::size_t j = i + 1; j < phases; ++j) {
      const std::size_t q = order[j];
      if (!allowed[q]) continue;
      if (similarity[p][q] < 0)
        similarity[p][q] = similarity[q][p] = fitter.similarity(static_cast<int>(p), static_cast<int>(q));
      if (similarity[p][q] >= s.twin_cosine) family.push_back(static_cast<int>(q));
    }
    if (family.size() < 2) continue;
    const int best = bestOfFamily(fitter, y, fits, static_cast<int>(p), family, threads);
    // A look-alike stays where it explains its own samples clearly better than the family's
    // best does there: two phases that both occur are not twins.
    for (int member : family) {
      if (member == best) continue;
      const std::vector<int> pair{member, best};
      if (bestOfFamily(fitter, y, fits, member, pair, threads) == best ||
          samples[static_cast<std::size_t>(member)] == 0)
        allowed[static_cast<std::size_t>(member)] = 0;
    }
  }
}

bool samePhases(const SampleFit& a, const SampleFit& b) {
  std::vector<int> x, y;
  for (const PhaseInSample& p : a.phases) x.push_back(p.phase);
  for (const PhaseInSample& p : b.phases) y.push_back(p.phase);
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

// The fits as a decomposition on the library's axis: one result phase per reference phase
// used anywhere (by total activation), its most used width variant as its pattern.
LibraryDecomposition assemble(const Library& library, const LibraryFitter& fitter, const Axis& log_axis,
                              const std::vector<SampleFit>& fits, const std::vector<float>& scale,
                              const ReferencePatterns& references) {
  const std::size_t n = library.samples, m = library.points(), lp = fitter.points();
  std::vector<double> total(references.phases(), 0.0);
  std::vector<std::vector<int>> variant_use(references.phases(), std::vector<int>(references.variants(), 0));
  for (const SampleFit& f : fits)
    for (const PhaseInSample& p : f.phases) {
      total[static_cast<std::size_t>(p.phase)] += p.activation;
      ++variant_use[static_cast<std::size_t>(p.phase)][static_cast<std::size_t>(p.variant)];
    }
  LibraryDecomposition out;
  for (std::size_t p = 0; p < total.size(); ++p)
    if (total[p] > 0) out.reference.push_back(static_cast<int>(p));
  std::sort(out.reference.begin(), out.reference.end(),
            [&](int a, int b) { return total[static_cast<std::size_t>(a)] > total[static_cast<std::size_t>(b)]; });
  const std::size_t k = out.reference.size();
  DecompositionResult& r = out.result;
  r.samples = n;
  r.phases = static_cast<int>(k);
  r.axis = library.axis;
  r.log_axis = log_axis;
  const Axis own_q = convertAxis(library.axis, log_axis.spec);
  const LinearResampler to_own(log_axis.values, own_q.values);
  r.bases.assign(k * m, 0.0F);
  r.bases_log.assign(k * lp, 0.0F);
  for (std::size_t i = 0; i < k; ++i) {
    const auto p = static_cast<std::size_t>(out.reference[i]);
    r.phase_names.push_back(references.names[p]);
    const auto& use = variant_use[p];
    const auto variant = static_cast<int>(std::max_element(use.begin(), use.end()) - use.begin());
    const float* w = fitter.pattern(static_cast<int>(p), variant);
    std::copy(w, w + lp, r.bases_log.begin() + static_cast<std::ptrdiff_t>(i * lp));
    to_own.apply(w, &r.bases[i * m]);
  }
  r.activations.assign(n * k, 0.0F);
  r.shifts.assign(n * k, 1.0F);
  r.confidence.assign(n * k, 0.0F);
  r.reconstruction.assign(n * m, 0.0F);
  const bool keep_per_phase = n * k * m <= 50'000'000;
  if (keep_per_phase) r.per_phase.assign(n * k * m, 0.0F);
  std::vector<float> part(lp), back(m);
  for (std::size_t s = 0; s < n; ++s) {
    for (const PhaseInSample& p : fits[s].phases) {
      const auto i = static_cast<std::size_t>(std::find(out.reference.begin(), out.reference.end(), p.phase) -
                                              out.reference.begin());
      r.activations[s * k + i] = static_cast<float>(p.activation) * scale[s];
      r.shifts[s * k + i] = static_cast<float>(std::exp(p.shift_bins * fitter.logBinWidth()));
      r.confidence[s * k + i] = static_cast<float>(p.confidence);
      fitter.contribution(p, part.data());
      to_own.apply(part.data(), back.data());
      for (std::size_t j = 0; j < m; ++j) {
        r.reconstruction[s * m + j] += back[j] * scale[s];
        if (keep_per_phase) r.per_phase[(s * k + i) * m + j] = back[j] * scale[s];
      }
    }
    fitter.background(fits[s], part.data());
    to_own.apply(part.data(), back.data());
    for (std::size_t j = 0; j < m; ++j) r.reconstruction[s * m + j] += back[j] * scale[s];
  }
  r.fractions = fractionsFrom(r.activations, r.bases, n, r.phases, m);
  r.background.assign(m, 0.0F);  // the background is per sample here, inside the reconstruction
  r.background_activation.assign(n, 0.0F);
  return out;
}

// Free components for what the library leaves: the shift-aware decomposition of the positive
// residual, appended after the library's phases.
void addFreePhases(const Library& library, LibraryDecomposition& out, const LibraryFitSettings& s) {
  const std::size_t n = library.samples, m = library.points();
  Library residual = library;
  for (std::size_t i = 0; i < n * m; ++i)
    residual.intensities[i] = std::max(0.0F, library.intensities[i] - out.result.reconstruction[i]);
  DecompositionSettings free;
  free.phases = s.free_phases;
  free.threads = s.threads;
  free.default_phase_limit = s.default_phase_limit;
  const DecompositionResult f = decompose(residual, free);
  DecompositionResult& r = out.result;
  const auto k = static_cast<std::size_t>(r.phases), kf = static_cast<std::size_t>(f.phases), kt = k + kf;
  auto widen = [&](const std::vector<float>& a, const std::vector<float>& b, std::size_t width, float fill) {
    std::vector<float> c(n * kt * width, fill);
    for (std::size_t s2 = 0; s2 < n; ++s2) {
      if (!a.empty())
        std::copy_n(a.begin() + static_cast<std::ptrdiff_t>(s2 * k * width), k * width,
                    c.begin() + static_cast<std::ptrdiff_t>(s2 * kt * width));
      if (!b.empty())
        std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(s2 * kf * width), kf * width,
                    c.begin() + static_cast<std::ptrdiff_t>((s2 * kt + k) * width));
    }
    return c;
  };
  r.activations = widen(r.activations, f.activations, 1, 0.0F);
  r.shifts = widen(r.shifts, f.shifts, 1, 1.0F);
  r.confidence = widen(r.confidence, std::vector<float>(n * kf, 0.0F), 1, 0.0F);
  if (!r.per_phase.empty() && !f.per_phase.empty())
    r.per_phase = widen(r.per_phase, f.per_phase, m, 0.0F);
  else
    r.per_phase.clear();
  r.bases.insert(r.bases.end(), f.bases.begin(), f.bases.end());
  const LinearResampler to_log(convertAxis(library.axis, r.log_axis.spec).values, r.log_axis.values);
  const std::size_t lp = r.log_axis.values.size();
  r.bases_log.resize(kt * lp);
  for (std::size_t i = 0; i < kf; ++i) to_log.apply(&f.bases[i * m], &r.bases_log[(k + i) * lp]);
  for (std::size_t i = 0; i < n * m; ++i) r.reconstruction[i] += f.reconstruction[i];
  r.phases = static_cast<int>(kt);
  for (std::size_t i = 0; i < kf; ++i) {
    r.phase_names.push_back("free " + std::to_string(i + 1));
    out.reference.push_back(-1);
  }
  r.fractions = fractionsFrom(r.activations, r.bases, n, r.phases, m);
}
// The first stage's weight fractions carried to the final phases by card, renormalised per
// sample over the cards that remain (a merged twin's share goes to the cards kept).
std::vector<float> weightsByCard(const std::vector<float>& weights, const std::vector<int>& from,
                                 const std::vector<int>& to, std::size_t samples) {
  if (weights.empty()) return {};
  const std::size_t kf = from.size(), kt = to.size();
  std::vector<float> out(samples * kt, 0.0F);
  for (std::size_t s = 0; s < samples; ++s) {
    double total = 0;
    for (std::size_t p = 0; p < kt; ++p) {
      const auto at = std::find(from.begin(), from.end(), to[p]);
      if (to[p] < 0 || at == from.end()) continue;
      out[s * kt + p] = weights[s * kf + static_cast<std::size_t>(at - from.begin())];
      total += out[s * kt + p];
    }
    if (total > 0)
      for (std::size_t p = 0; p < kt; ++p) out[s * kt + p] = static_cast<float>(out[s * kt + p] / total);
  }
  return out;
}

double totalResidual(const std::vector<SampleFit>& fits) {
  return std::accumulate(fits.begin(), fits.end(), 0.0, [](double t, const SampleFit& f) { return t + f.residual; });
}

// The first stage's rounds: fit every sample, then (until nothing changes or the round cap)
// suppress near-twins and refit with the neighbours' phases favoured.
struct FirstStage {
  std::vector<SampleFit> fits;
  int rounds = 1, changed = 0;
  std::vector<double> history;  // total residual per round
};

FirstStage fitRounds(const LibraryFitter& fitter, const std::vector<float>& y, const std::vector<int>& limits,
                     const std::vector<std::vector<std::size_t>>& neighbours, std::size_t phases,
                     std::vector<char>& allowed, const LibraryFitSettings& s, std::size_t least, unsigned threads,
                     const ProgressCallback& progress) {
  const std::size_t n = limits.size();
  // Which candidates each sample tries depends on the sample alone: screened once, not per round.
  std::vector<std::vector<double>> screening(n);
  const std::size_t m = fitter.points();
  parallelFor(
      n, threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) screening[i] = fitter.screen(y.data() + i * m);
      },
      Schedule::dynamic);
  FirstStage stage;
  stage.fits = fitAll(fitter, y, n, limits, neighbours, nullptr, phases, allowed, screening, s, threads);
  stage.history.push_back(totalResidual(stage.fits));
  std::vector<std::vector<double>> similarity(phases, std::vector<double>(phases, -1.0));
  for (; stage.rounds < s.max_rounds; ++stage.rounds) {
    reportProgress(progress, (s.refit ? 0.6 : 0.8) * stage.rounds / s.max_rounds, "connectivity and near-twins");
    const std::vector<char> before = allowed;
    suppressTwins(fitter, y, stage.fits, s, least, threads, similarity, allowed);
    if (!s.connectivity && allowed == before) break;
    std::vector<SampleFit> next = fitAll(fitter, y, n, limits, neighbours, s.connectivity ? &stage.fits : nullptr,
                                         phases, allowed, screening, s, threads);
    stage.changed = 0;
    for (std::size_t i = 0; i < n; ++i) stage.changed += !samePhases(next[i], stage.fits[i]);
    stage.fits = std::move(next);
    stage.history.push_back(totalResidual(stage.fits));
    if (stage.changed == 0) {
      ++stage.rounds;
      break;
    }
  }
  return stage;
}

void checkRequest(const Library& library, const LibraryFitSettings& s) {
  library.validate();
  for (float v : library.intensities)
    if (v < 0) throw Error("the library-guided fit needs non-negative intensities");
  if (s.max_rounds < 1) throw Error("the library-guided fit needs at least one round");
  if (s.free_phases < 0 || static_cast<std::size_t>(s.free_phases) > library.samples)
    throw Error("the free phase count is out of range");
}

// Components that draw one phase become one (phase_merge.h); the cards merged away are kept.
void mergeSamePhase(LibraryDecomposition& out) {
  const std::vector<std::vector<std::size_t>> groups = samePhaseGroups(out.result);
  if (groups.empty()) return;
  const std::vector<std::vector<std::size_t>> holds = mergePhases(out.result, groups);
  std::vector<int> reference;
  std::vector<double> card_cosine;
  std::vector<std::vector<int>> also(holds.size());
  for (std::size_t p = 0; p < holds.size(); ++p) {
    reference.push_back(out.reference[holds[p][0]]);
    card_cosine.push_back(out.card_cosine[holds[p][0]]);
    for (std::size_t i = 1; i < holds[p].size(); ++i)
      if (out.reference[holds[p][i]] >= 0) also[p].push_back(out.reference[holds[p][i]]);
  }
  out.reference = std::move(reference);
  out.card_cosine = std::move(card_cosine);
  out.also_drawn_as = std::move(also);
}
}  // namespace
LibraryFitSettings singlePatternFit(LibraryFitSettings s) {
  s.max_strain = 0.01;
  s.min_gain = 0.002;
  s.min_support = 0.65;
  s.step_candidates = 16;
  s.screened = 0;
  s.envelope_background = true;
  s.max_chance = 0.02;
  if (!s.log_points) s.log_points = 3000;
  return s;
}

std::size_t leastSamplesPerPhase(const LibraryFitSettings& s, const Library& library) {
  if (s.min_samples) return s.min_samples;
  return neighbourGraph(library).empty() ? 1 : std::max<std::size_t>(2, library.samples / 100);
}

LibraryDecomposition decomposeWithLibrary(const Library& library, const ReferencePatterns& references,
                                          const LibraryFitSettings& requested, const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  checkRequest(library, requested);
  const bool batch = requested.batch_as_single_patterns && neighbourGraph(library).empty();
  const LibraryFitSettings s = batch ? singlePatternFit(requested) : requested;
  const std::size_t n = library.samples, m = library.points();
  const unsigned threads = workerThreads(s.threads);
  // Each sample scaled to a maximum of 1, on a log-Q grid where lattice changes are shifts.
  Library scaled = library;
  const std::vector<float> scale = scaleSamplesToMaximum(scaled);
  const LogQLibrary log = toLogQ(scaled, std::min<std::size_t>(m, s.log_points ? s.log_points : 1200));
  const LibraryFitter fitter(references, log.library.axis, s);
  const std::vector<std::vector<std::size_t>> neighbours =
      s.connectivity ? neighbourLists(library) : std::vector<std::vector<std::size_t>>(n);
  reportProgress(progress, 0.0, "fitting the reference phases");
  std::vector<char> allowed =
      s.keep_foreign ? std::vector<char>(references.phases(), 1) : chemicallyPossible(references, library.elements);
  const auto foreign = static_cast<int>(std::count(allowed.begin(), allowed.end(), 0));
  if (foreign == static_cast<int>(references.phases()))
    throw Error("every candidate phase holds an element the library does not (" + std::to_string(foreign) +
                " left out); keep them with keep_foreign (--keep-foreign)");
  const FirstStage stage =
      fitRounds(fitter, log.library.intensities, phaseLimits(library, s.default_phase_limit), neighbours,
                references.phases(), allowed, s, leastSamplesPerPhase(s, library), threads, progress);
  LibraryDecomposition out = assemble(library, fitter, log.library.axis, stage.fits, scale, references);
  out.rounds = stage.rounds;
  out.changed_last_round = stage.changed;
  out.card_cosine.assign(out.reference.size(), 1.0);
  out.foreign_left_out = foreign;
  DecompositionResult& first = out.result;
  const std::vector<double>& history = stage.history;
  first.iterations = stage.rounds;
  first.loss_history = history;
  first.converged = stage.changed == 0;
  if (history.size() >= 2)
    first.final_change =
        std::abs(history.back() - history[history.size() - 2]) / std::max(history[history.size() - 2], 1e-300);
  // Weight fractions from the first stage: its scale factors are fitted against the cards'
  // own absolute patterns (the second stage's adapted patterns may mix phases where peaks
  // overlap, which leaves intensity fractions fine but scale factors not).
  const std::vector<float> first_weights = hillHowardFractions(first, out.reference, references);
  const std::vector<int> first_reference = out.reference;
  if (s.refit)
    out = refitChosenPhases(library, out, fitter, s, [&](double f, std::string_view what) {
      return !progress || progress(0.6 + 0.25 * f, what);
    });
  out.foreign_left_out = foreign;
  out.fitted_as_batch = batch;
  // With the second stage kept, free phases joined it; else they are fitted to what is left.
  if (s.free_phases > 0 && (!s.refit || out.refit_rejected)) {
    reportProgress(progress, 0.85, "free phases");
    addFreePhases(library, out, s);
    out.card_cosine.resize(out.reference.size(), 0.0);
  }
  DecompositionResult& r = out.result;
  r.settings.phases = r.phases;
  r.weight_fractions = weightsByCard(first_weights, first_reference, out.reference, r.samples);
  out.also_drawn_as.assign(out.reference.size(), {});
  if (s.merge_same_phase) mergeSamePhase(out);
  r.also_drawn_as.clear();
  for (const std::vector<int>& cards : out.also_drawn_as) {
    std::string names;
    for (int card : cards) names += (names.empty() ? "" : ", ") + references.names.at(static_cast<std::size_t>(card));
    r.also_drawn_as.push_back(std::move(names));
  }
  r.sample_loss = sampleL1Loss(library, r.reconstruction);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  reportProgress(progress, 1.0, "done");
  return out;
}

}  // namespace phasewise::core
