// `phasewise-bench refine`: the classifier and imitation refinement, measured against the
// truth. One classifier per reference library, every refiner as a row of one table, on:
//  (a) synthetic imperfect candidates (>= 2,000, fixed seed) and a harder variant (2-3
//      contaminants, strain up to 3 %, broadened peaks), from the Al-Li-Fe stick library;
//  (b) the Al-Li-Fe decomposition's candidates against the true phase patterns;
//  (c) the Fe-Ni-Cu spread (simulated independently of Phasewise; near-twin decoys):
//      decompose, identify, refine, score.
// Per row: top-1 / top-3 (by formula for the libraries), cosine and relative L1 of the
// candidates to their true pure patterns before -> after, how many rose, the change, ECE.
// Then speed: refining one candidate, and training throughput against PyTorch (same run).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "arguments.h"
#include "bench_commands.h"
#include "bench_support.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "io/npy.h"
#include "io/registry.h"
#include "learn/class_chemistry.h"
#include "learn/classifier.h"
#include "learn/imperfect.h"
#include "learn/nearest_neighbour.h"
#include "learn/refinement_score.h"
#include "learn/refiner.h"
#include "learn/unmixing.h"
#include "model/resample.h"
#include "simulate/reference_render.h"
#include "simulate/stick_tables.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct CandidateSet {
  std::string name;
  std::vector<float> patterns, pure;  // count x classifier points
  std::vector<int> truth;             // library index of each candidate's true phase
  // The elements of the library the candidates come from: as refine and identify do by default,
  // the classifier's phases holding another element are ruled out (empty: none is).
  std::vector<std::string> elements;
  // The library the candidates' phases come from, rendered on the classifier's grid, for the
  // unmixing rows (none: the rows are left out).
  std::shared_ptr<const core::ReferencePatterns> references;
  [[nodiscard]] std::size_t count() const { return truth.size(); }
};

struct BenchOptions {
  int steps = 60;
  double lambda_additive = 1.0, lambda_physical = 1.0;
  int refiner_epochs = 10;
  core::PhysicalEditSettings physical;
  bool details = false;          // per-candidate lines (small sets)
  bool classifier_only = false;  // the classifier's rows only, no refiner (calibration work)
  core::UnmixingSettings unmixing;
};

struct Variant {
  const char* name;
  core::RefinerKind refiner;
  core::RefinementMode mode;
  core::EvaluationLoss loss;
  // Projection rows keep what one target explains, nothing brought back: the cheapest of the
  // classifier's first `targets` guesses (1: its first guess alone, so that the identity stays
  // the unrefined classifier's and only the pattern is cleaned).
  bool projection = false;
  int targets = 3;
};
constexpr Variant kVariants[] = {
    {"additive, entropy", core::RefinerKind::Additive, core::RefinementMode::PerPattern, core::EvaluationLoss::Entropy},
    {"additive, best-target", core::RefinerKind::Additive, core::RefinementMode::PerPattern,
     core::EvaluationLoss::BestTarget},
    {"additive, amortised", core::RefinerKind::Additive, core::RefinementMode::Amortised,
     core::EvaluationLoss::Entropy},
    {"physical, entropy", core::RefinerKind::Physical, core::RefinementMode::PerPattern, core::EvaluationLoss::Entropy},
    {"physical, best-target", core::RefinerKind::Physical, core::RefinementMode::PerPattern,
     core::EvaluationLoss::BestTarget},
    {"physical, prototype", core::RefinerKind::Physical, core::RefinementMode::PerPattern,
     core::EvaluationLoss::Prototype},
    {"physical, projection", core::RefinerKind::Physical, core::RefinementMode::PerPattern,
     core::EvaluationLoss::BestTarget, true, 3},
    {"physical, projection, top-1", core::RefinerKind::Physical, core::RefinementMode::PerPattern,
     core::EvaluationLoss::BestTarget, true, 1},
};

// Guesses kept per prediction: enough that the cards of the top-1's formula are all among them.
constexpr int kGuesses = 10;

