#pragma once
// Library-guided phase mapping (../shared/DESIGN.md, "the candidate phases"): each sample is
// explained by a few candidate phases of a reference library, each with its own lattice scale
// (a continuous shift on the log-Q grid, bounded) and peak width (the best of a few rendered
// width variants), plus a smooth background, under the sample's Gibbs limit. Phases are chosen
// greedily by correlation with what is still unexplained and fitted by non-negative least
// squares; one that does not lower the residual enough is dropped. Connectivity: a phase held
// by a sample's neighbours on the composition graph is favoured there, and the fits are
// repeated until no sample changes (or a cap). Phases the library lacks can be given free NMF
// components fitted to what the library leaves. Identities come straight from the fit, with a
// per-sample confidence: how much better the phase explains its part of the sample than the
// best other candidate (near-twins give low confidence).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "decompose/decomposition.h"
#include "model/library.h"
#include "model/reference_patterns.h"
#include "util/progress.h"

namespace phasewise::core {

struct LibraryFitSettings {
  double max_strain = 0.02;  // largest lattice scale change searched, either way
  double min_gain = 0.01;    // a phase must lower |residual|^2 by this share of |y|^2 to stay
  // At each greedy step, this many of the candidates that correlate best with what is left are
  // fitted, and the one that lowers the residual most is taken (1: the best correlation).
  int step_candidates = 1;
  // A phase whose fitted intensity the data holds less than this share of (PhaseInSample::
  // support: peaks it predicts where the data has none) is not taken, and dropped (0: off).
  // Half by default: on the spreads nothing changes, on a batch of real powder mixtures
  // (phasewise-bench identify) false phases fall from 14 to 6-9 with recall unchanged; 0.65,
  // the single-pattern value, costs Al-Li-Fe a phase (fraction L1 0.031 -> 0.054).
  double min_support = 0.5;
  // Candidates a sample's fit tries: those that correlate best with the sample itself, at least
  // this many (and 4 per phase allowed); 0: every candidate. A minor phase beside a strong one
  // the library lacks may correlate poorly with the whole pattern.
  std::size_t screened = 16;
  // A phase whose peaks data unrelated to it would hold as often (PhaseInSample::chance) with
  // a chance above this is not taken, and dropped (1: off): a few peaks that fall on a missing
  // phase's peaks are not evidence of a phase.
  double max_chance = 1.0;
  bool connectivity = true;      // favour phases the neighbours hold
  double neighbour_bonus = 0.5;  // score x (1 + bonus x share of neighbours holding the phase)
  // One card per family across the library: candidates whose patterns agree above this cosine
  // (best over the strain range) are near-twins; only the family member used most is kept, and
  // a phase used by fewer than `min_samples` samples (0: leastSamplesPerPhase) is dropped.
  double twin_cosine = 0.85;
  std::size_t min_samples = 0;
  int max_rounds = 8;        // fits of every sample, at most (stops when none changes)
  int background_terms = 3;  // Bernstein polynomial background per sample
  // How the background is found. Off: with the phases, by least squares, best when the library
  // explains the pattern; a phase the library lacks then lifts it into the valleys between
  // peaks, and weak phases there look unsupported. On: fitted first to the data's lower
  // envelope (the polynomial refitted to min(data, itself) until it settles, the "modified
  // polynomial" baseline of spectroscopy) and held fixed while phases are chosen.
  bool envelope_background = false;
  // Each candidate tried at a greedy step is fitted at every width variant (each at its best
  // shift) and keeps the width that lowers the residual most. Off: the width that correlates
  // best with what is left, which a missing phase's nearby peaks pull towards broad variants.
  bool width_by_residual = true;
  std::size_t log_points = 0;   // log-Q grid, at most the library's point count; 0: 1200
  int free_phases = 0;          // free NMF components for what the library does not explain
  int default_phase_limit = 3;  // Gibbs limit where the library gives none
  // Second stage: the phases chosen are measured by the shift-aware decomposition, their
  // patterns free to adapt (texture, widths, solid-solution shifts beyond max_strain); see
  // library_refit.h. Off: the cards' own patterns and the first stage's fractions.
  bool refit = true;
  // Cards that draw one phase (a solid solution taken piecewise: the same peaks in the samples
  // that hold both; phase_merge.h) are reported as one phase.
  bool merge_same_phase = true;
  // Phases with an element foreign to the library (phase_chemistry.h) are left out unless set.
  bool keep_foreign = false;
  // A library without a neighbour graph (a batch of scans: no composition spread) has no
  // regions and no neighbours to favour: each sample is then fitted as the single-pattern
  // analysis fits one (singlePatternFit below) instead of with the spread values above.
  bool batch_as_single_patterns = true;
  unsigned threads = 0;  // 0: all cores
};

// One phase in one sample's fit.
struct PhaseInSample {
  int phase = 0;          // index into the references
  int variant = 0;        // width variant
  double shift_bins = 0;  // on the log-Q grid (positive: peaks at higher Q, a smaller lattice)
  double activation = 0;  // of the variant's pattern scaled to a maximum of 1
  double confidence = 0;  // 0..1
  double support = 0;     // share of the phase's fitted intensity the data holds (0..1)
  // How likely as many of the phase's peaks would be held by chance (LibraryFitter::chanceOf);
  // measured in single-pattern fits (envelope_background or max_chance set), else 1.
  double chance = 1;
};

struct SampleFit {
  std::vector<PhaseInSample> phases;
  std::vector<double> background;  // Bernstein coefficients
  double residual = 0;             // |y - fit|^2
  double norm = 0;                 // |y|^2
  // The data's noise (envelope_background only; else 0): a phase's fitted intensity counts as
  // held where the data comes within this of it, since noise cannot refute less.
  double noise = 0;
};

// The references on a log-Q grid, ready to fit samples given on that grid.
class LibraryFitter {
 public:
  // log_q: the grid (Q, increasing, uniform in log Q); references on any axis.
  LibraryFitter(const ReferencePatterns& references, const Axis& log_q, const LibraryFitSettings& settings);
  // y: one pattern on the grid. `bonus`: per reference phase, empty for none; `allowed`: per
  // reference phase, empty for all; `screening`: screen(y) when the caller kept it (the
  // rounds of a library fit refit the same samples), else computed here.
  [[nodiscard]] SampleFit fit(const float* y, int limit, const std::vector<double>& bonus = {},
                              const std::vector<char>& allowed = {},
                              const std::vector<double>* screening = nullptr) const;
  // Per reference phase: how well it correlates with y itself (the best over widths and the
  // strain range), which decides the candidates a sample's fit tries.
  [[nodiscard]] std::vector<double> screen(const float* y) const;
  // |residual|^2 of `fit` with its phase `which` replaced by reference `phase` (its best width
  // and shift against what the others leave), re-fitted.
  [[nodiscard]] double residualWith(const float* y, const SampleFit& fit, std::size_t which, int phase) const;
  // Cosine of two references' patterns, the best over the strain range (both middle variants).
  [[nodiscard]] double similarity(int a, int b) const;
  // Cosine of a pattern on the grid with a reference, the best over its widths and the strain range.
  [[nodiscard]] double cosineTo(const float* w, int phase) const;
  [[nodiscard]] std::size_t phases() const { return phases_; }
  // One phase's contribution to a fit on the grid (activation x shifted variant).
  void contribution(const PhaseInSample& p, float* out) const;
  void background(const SampleFit& fit, float* out) const;
  [[nodiscard]] const float* pattern(int phase, int variant) const;  // maximum 1, on the grid
  [[nodiscard]] std::size_t points() const { return points_; }
  [[nodiscard]] double logBinWidth() const { return log_bin_width_; }

