#include "decompose/library_refit.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <tuple>

#include "decompose/decomposer.h"
#include "decompose/hungarian.h"
#include "decompose/shift_model.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr double kNamedCosine = 0.5;  // below this an adapted pattern is no longer its card
constexpr int kMostPhases = 24;       // the shift-aware model's limit
constexpr double kMergeCost = 0.05;   // twins merge when the fit without one is this much worse at most

// Rows of a row-major array, in the order given.
std::vector<float> pickRows(const std::vector<float>& a, std::size_t width, const std::vector<std::size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size() * width);
  for (std::size_t r : rows)
    out.insert(out.end(), a.begin() + static_cast<std::ptrdiff_t>(r * width),
               a.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
  return out;
}

// Columns (phases) of a samples x phases x width array, in the order given.
std::vector<float> pickPhases(const std::vector<float>& a, std::size_t samples, std::size_t phases, std::size_t width,
                              const std::vector<std::size_t>& keep) {
  if (a.empty()) return a;
  std::vector<float> out;
  out.reserve(samples * keep.size() * width);
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t p : keep)
      out.insert(out.end(), a.begin() + static_cast<std::ptrdiff_t>((s * phases + p) * width),
                 a.begin() + static_cast<std::ptrdiff_t>((s * phases + p + 1) * width));
  return out;
}

// The first stage's library phases worth measuring: those that are the largest phase of at
// least `least` samples. A phase of a composition spread has a region where it dominates; a
// card that only ever helps another one out (a texture or width mismatch, a solid solution
// beyond the strain bound) does not, and the second stage explains that part itself.
std::vector<std::size_t> dominantPhases(const LibraryDecomposition& chosen, std::size_t least) {
  const DecompositionResult& c = chosen.result;
  const std::size_t n = c.samples, k = static_cast<std::size_t>(c.phases);
  if (k == 0) return {};  // no card fitted anywhere: nothing to measure again
  std::vector<std::size_t> wins(k, 0);
  std::vector<double> total(k, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const float* f = &c.fractions[i * k];
    const auto top = static_cast<std::size_t>(std::max_element(f, f + k) - f);
    if (f[top] > 0) ++wins[top];
    for (std::size_t p = 0; p < k; ++p) total[p] += f[p];
  }
  std::vector<std::size_t> kept;
  for (std::size_t p = 0; p < k; ++p)
    if (chosen.reference[p] >= 0 && wins[p] >= least) kept.push_back(p);
  std::stable_sort(kept.begin(), kept.end(), [&](std::size_t a, std::size_t b) { return total[a] > total[b]; });
  if (kept.size() > static_cast<std::size_t>(kMostPhases)) kept.resize(static_cast<std::size_t>(kMostPhases));
  return kept;
}

// Per phase of a fit: samples holding it, and its summed fraction.
struct PhaseUse {
  std::vector<std::size_t> present;
  std::vector<double> total;
};
PhaseUse useOf(const DecompositionResult& fit) {
  const std::size_t n = fit.samples, k = static_cast<std::size_t>(fit.phases);
  PhaseUse u{std::vector<std::size_t>(k, 0), std::vector<double>(k, 0.0)};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t p = 0; p < k; ++p)
      if (fit.activations[i * k + p] > 0) {
        ++u.present[p];
        u.total[p] += fit.fractions[i * k + p];
      }
  return u;
}

// Possible twins in a fit, the likeliest first: (weaker, stronger) pairs whose adapted patterns
// agree over the shift range and whose regions meet on the composition graph: one phase seeded
// twice, or two cards of one solid solution whose lattice the fit can follow across the spread.
// Look-alikes in separate regions (corundum Al2O3 and Fe2O3 at opposite corners) are not.
std::vector<std::pair<std::size_t, std::size_t>> twinCandidates(const DecompositionResult& fit,
                                                                const std::vector<std::vector<std::size_t>>& neighbours,
                                                                double twin, int shifts) {
  const std::size_t n = fit.samples, k = static_cast<std::size_t>(fit.phases), lp = fit.log_axis.values.size();
  const PhaseUse use = useOf(fit);
  auto holds = [&](std::size_t sample, std::size_t p) { return fit.activations[sample * k + p] > 0; };
  std::vector<std::tuple<double, std::size_t, std::size_t>> found;
  for (std::size_t p = 0; p < k; ++p)
    for (std::size_t q = p + 1; q < k; ++q) {
      bool meet = false;
      for (std::size_t i = 0; i < n && !meet; ++i) {
        if (!holds(i, p)) continue;
        meet = holds(i, q);
        for (std::size_t j : neighbours[i]) meet = meet || holds(j, q);
      }
      if (!meet) continue;
      const double cosine = shiftedCosine(&fit.bases_log[p * lp], &fit.bases_log[q * lp], lp, shifts);
      if (cosine < twin) continue;
      const bool p_weaker = use.total[p] < use.total[q];
      found.emplace_back(cosine, p_weaker ? p : q, p_weaker ? q : p);
    }
  std::sort(found.rbegin(), found.rend());
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const auto& [cosine, weaker, stronger] : found) out.emplace_back(weaker, stronger);
  return out;
}
}  // namespace