std::vector<std::vector<int>> tops(const std::vector<core::Prediction>& p) {
  std::vector<std::vector<int>> out;
  for (const auto& x : p) out.push_back(x.top);
  return out;
}
// The stated probability of what is scored: identity is scored by formula (a library may hold
// several cards of one phase), so the top-1's probability is that of its formula, the sum over
// the cards among the first guesses that `same` calls the top-1's phase.
std::vector<double> confidences(const std::vector<core::Prediction>& p, const std::function<bool(int, int)>& same) {
  std::vector<double> out;
  for (const auto& x : p) {
    double sum = 0;
    for (std::size_t i = 0; i < x.top.size() && i < x.probability.size(); ++i)
      if (i == 0 || same(x.top[i], x.top[0])) sum += x.probability[i];
    out.push_back(std::min(1.0, sum));
  }
  return out;
}

void printHeader() {
  std::cout << "    " << std::left << std::setw(26) << "row" << std::right << std::setw(7) << "top-1" << std::setw(7)
            << "top-3" << std::setw(17) << "cosine to truth" << std::setw(8) << "rose" << std::setw(9) << "worst"
            << std::setw(16) << "L1 to truth" << std::setw(8) << "change" << std::setw(7) << "ECE" << std::setw(8)
            << "p>.99x" << std::setw(8) << "s"
            << "\n";
}
void printRow(const std::string& name, const core::RefinementScore& s, double seconds) {
  std::cout << "    " << std::left << std::setw(26) << name << std::right << std::fixed << std::setprecision(1)
            << std::setw(6) << s.top1 << "%" << std::setw(6) << s.top3 << "%" << std::setprecision(3) << std::setw(8)
            << s.cosine_before << " -> " << std::setw(5) << s.cosine_after << std::setprecision(0) << std::setw(7)
            << s.cosine_rose << "%" << std::setprecision(3) << std::setw(9) << s.worst_cosine_change << std::setw(7)
            << s.l1_before << " -> " << std::setw(5) << s.l1_after << std::setw(8) << s.mean_change;
  if (s.calibrated)
    std::cout << std::setw(7) << s.calibration.ece << std::setw(8) << s.calibration.overconfident_wrong;
  else
    std::cout << std::setw(7) << "-" << std::setw(8) << "-";
  std::cout << std::setprecision(1) << std::setw(8) << seconds << "\n";
}

void printCandidates(const core::PhaseClassifier& c, const CandidateSet& set,
                     const std::vector<core::RefinedPattern>& refined) {
  const std::size_t m = c.points();
  const auto& names = c.phaseNames();
  for (std::size_t i = 0; i < refined.size(); ++i) {
    const auto& r = refined[i];
    const float* pure = set.pure.data() + i * m;
    std::cout << "      candidate " << i + 1 << " (truth " << formulaOf(names[static_cast<std::size_t>(set.truth[i])])
              << "): " << formulaOf(names[static_cast<std::size_t>(r.before.top[0])]) << " " << std::setprecision(2)
              << r.before.probability[0] << " -> " << formulaOf(names[static_cast<std::size_t>(r.after.top[0])]) << " "
              << r.after.probability[0] << ", cosine " << std::setprecision(3)
              << core::cosineOf(set.patterns.data() + i * m, pure, m) << " -> "
              << core::cosineOf(r.pattern.data(), pure, m) << "; " << r.edit.describe() << "\n";
  }
}

// The reliability table behind an ECE: per confidence bin with candidates, how many, their
// mean stated top-1 probability and how often that top-1 is right.
void printReliability(const core::CalibrationReport& report) {
  std::cout << "      reliability (bin: count, stated -> right):";
  for (const core::ReliabilityBin& b : report.bins)
    if (b.count > 0)
      std::cout << " " << std::setprecision(1) << b.lower << "-" << b.upper << ": " << b.count << ", "
                << std::setprecision(3) << b.mean_confidence << " -> " << b.accuracy << ";";
  std::cout << "\n";
}