 private:
  struct Scored {
    double score = 0;
    int variant = 0;
    double shift = 0;
  };
  [[nodiscard]] Scored bestShift(const float* r, int phase) const;  // the best over the widths
  [[nodiscard]] Scored bestShiftOf(const float* r, int phase, std::size_t variant) const;
  // `fit` with `phase` added at the placement (width, shift) that lowers the residual most, and
  // its |residual|^2; nullopt when the data does not hold it there (admissible). r: what the
  // fit left before.
  [[nodiscard]] std::optional<std::pair<SampleFit, double>> withCandidate(const float* y, const float* r,
                                                                          const SampleFit& fit,
                                                                          const PhaseInSample& phase) const;
  // Phase `which` of the fit passes the support and chance tests (those that are on).
  [[nodiscard]] bool admissible(const float* y, const SampleFit& fit, std::size_t which) const;
  // NNLS; returns |residual|^2. With envelope_background, fit.background is held as it is.
  [[nodiscard]] double solve(const float* y, SampleFit& fit) const;
  // Bernstein coefficients of y's lower envelope, taken through the middle of the noise
  // (envelope_background); `noise` as SampleFit::noise.
  [[nodiscard]] std::vector<double> envelopeOf(const float* y, double noise) const;
  // y less the fit's background and every phase but `skip` (fit.phases.size(): none skipped).
  [[nodiscard]] std::vector<float> unexplained(const float* y, const SampleFit& fit, std::size_t skip) const;
  // What the data holds of phase `which`'s fitted contribution: min(contribution, what the
  // others and the background leave), point by point; `own` receives the contribution.
  [[nodiscard]] std::vector<float> heldPart(const float* y, const SampleFit& fit, std::size_t which,
                                            std::vector<float>& own) const;
  [[nodiscard]] double supportOf(const float* y, const SampleFit& fit, std::size_t which) const;
  // The chance that data unrelated to the phase would hold as many of its peaks: each peak but
  // the strongest (which the fit's scale and shift were chosen to match) counts as held when
  // the data holds half its fitted intensity, and by chance it is held as often as a point of
  // what the other phases leave reaches half its height; peaks independent (Poisson-binomial
  // tail). A phase of a few peaks that happen to fall on a missing phase's peaks scores high;
  // a phase of many peaks, most of them held, scores near 0.
  [[nodiscard]] double chanceOf(const float* y, const SampleFit& fit, std::size_t which) const;
  [[nodiscard]] double confidenceOf(const float* y, const SampleFit& fit, std::size_t which,
                                    const std::vector<int>& rivals) const;