void keepPhases(DecompositionResult& r, const std::vector<std::size_t>& keep) {
  const std::size_t n = r.samples, k = static_cast<std::size_t>(r.phases);
  for (std::size_t p : keep)
    if (p >= k) throw Error("keepPhases: no phase " + std::to_string(p));
  const std::size_t m = k ? r.bases.size() / k : 0, lp = k ? r.bases_log.size() / k : 0;
  r.bases = pickRows(r.bases, m, keep);
  r.bases_log = pickRows(r.bases_log, lp, keep);
  r.activations = pickPhases(r.activations, n, k, 1, keep);
  r.fractions = pickPhases(r.fractions, n, k, 1, keep);
  r.shifts = pickPhases(r.shifts, n, k, 1, keep);
  r.confidence = pickPhases(r.confidence, n, k, 1, keep);
  r.weight_fractions = pickPhases(r.weight_fractions, n, k, 1, keep);
  r.per_phase = pickPhases(r.per_phase, n, k, r.per_phase.empty() ? 0 : m, keep);
  if (!r.phase_names.empty()) {
    std::vector<std::string> names;
    for (std::size_t p : keep) names.push_back(r.phase_names[p]);
    r.phase_names = std::move(names);
  }
  r.phases = static_cast<int>(keep.size());
}

namespace {

// The second stage's runs. The cards seed the first phases; free ones (what the library lacks)
// start from the purest samples. Phases that end up in fewer than `least` samples go; of twins
// the weaker goes when the fit without it is hardly worse (its loss within `kMergeCost`): two
// phases that the data need (spinels of a miscibility gap) stay apart. Last, the same phase
// count from the purest samples: the lower loss wins (cards with the wrong texture can hold the
// fit in a worse minimum than the data's own patterns).
class AdaptedPhaseSearch {
 public:
  AdaptedPhaseSearch(const Library& library, const DecompositionResult& first, const std::vector<std::size_t>& cards,
                     std::size_t least, std::size_t log_points, const LibraryFitSettings& s,
                     const ProgressCallback& progress)
      : library_(library), s_(s), least_(least), m_(library.points()), progress_(progress) {
    const std::size_t n = library.samples;
    neighbours_ = s.connectivity ? neighbourLists(library) : std::vector<std::vector<std::size_t>>(n);
    ds_.log_points = log_points;  // the first stage's grid, so that patterns compare bin for bin
    ds_.threads = s.threads;
    ds_.default_phase_limit = s.default_phase_limit;
    ds_.connectivity = s.connectivity;
    source_ = cards;
    source_.resize(std::min<std::size_t>(cards.size() + static_cast<std::size_t>(std::max(0, s.free_phases)),
                                         std::min<std::size_t>(n, kMostPhases)),
                   kFree);
    ds_.phases = static_cast<int>(source_.size());
    ds_.seed_patterns = pickRows(first.bases, m_, cards);
  }

  // The cards' run, then the same phase count from the purest samples (the caller keeps the
  // lower loss of those whose phases are still their cards).
  std::vector<DecompositionResult> run() {
    std::vector<DecompositionResult> fits;
    fits.push_back(decomposeNow(0.0, 0.3));
    dropRarePhases(fits.back());
    mergeTwins(fits.back());
    ds_.phases = static_cast<int>(source_.size());
    ds_.seed_patterns.clear();
    fits.push_back(decomposeNow(0.8, 0.2));
    return fits;
  }

 private:
  static constexpr std::size_t kFree = static_cast<std::size_t>(-1);  // a source: no card

  DecompositionResult decomposeNow(double from, double span) {
    return decompose(library_, ds_,
                     [&](double f, std::string_view what) { return !progress_ || progress_(from + span * f, what); });
  }

  // The next run keeps these phases of `f`, seeded with their adapted patterns.
  void keepOnly(const DecompositionResult& f, const std::vector<std::size_t>& keep) {
    std::vector<std::size_t> next;
    for (std::size_t p : keep) next.push_back(source_[p]);
    source_ = std::move(next);
    ds_.phases = static_cast<int>(keep.size());
    ds_.seed_patterns = pickRows(f.bases, m_, keep);
  }