// The open-set score on the unrefined classifier's top-1s: how many right ones it refuses
// ("unknown"; about Prediction::kUnknownBelow of in-library candidates by construction) and how
// many wrong ones, and the wrong ones named above 0.99 once "unknown" stands in for the refused.
void printOpenSet(const std::vector<core::Prediction>& predictions, const std::vector<int>& truth,
                  const std::function<bool(int, int)>& same) {
  if (predictions.empty() || !predictions.front().typicality) return;
  int right = 0, right_unknown = 0, wrong = 0, wrong_unknown = 0, confident_wrong = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const core::Prediction& p = predictions[i];
    const bool ok = same(p.top[0], truth[i]), unknown = p.unknown();
    (ok ? right : wrong) += 1;
    (ok ? right_unknown : wrong_unknown) += unknown;
    confident_wrong += !ok && !unknown && p.probability[0] > 0.99;
  }
  std::cout << "    open set (typicality < " << std::setprecision(2) << core::Prediction::kUnknownBelow
            << ": \"unknown\"): right top-1s refused " << right_unknown << " of " << right << ", wrong top-1s refused "
            << wrong_unknown << " of " << wrong << ", wrong named at p > 0.99: " << confident_wrong << "\n";
}

// Every row of the table on one candidate set, with the same classifier.
// One refiner's row (and, for the physical refiner, what it removed) on a candidate set.
void runVariant(const core::PhaseClassifier& c, const CandidateSet& set, const Variant& v, const BenchOptions& o,
                const std::function<bool(int, int)>& same) {
  const std::size_t m = c.points();
  core::RefinementSettings s;
  s.refiner = v.refiner;
  s.mode = v.mode;
  s.loss = v.loss;
  s.lambda = v.refiner == core::RefinerKind::Physical ? o.lambda_physical : o.lambda_additive;
  s.steps = v.mode == core::RefinementMode::Amortised ? o.refiner_epochs : o.steps;
  s.physical = o.physical;
  s.physical.restore = !v.projection;
  s.candidate_targets = v.targets;
  s.top_k = kGuesses;
  s.allowed_classes = core::classesWithinChemistry(c.phaseFormulas(), set.elements);
  const auto start = Clock::now();
  const auto refined = core::refine(c, set.patterns, s);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<float> after;
  std::vector<core::Prediction> predictions;
  for (const auto& r : refined) {
    after.insert(after.end(), r.pattern.begin(), r.pattern.end());
    predictions.push_back(r.after);
  }
  printRow(v.name,
           core::scoreRefinement(tops(predictions), confidences(predictions, same), set.truth, set.patterns, after,
                                 set.pure, m, same),
           seconds);
  if (v.refiner == core::RefinerKind::Physical) {
    // The change in the terms: intensity removed as peaks and as background.
    double peaks = 0, background = 0;
    for (const auto& r : refined) {
      peaks += r.edit.removed_fraction - r.edit.background_fraction;
      background += r.edit.background_fraction;
    }
    const double count = static_cast<double>(std::max<std::size_t>(1, refined.size()));
    std::cout << "      removed (mean share of the observed intensity): peaks " << std::setprecision(1)
              << 100 * peaks / count << " %, background " << 100 * background / count << " %\n";
  }
  if (v.projection) {
    // The projection's identity is the target whose peaks it kept (the cheapest explanation
    // among the classifier's first guesses), not the classifier's reading of what is left.
    std::vector<std::vector<int>> ranked;
    for (const auto& r : refined) {
      std::vector<int> order{r.edit.target >= 0 ? r.edit.target : r.after.top.front()};
      for (int t : r.before.top)
        if (t != order.front()) order.push_back(t);
      ranked.push_back(order);
    }
    printRow("  ... its target as identity",
             core::scoreRefinement(ranked, {}, set.truth, set.patterns, after, set.pure, m, same), seconds);
  }
  if (o.details && v.refiner == core::RefinerKind::Physical && v.loss == core::EvaluationLoss::BestTarget)
    printCandidates(c, set, refined);
}