  LibraryFitSettings settings_;
  std::size_t phases_ = 0, variants_ = 0, points_ = 0;
  int max_shift_ = 0;
  double log_bin_width_ = 0;
  std::vector<float> patterns_;  // phases x variants x points, maximum 1
  std::vector<double> norms_;    // L2 norm of each
  std::vector<float> basis_;     // background terms x points
};

struct LibraryDecomposition {
  // Phases: the library phases found (by total activation), then the free ones; phase_names
  // and confidence filled.
  DecompositionResult result;
  std::vector<int> reference;  // per result phase: index into the references, -1 for free
  int rounds = 0;
  int changed_last_round = 0;  // samples whose phases changed in the last round (0: converged)
  // With refit: per result phase, the cosine of its adapted pattern with its card (1 without).
  std::vector<double> card_cosine;
  int refit_iterations = 0;  // of the second stage (0: none)
  // The second stage ran but was not kept: its adapted patterns had stopped being their cards
  // (refit_rejected_cosine: the lowest such cosine).
  bool refit_rejected = false;
  double refit_rejected_cosine = 0;
  int foreign_left_out = 0;      // candidates left out for an element the library does not hold
  bool fitted_as_batch = false;  // no neighbour graph: each sample fitted as a single pattern
  // Per result phase: the other cards (indices into the references) that drew the same phase
  // and were merged into it (merge_same_phase); empty for most.
  std::vector<std::vector<int>> also_drawn_as;
};

// The settings of a single-pattern fit (identify --phases-from), from `base`: powders have
// little strain, so look-alikes stay apart (1 %); one pattern is cheap to fit, so every
// candidate is tried and at each step the 16 best by correlation are fitted, taking the largest
// real gain; a phase must be held by the data (support >= 0.65) rather than cover a missing
// phase's peaks with peaks of its own, and its peaks must not be held as often by chance
// (chance <= 0.02); those tests, not the gain (0.2 % of |y|^2), keep false phases out. The
// background is the data's lower envelope: a single pattern often holds a phase the library
// lacks, and a background fitted with the phases rises into its valleys and hides weak phases
// (30 wt % Li2CO3 beside NiO and anatase). A log-Q grid of 3000 points (at most the pattern's
// own, unless base sets one): a lab scan's narrow peaks; a batch fitted on the spreads' 1200
// lost 10 wt % NiO in one scan. Measured on the dara mixtures (phasewise-bench identify):
// envelope and chance together take recall from 89.5 to 94.7 % and false phases from 2-3 to 1-2.
[[nodiscard]] LibraryFitSettings singlePatternFit(LibraryFitSettings base);

// The fewest samples a card must hold to be kept: settings.min_samples, else, where the library
// has a neighbour graph (a spread, whose phases hold regions), 1 % of the samples and at least
// 2; in a batch of unrelated samples (no graph) one sample is enough.
[[nodiscard]] std::size_t leastSamplesPerPhase(const LibraryFitSettings& settings, const Library& library);

// Throws CancelledError when progress says stop.
[[nodiscard]] LibraryDecomposition decomposeWithLibrary(const Library& library, const ReferencePatterns& references,
                                                        const LibraryFitSettings& settings,
                                                        const ProgressCallback& progress = nullptr);

}  // namespace phasewise::core