  void dropRarePhases(DecompositionResult& fit) {
    const PhaseUse use = useOf(fit);
    std::vector<std::size_t> keep;
    for (std::size_t p = 0; p < source_.size(); ++p)
      if (use.present[p] >= least_) keep.push_back(p);
    if (!keep.empty() && keep.size() < source_.size()) {
      keepOnly(fit, keep);
      fit = decomposeNow(0.3, 0.1);
    }
  }

  void mergeTwins(DecompositionResult& fit) {
    std::vector<std::pair<std::size_t, std::size_t>> distinct;  // pairs found to be two phases
    for (int trial = 0; trial < kMostPhases && source_.size() > 1; ++trial) {
      bool merged = false;
      for (const auto& [weaker, stronger] : twinCandidates(fit, neighbours_, s_.twin_cosine, ds_.shifts)) {
        const std::pair<std::size_t, std::size_t> pair{source_[weaker], source_[stronger]};
        if (pair.first != kFree && std::find(distinct.begin(), distinct.end(), pair) != distinct.end()) continue;
        std::vector<std::size_t> keep;
        for (std::size_t p = 0; p < source_.size(); ++p)
          if (p != weaker) keep.push_back(p);
        const std::vector<std::size_t> before = source_;
        const DecompositionSettings settings_before = ds_;
        keepOnly(fit, keep);
        DecompositionResult trial_fit = decomposeNow(0.4, 0.1);
        if (trial_fit.loss_history.back() <= (1 + kMergeCost) * fit.loss_history.back()) {
          fit = std::move(trial_fit);
          merged = true;
          break;
        }
        source_ = before;
        ds_ = settings_before;
        distinct.push_back(pair);
      }
      if (!merged) break;
    }
  }

  const Library& library_;
  const LibraryFitSettings& s_;
  const std::size_t least_, m_;
  const ProgressCallback& progress_;
  std::vector<std::vector<std::size_t>> neighbours_;
  DecompositionSettings ds_;
  std::vector<std::size_t> source_;  // per phase: the first stage's phase, or kFree
};

// Each card goes to the phase whose fraction map overlaps its map most (one phase per card,
// Hungarian), so that a look-alike pattern elsewhere cannot take the name; `cosine` is the
// adapted pattern's cosine with its card's (0 without a card).
struct CardAssignment {
  std::vector<int> card_of;  // per phase: index into the cards, or -1
  std::vector<double> cosine;
};

CardAssignment assignCards(const DecompositionResult& fit, const LibraryDecomposition& chosen,
                           const std::vector<std::size_t>& cards, const LibraryFitter& fitter) {
  const DecompositionResult& c = chosen.result;
  const std::size_t n = fit.samples, k = static_cast<std::size_t>(fit.phases), kc = static_cast<std::size_t>(c.phases);
  const std::size_t kcards = cards.size(), lp = fitter.points();
  std::vector<double> overlap(k * kcards, 0.0);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < kcards; ++j)
        overlap[i * kcards + j] += std::min(fit.fractions[t * k + i], c.fractions[t * kc + cards[j]]);
  CardAssignment out{maximumAssignment(overlap, static_cast<int>(k), static_cast<int>(kcards)),
                     std::vector<double>(k, 0.0)};
  for (std::size_t i = 0; i < k; ++i)
    if (out.card_of[i] >= 0)
      out.cosine[i] =
          fitter.cosineTo(&fit.bases_log[i * lp], chosen.reference[cards[static_cast<std::size_t>(out.card_of[i])]]);
  return out;
}

// A named phase's confidence: the first stage's where it had the card, its mean there elsewhere.
void copyConfidence(const DecompositionResult& c, std::size_t from, std::size_t i, DecompositionResult& fit) {
  const std::size_t n = fit.samples, k = static_cast<std::size_t>(fit.phases), kc = static_cast<std::size_t>(c.phases);
  double mean = 0;
  std::size_t count = 0;
  for (std::size_t t = 0; t < n; ++t)
    if (c.confidence[t * kc + from] > 0) {
      mean += c.confidence[t * kc + from];
      ++count;
    }
  mean = count ? mean / static_cast<double>(count) : 0.0;
  for (std::size_t t = 0; t < n; ++t) {
    if (!(fit.activations[t * k + i] > 0)) continue;
    const float first = c.confidence[t * kc + from];
    fit.confidence[t * k + i] = first > 0 ? first : static_cast<float>(mean);
  }
}