// Library unmixing (learn/unmixing.h), as `refine --unmix-with` does it: the candidate less
// the other phases the library fit finds in it and the background, the classifier's first
// guess kept where the fit finds it, named by the classifier; then the fit's own identity (its
// phases by intensity fraction, the largest kept).
void runUnmixing(const core::PhaseClassifier& c, const CandidateSet& set, const std::vector<core::Prediction>& before,
                 const BenchOptions& o, const std::function<bool(int, int)>& same) {
  if (!set.references) return;
  const std::size_t m = c.points();
  core::UnmixingSettings settings = o.unmixing;
  settings.fit.elements = set.elements;
  const std::vector<char> allowed = core::classesWithinChemistry(c.phaseFormulas(), set.elements);
  auto start = Clock::now();
  const auto refined = core::unmixCandidates(c, set.patterns, *set.references, settings, kGuesses, allowed);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<float> after;
  std::vector<core::Prediction> named;
  double phases = 0, background = 0;
  for (const auto& r : refined) {
    after.insert(after.end(), r.pattern.begin(), r.pattern.end());
    named.push_back(r.after);
    phases += r.edit.removed_fraction - r.edit.background_fraction;
    background += r.edit.background_fraction;
  }
  printRow(
      "unmixing (first guess kept)",
      core::scoreRefinement(tops(named), confidences(named, same), set.truth, set.patterns, after, set.pure, m, same),
      seconds);
  const double count = static_cast<double>(std::max<std::size_t>(1, set.count()));
  std::cout << "      removed (mean share of the observed intensity): other phases " << std::setprecision(1)
            << 100 * phases / count << " %, background " << 100 * background / count << " %\n";
  if (set.count() < 10)
    for (std::size_t i = 0; i < set.count(); ++i)
      std::cout << "      candidate " << i + 1 << ": cosine " << std::setprecision(3)
                << core::cosineOf(set.patterns.data() + i * m, set.pure.data() + i * m, m) << " -> "
                << core::cosineOf(after.data() + i * m, set.pure.data() + i * m, m) << "; "
                << refined[i].edit.describe() << "\n";
  // The fit alone: its largest phase kept, its phases by intensity fraction as the identity.
  start = Clock::now();
  std::vector<std::vector<int>> fit_ranked;
  std::vector<float> fit_after;
  for (std::size_t i = 0; i < set.count(); ++i) {
    const core::UnmixedCandidate u =
        core::unmixCandidate(c.grid(), set.patterns.data() + i * m, *set.references, settings);
    fit_after.insert(fit_after.end(), u.pattern.begin(), u.pattern.end());
    std::vector<int> order;
    if (u.kept >= 0) order.push_back(u.kept);
    for (const core::RemovedPhase& p : u.twins) order.push_back(p.reference);
    for (const core::RemovedPhase& p : u.removed) order.push_back(p.reference);
    fit_ranked.push_back(order.empty() ? before[i].top : order);
  }
  printRow("unmixing, fit's identity",
           core::scoreRefinement(fit_ranked, {}, set.truth, set.patterns, fit_after, set.pure, m, same),
           std::chrono::duration<double>(Clock::now() - start).count());
}

void runRows(const core::PhaseClassifier& c, const core::NearestNeighbour& nn, const CandidateSet& set,
             const BenchOptions& o) {
  const std::size_t m = c.points();
  const auto& names = c.phaseNames();
  const auto same = [&](int a, int b) {
    return formulaOf(names[static_cast<std::size_t>(a)]) == formulaOf(names[static_cast<std::size_t>(b)]);
  };
  const std::vector<char> allowed = core::classesWithinChemistry(c.phaseFormulas(), set.elements);
  std::cout << "  " << set.name << " (" << set.count() << " candidates";
  if (const auto out = std::count(allowed.begin(), allowed.end(), 0); out > 0)
    std::cout << "; " << out << " of " << allowed.size()
              << " phases ruled out by the library's elements, as refine does, except for the nearest neighbour";
  std::cout << "):\n";
  printHeader();
  auto start = Clock::now();
  const auto nn_rank = nn.rank(set.patterns, 3);
  printRow("nearest neighbour (cosine)",
           core::scoreRefinement(nn_rank, {}, set.truth, set.patterns, set.patterns, set.pure, m, same),
           std::chrono::duration<double>(Clock::now() - start).count());
  start = Clock::now();
  const auto before = c.predict(set.patterns, kGuesses, core::RefinableClassifier::Temperature::PerInput, allowed);
  const core::RefinementScore unrefined = core::scoreRefinement(tops(before), confidences(before, same), set.truth,
                                                                set.patterns, set.patterns, set.pure, m, same);
  printRow("unrefined classifier", unrefined, std::chrono::duration<double>(Clock::now() - start).count());
  if (set.count() >= 100) {
    printReliability(unrefined.calibration);
    // The confident mistakes, by name: what the classifier took the candidate for.
    const std::vector<double> stated = confidences(before, same);
    for (std::size_t i = 0; i < set.count(); ++i)
      if (stated[i] > 0.99 && !same(before[i].top[0], set.truth[i]))
        std::cout << "      wrong at p > 0.99: candidate " << i << ", truth "
                  << formulaOf(names[static_cast<std::size_t>(set.truth[i])]) << ", named "
                  << formulaOf(names[static_cast<std::size_t>(before[i].top[0])]) << " at " << std::setprecision(4)
                  << stated[i] << (before[i].typicality ? ", typicality " + std::to_string(*before[i].typicality) : "")
                  << "\n";
  }
  if (c.temperatureSlope() > 0) {
    // What the distance-dependent temperature buys: the same network at its one temperature.
    const auto one = c.predict(set.patterns, kGuesses, core::RefinableClassifier::Temperature::One, allowed);
    printRow("  ... at one temperature",
             core::scoreRefinement(tops(one), confidences(one, same), set.truth, set.patterns, set.patterns, set.pure,
                                   m, same),
             0.0);
  }
  printOpenSet(before, set.truth, same);
  if (!set.pure.empty()) {
    // What a perfect refinement would reach: the classifier on the true pure patterns.
    const auto ceiling = c.predict(set.pure, kGuesses, core::RefinableClassifier::Temperature::PerInput, allowed);
    printRow("ceiling: classifier on truth",
             core::scoreRefinement(tops(ceiling), confidences(ceiling, same), set.truth, set.patterns, set.pure,
                                   set.pure, m, same),
             0.0);
  }
  runUnmixing(c, set, before, o, same);
  if (o.classifier_only) return;
  for (const Variant& v : kVariants) runVariant(c, set, v, o, same);
}

bool stickMarchDollase(const Arguments& arguments, const char* option, bool fallback) {
  return core::stickTextureIsMarchDollase(arguments.value(option).value_or(core::stickTextureName(fallback)));
}

core::ClassifierSettings classifierSettings(const CommandContext& context, const Arguments& arguments, double q_min,
                                            double q_max, const fs::path& data_folder) {
  core::ClassifierSettings settings;
  // --widths-from-data: train (and draw the synthetic candidates) as broad as the library's
  // own peaks, as `train --fwhm-like` does.
  if (arguments.flag("widths-from-data") && !settings.setPeakWidthsLike(context.registry.read(data_folder).library))
    throw core::Error("no peak width could be measured on " + data_folder.string());
  settings.grid.spec = {core::AxisKind::Q, core::AxisUnit::InverseNanometre};
  const auto points = static_cast<int>(arguments.integer("points", static_cast<int>(1024), 2, 1000000));
  for (int i = 0; i < points; ++i) settings.grid.values.push_back(q_min + (q_max - q_min) * i / (points - 1));
  settings.patterns_per_phase =
      static_cast<std::size_t>(arguments.integer("per-phase", static_cast<int>(100), 1, 1000000));
  settings.epochs = static_cast<int>(arguments.integer("epochs", static_cast<int>(8), 1, 10000));
  settings.threads = static_cast<unsigned>(arguments.integer("threads", static_cast<int>(0), 0, 1024));
  settings.seed = static_cast<std::uint64_t>(arguments.integer("seed", static_cast<int>(settings.seed), 0, 1 << 30));
  settings.candidate_share = arguments.number("candidate-share", 0.5);
  // --train-strain: the largest lattice strain the training draws (ClassifierSettings).
  settings.setLatticeStrain(arguments.number("train-strain", settings.augmentation.strain, 0.0, 0.2));
  settings.calibrate_on_candidates = settings.candidate_share >= 0;
  settings.heavier_calibration_share = arguments.number("heavier-calibration", settings.heavier_calibration_share);
  settings.class_temperatures = arguments.number("class-temperatures", 1.0) != 0.0;
  // --stick-texture: the stick cards' texture in training (and, unless --candidate-texture says
  // otherwise, in the synthetic candidates: runBenchRefine).
  settings.setStickMarchDollase(stickMarchDollase(arguments, "stick-texture", false));
  return settings;
}