// The phases in use, strongest first (as everywhere else), with their cards and cosines.
void keepUsedStrongestFirst(DecompositionResult& fit, LibraryDecomposition& out,
                            const std::vector<std::size_t>& present) {
  const std::size_t n = fit.samples, k = static_cast<std::size_t>(fit.phases);
  std::vector<double> total(k, 0.0);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t i = 0; i < k; ++i) total[i] += fit.fractions[t * k + i];
  std::vector<std::size_t> order(present.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return total[present[a]] > total[present[b]]; });
  std::vector<std::size_t> keep;
  std::vector<int> reference;
  std::vector<double> card_cosine;
  for (std::size_t o : order) {
    keep.push_back(present[o]);
    reference.push_back(out.reference[o]);
    card_cosine.push_back(out.card_cosine[o]);
  }
  out.reference = std::move(reference);
  out.card_cosine = std::move(card_cosine);
  keepPhases(fit, keep);
}

}  // namespace

LibraryDecomposition refitChosenPhases(const Library& library, const LibraryDecomposition& chosen,
                                       const LibraryFitter& fitter, const LibraryFitSettings& s,
                                       const ProgressCallback& progress) {
  const DecompositionResult& c = chosen.result;
  const std::size_t n = c.samples, kc = static_cast<std::size_t>(c.phases);
  const std::size_t least = std::min(n, leastSamplesPerPhase(s, library));
  const std::vector<std::size_t> cards = dominantPhases(chosen, least);
  if (cards.empty()) return chosen;
  // Of the runs, the lowest loss among those that measured the cards rather than replaced them:
  // every card still in use still its card (cosine >= kNamedCosine, below which a phase would
  // lose the card's name). On the spreads the worst used card stays at 0.85 (Al-Li-Fe's spinel)
  // and 0.91 (Fe-Ni-Cu); on a batch of unrelated powder mixtures the adapted patterns absorb
  // the phases the library lacks (worst 0.07 and 0.12 in the two runs on the dara scans, the
  // NiO card at 0.64), and then the first stage, the cards' own patterns, is the measurement.
  std::optional<DecompositionResult> kept;
  CardAssignment assigned;
  double worst_rejected = 1.0;
  for (DecompositionResult& run : AdaptedPhaseSearch(library, c, cards, least, fitter.points(), s, progress).run()) {
    CardAssignment a = assignCards(run, chosen, cards, fitter);
    double worst = 1.0;
    const PhaseUse use = useOf(run);
    for (std::size_t i = 0; i < a.card_of.size(); ++i)
      if (a.card_of[i] >= 0 && use.present[i] > 0) worst = std::min(worst, a.cosine[i]);
    if (worst < kNamedCosine) {
      worst_rejected = std::min(worst_rejected, worst);
      continue;
    }
    if (!kept || run.loss_history.back() < kept->loss_history.back()) {
      kept = std::move(run);
      assigned = std::move(a);
    }
  }
  if (!kept) {
    LibraryDecomposition first = chosen;
    first.refit_rejected = true;
    first.refit_rejected_cosine = worst_rejected;
    return first;
  }
  DecompositionResult fit = std::move(*kept);
  const std::size_t k = static_cast<std::size_t>(fit.phases);

  // Names: the first stage put its cards where it found them (assignCards). A phase left without
  // a card, or whose adapted pattern matches its card below kNamedCosine, is a free phase (a
  // card missing from the library, or one the data changed beyond recognition).
  LibraryDecomposition out;
  out.rounds = chosen.rounds;
  out.changed_last_round = chosen.changed_last_round;
  out.refit_iterations = fit.iterations;
  fit.phase_names.assign(k, "");
  fit.confidence.assign(n * k, 0.0F);
  std::vector<std::size_t> present;
  int unnamed = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const int j = assigned.card_of[i];
    const double cosine = j >= 0 ? assigned.cosine[i] : 0.0;
    const std::size_t from = j >= 0 ? cards[static_cast<std::size_t>(j)] : kc;
    const bool named = from < kc && cosine >= kNamedCosine;
    fit.phase_names[i] = named ? c.phase_names[from] : "free " + std::to_string(++unnamed);
    if (named) copyConfidence(c, from, i, fit);
    bool used = false;
    for (std::size_t t = 0; t < n && !used; ++t) used = fit.activations[t * k + i] > 0;
    if (used) {
      present.push_back(i);
      out.reference.push_back(named ? chosen.reference[from] : -1);
      out.card_cosine.push_back(named ? cosine : 0.0);
    }
  }
  keepUsedStrongestFirst(fit, out, present);
  out.result = std::move(fit);
  return out;
}

}  // namespace phasewise::core