core::PhaseClassifier trainReported(const core::PhaseLibrary& library, const core::ClassifierSettings& settings,
                                    const std::string& what, core::TrainingReport& training) {
  std::cout << std::fixed << "Classifier: " << library.size() << " " << what << " stick phases, "
            << settings.patterns_per_phase << " augmented patterns each (" << std::setprecision(0)
            << 100 * settings.candidate_share << " % corrupted like decomposed candidates), grid Q "
            << std::setprecision(1) << settings.grid.values.front() << "-" << settings.grid.values.back() << " nm^-1 x "
            << settings.grid.values.size() << "\n";
  core::PhaseClassifier classifier = core::PhaseClassifier::train(library, settings, &training);
  std::cout << "  " << training.epochs_run << " epochs, validation accuracy (ideal patterns) " << std::setprecision(3)
            << training.best_validation_accuracy << ", temperature " << training.temperature << " x (1 + "
            << std::setprecision(2) << training.temperature_slope << " x distance to the prototype) fitted on "
            << training.calibrated_on << ", " << std::setprecision(1) << training.seconds << " s on "
            << training.threads << " threads, " << std::setprecision(0) << training.patterns_per_second << " patterns/s"
            << (training.restarts
                    ? ", restarted " + std::to_string(training.restarts) + "x (first epoch learnt nothing)"
                    : std::string())
            << "\n";
  if (training.classes_less_sure > 0)
    std::cout << "  " << training.classes_less_sure << " phases named less surely: temperature raised up to "
              << std::setprecision(2) << training.largest_class_factor << " x (" << training.least_sure_class << ")\n";
  return classifier;
}

// The decomposition's candidates on the classifier's grid, each with the matched true phase's
// summed signal as its pure pattern.
CandidateSet decomposedCandidates(const CommandContext& context, const fs::path& folder, int phases,
                                  const core::PhaseClassifier& c, const std::vector<int>& truth_index,
                                  const core::PhaseLibrary& library) {
  const core::Library lib = context.registry.read(folder).library;
  core::DecompositionSettings decomposition;
  decomposition.phases = phases;
  const core::DecompositionResult result = core::decompose(lib, decomposition);
  const core::GroundTruth truth = core::loadDrnetsTruth(folder);
  const std::vector<double> q =
      core::convertAxis(lib.axis, {core::AxisKind::Q, core::AxisUnit::InverseNanometre}).values;
  const core::Evaluation match = core::evaluate(q, result.bases, phases, result.activations, truth);
  const core::Axis truth_axis{{core::AxisKind::Q, core::AxisUnit::InverseNanometre}, truth.q, std::nullopt};
  CandidateSet set;
  set.elements = lib.elements;
  set.references =
      std::make_shared<const core::ReferencePatterns>(core::renderReferencesFor(library, c.grid(), "CuKa1"));
  set.name = folder.filename().string() + " decomposed (K = " + std::to_string(phases) + "), matched cosine " +
             std::to_string(match.match.mean_cosine).substr(0, 5) + ", fraction L1 " +
             std::to_string(match.fraction_l1).substr(0, 5);
  for (int k = 0; k < phases; ++k) {
    const int t = match.match.true_for_found[static_cast<std::size_t>(k)];
    if (t < 0) continue;  // a component with no true phase has no truth to score against
    const std::vector<float> one = c.prepare(lib.axis, &result.bases[static_cast<std::size_t>(k) * lib.points()]);
    set.patterns.insert(set.patterns.end(), one.begin(), one.end());
    const std::vector<float> pure =
        c.prepare(truth_axis, &truth.patterns[static_cast<std::size_t>(t) * truth.q.size()]);
    set.pure.insert(set.pure.end(), pure.begin(), pure.end());
    set.truth.push_back(truth_index[static_cast<std::size_t>(t)]);
  }
  return set;
}

// The library phase whose sticks are each true phase's (stick_bases.tsv against sticks_lib.tsv).
std::vector<int> truePhaseIndices(const core::PhaseLibrary& library, const core::PhaseLibrary& truth,
                                  const core::Axis& grid) {
  const core::NearestNeighbour nn(library, grid);
  const core::NearestNeighbour truth_nn(truth, grid);
  std::vector<int> out;
  for (const auto& r : nn.rank(truth_nn.ideals(), 1)) out.push_back(r.front());
  return out;
}

CandidateSet imperfectSet(const std::string& name, const core::PhaseLibrary& library, const core::Axis& grid,
                          std::size_t count, const core::ImperfectionSettings& settings) {
  const core::ImperfectSet imperfect = core::makeImperfectCandidates(library, grid, "CuKa1", count, 2024, settings);
  return {name,
          imperfect.patterns,
          imperfect.pure,
          imperfect.labels,
          {},
          std::make_shared<const core::ReferencePatterns>(core::renderReferencesFor(library, grid, "CuKa1"))};
}

void compareTrainingWithPyTorch(const core::PhaseLibrary& library, const core::ClassifierSettings& settings,
                                const core::TrainingReport& training) {
  const fs::path script = peerScript("torch_refiner.py");
  // The threads Phasewise's training actually ran on (the free cores when none were asked for).
  const unsigned threads = training.threads   ? training.threads
                           : settings.threads ? settings.threads
                                              : std::max(1U, std::thread::hardware_concurrency());
  const std::string command = pinnedThreads(threads) + "/usr/bin/python3 '" + script.string() + "' " +
                              std::to_string(settings.grid.values.size()) + " " + std::to_string(settings.channels) +
                              " " + std::to_string(library.size()) + " " +
                              std::to_string(settings.patterns_per_phase * library.size()) + " " +
                              std::to_string(settings.batch_size) + " " + std::to_string(threads) + " 2>/dev/null";
  const std::string output = runCapturing(command);
  const auto at = output.find("RESULT");
  if (at == std::string::npos) {
    std::cout << "PyTorch column skipped: "
              << (output.empty() ? "/usr/bin/python3 with torch did not run" : output.substr(0, 200)) << "\n";
    return;
  }
  double rate = 0;
  std::string version;
  std::istringstream(output.substr(at + 6)) >> rate >> version;
  std::cout << "Training throughput, same network and batch, " << threads << " threads each: Phasewise "
            << std::setprecision(0) << training.patterns_per_second << " patterns/s, PyTorch " << version << " " << rate
            << " patterns/s, ratio " << std::setprecision(2) << training.patterns_per_second / rate << "\n";
}

// (a): the synthetic imperfect candidates and the harder variant, from the Al-Li-Fe library.
void runSyntheticSets(const core::PhaseClassifier& classifier, const core::NearestNeighbour& nn,
                      const core::PhaseLibrary& library, const core::ClassifierSettings& settings,
                      const Arguments& arguments, std::size_t count, const BenchOptions& o) {
  // The candidates' widths are the classifier's (the default, or the data's).
  core::ImperfectionSettings harder = core::ImperfectionSettings::harder();
  const double widen = settings.augmentation.width_scale_min / core::AugmentationSettings{}.width_scale_min;
  harder.width_scale_min *= widen;
  harder.width_scale_max *= widen;
  // The benchmark's candidates stay the same whatever the training draws (--train-strain).
  core::ImperfectionSettings synthetic = settings.imperfection;
  synthetic.strain = core::ImperfectionSettings{}.strain;
  synthetic.stick_march_dollase = harder.stick_march_dollase =
      stickMarchDollase(arguments, "candidate-texture", settings.augmentation.stick_march_dollase);
  runRows(classifier, nn, imperfectSet("synthetic imperfect", library, settings.grid, count, synthetic), o);
  runRows(classifier, nn,
          imperfectSet("harder: 2-3 contaminants, strain <= 3 %, broad peaks", library, settings.grid,
                       std::max<std::size_t>(count / 2, 1), harder),
          o);
}
}  // namespace

int runBenchRefine(const CommandContext& context, const Arguments& arguments) {
  const fs::path data = arguments.value("data").value_or("../shared/data");
  const fs::path alfe = data / "drnets/Al-Li-Fe", fenicu = data / "synthetic-spreads/Fe-Ni-Cu";
  std::error_code ec;
  if (!fs::exists(alfe / "sticks_lib.tsv", ec))
    throw core::Error("needs " + (alfe / "sticks_lib.tsv").string() + " (use --data)");
  BenchOptions o;
  o.steps = static_cast<int>(arguments.integer("steps", static_cast<int>(40), 1, 100000));
  o.lambda_physical = arguments.number("lambda", core::defaultLambda(core::RefinerKind::Physical));
  o.lambda_additive = arguments.number("lambda-additive", 1.0);
  o.refiner_epochs = static_cast<int>(arguments.integer("epochs-refiner", static_cast<int>(10), 1, 10000));
  o.physical.max_strain = arguments.number("max-strain", o.physical.max_strain);
  o.physical.max_broadening = arguments.number("max-broadening", o.physical.max_broadening);
  o.physical.strain_cost = arguments.number("strain-cost", o.physical.strain_cost);
  o.classifier_only = arguments.flag("classifier-only");
  o.unmixing.remove_background = arguments.flag("keep-background") == false;
  o.unmixing.fit.fit.envelope_background =
      arguments.integer("envelope-background", o.unmixing.fit.fit.envelope_background ? 1 : 0, 0, 1) == 1;
  const auto count = static_cast<std::size_t>(arguments.integer("candidates", static_cast<int>(2000), 1, 10000000));
  std::cout << "Rows: additive lambda " << o.lambda_additive << ", physical lambda " << o.lambda_physical << ", "
            << o.steps << " steps per pattern (best-target: each of 3 guesses), amortised " << o.refiner_epochs
            << " epochs. Identity by formula; 'rose': candidates whose cosine to the truth rose; 'worst': the "
               "largest cosine fall; 'change': relative L1 change; 'p>.99x': wrong top-1s above 0.99.\n";

  // Al-Li-Fe's 159-phase library: synthetic imperfect sets and the decomposition's candidates.
  const core::PhaseLibrary library = core::readStickTable(alfe / "sticks_lib.tsv");
  const core::ClassifierSettings settings = classifierSettings(context, arguments, 15.0, 80.0, alfe);
  core::TrainingReport training;
  const core::PhaseClassifier classifier = trainReported(library, settings, "Al-Li-Fe", training);
  const core::NearestNeighbour nn(library, settings.grid);
  if (!arguments.flag("skip-synthetic")) runSyntheticSets(classifier, nn, library, settings, arguments, count, o);
  BenchOptions detailed = o;
  detailed.details = true;
  const std::vector<int> alfe_truth =
      truePhaseIndices(library, core::readStickTable(alfe / "stick_bases.tsv"), settings.grid);
  runRows(classifier, nn, decomposedCandidates(context, alfe, 6, classifier, alfe_truth, library), detailed);

  // Fe-Ni-Cu: its own 20-phase candidate library with near-twin decoys.
  if (fs::exists(fenicu / "sticks_lib.tsv", ec)) {
    const core::PhaseLibrary fenicu_library = core::readStickTable(fenicu / "sticks_lib.tsv");
    const core::ClassifierSettings fenicu_settings = classifierSettings(context, arguments, 10.6, 52.4, fenicu);
    core::TrainingReport fenicu_training;
    const core::PhaseClassifier fenicu_classifier =
        trainReported(fenicu_library, fenicu_settings, "Fe-Ni-Cu", fenicu_training);
    std::vector<int> fenicu_truth;
    for (double v : core::readNpy(fenicu / "true_phase_lib_index.npy").numbers)
      fenicu_truth.push_back(static_cast<int>(v));
    runRows(fenicu_classifier, core::NearestNeighbour(fenicu_library, fenicu_settings.grid),
            decomposedCandidates(context, fenicu, 4, fenicu_classifier, fenicu_truth, fenicu_library), detailed);
  } else {
    std::cout << "Fe-Ni-Cu skipped: " << fenicu.string() << " not found\n";
  }

  // Speed.
  {
    const std::vector<float> one(classifier.points(), 0.0F);
    const core::ImperfectSet single = core::makeImperfectCandidates(library, settings.grid, "CuKa1", 1, 7);
    core::RefinementSettings s;
    s.refiner = core::RefinerKind::Physical;
    s.loss = core::EvaluationLoss::BestTarget;
    s.lambda = o.lambda_physical;
    s.steps = o.steps;
    const auto start = Clock::now();
    (void)core::refine(classifier, single.patterns, s);
    std::cout << "Refining one candidate (physical, best-target, " << s.steps
              << " steps x 3 guesses): " << std::setprecision(2)
              << std::chrono::duration<double>(Clock::now() - start).count() << " s (target < 2 s)\n";
  }
  if (!arguments.flag("skip-pytorch")) compareTrainingWithPyTorch(library, settings, training);
  return 0;
}

}  // namespace phasewise::cli
