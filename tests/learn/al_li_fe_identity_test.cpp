// Al-Li-Fe end to end, as a user runs it: the library decomposed (free, K = 6), a classifier
// trained on its 159-card stick library, each candidate identified and refined (physical
// refiner, best-target) and scored against the true phases (decomposition_sol.npy and
// stick_bases.tsv): #11 asks for all six named by formula after refinement, with no candidate's
// cosine to its true pure pattern falling by more than 0.01.
//
// By formula is not what one network can promise on every machine. The hematite candidate's
// truth, Fe2O3, has near-twins in the library (Fe1.78Al0.22O3, Fe1.84Al0.16O3: the same
// structure, lattices under 1 % apart), and the classifier is trained to ignore strains up to
// 3 %, so which member of the series wins is a coin toss of the training's rounding: with
// oneDNN's AVX2 kernels it names Fe2O3 (0.47 + 0.32 over two cards), with its AVX-512 kernels
// Fe1.78Al0.22O3 (0.43; Fe2O3 0.18 + 0.07). The test asks for each candidate to be named as its
// truth or as a twin of it that the training cannot tell apart: patterns alike once aligned
// (cosine >= 0.85, the decomposition's rule for one phase drawn by several cards, phase_merge.h), with
// the lattice scaled only within the training strain (Fe1.78Al0.22O3 to Fe2O3: 0.892). It
// prints the count by formula and asks for at least five.
//
// The same candidates are then unmixed with the 159 cards (library unmixing), under the same
// rules. Label "slow" (tests/CMakeLists.txt registers it): training takes about 150 s on two cores,
// far longer under the sanitizers, so the release stage runs it and the ASan stage does not.

#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "builtin_formats.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "io/registry.h"
#include "learn/classifier.h"
#include "learn/nearest_neighbour.h"
#include "learn/refinement_score.h"
#include "learn/refiner.h"
#include "learn/unmixing.h"
#include "simulate/reference_render.h"
#include "simulate/stick_tables.h"
#include "test_support.h"

namespace phasewise::test {
namespace {
using namespace phasewise::core;

// The benchmark's classifier (`phasewise-bench refine`: 100 patterns per card, 8 epochs, Q
// 15-80 nm^-1 x 1024, half the patterns corrupted like candidates, lattice strain to 3 %);
// `train`'s default is twice the patterns and 12 epochs. With seeds 1, 2 and 3 this size names
// all six after best-target refinement (`phasewise-bench refine --skip-synthetic --threads 2
// --seed N`; 40 patterns per card named 5 of 6 with seed 2, so it is not used). Two threads fix
// the summation order, so the network is the same on every run of one build.
ClassifierSettings testSettings() {
  ClassifierSettings settings;
  settings.grid.spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  for (int i = 0; i < 1024; ++i) settings.grid.values.push_back(15.0 + 65.0 * i / 1023);
  settings.patterns_per_phase = 100;
  settings.epochs = 8;
  settings.threads = 2;
  settings.seed = 1;
  return settings;
}

// The cosine of two cards' ideal patterns (unit norm, on the linear Q `grid`) once card `b` is
// scaled in Q by the factor within 1 +- `strain` that fits best (steps of 0.1 %).
double alignedCosine(const std::vector<float>& ideals, const std::vector<double>& grid, int a, int b, double strain) {
  const std::size_t n = grid.size();
  const float* pa = &ideals[static_cast<std::size_t>(a) * n];
  const float* pb = &ideals[static_cast<std::size_t>(b) * n];
  const double step = grid[1] - grid[0];
  double best = 0;
  for (double s = 1 - strain; s <= 1 + strain + 1e-12; s += 0.001) {
    std::vector<float> scaled(n, 0.0F);
    for (std::size_t i = 0; i < n; ++i) {
      const double x = (grid[i] / s - grid[0]) / step;  // b's peak at q lands at q * s
      if (x < 0 || x > static_cast<double>(n - 1)) continue;
      const auto j = std::min(static_cast<std::size_t>(x), n - 2);
      const double f = x - static_cast<double>(j);
      scaled[i] = static_cast<float>((1 - f) * pb[j] + f * pb[j + 1]);
    }
    best = std::max(best, cosineOf(pa, scaled.data(), n));
  }
  return best;
}

// Library unmixing of the same candidates with the same 159 cards (`refine --unmix-with`): each
// named as its truth or a twin of it afterwards, none moved away from its true pattern by more
// than 0.01 (phasewise-bench refine: worst -0.003, the background taken from Fe2O3's and
// Al2O3's candidates holding some of their own peaks' tails).
void expectUnmixingKeepsEachTruth(const PhaseClassifier& classifier, const PhaseLibrary& cards,
                                  const std::vector<float>& candidates, const std::vector<float>& pure,
                                  const std::vector<int>& truth_cards, const std::function<bool(int, int)>& named) {
  const ReferencePatterns references = renderReferencesFor(cards, classifier.grid(), "CuKa1");
  const std::vector<RefinedPattern> unmixed = unmixCandidates(classifier, candidates, references, {});
  const std::size_t m = classifier.inputSize();
  ASSERT_EQ(unmixed.size(), truth_cards.size());
  for (std::size_t k = 0; k < unmixed.size(); ++k) {
    const RefinedPattern& r = unmixed[k];
    const double before = cosineOf(candidates.data() + k * m, pure.data() + k * m, m);
    const double after = cosineOf(r.pattern.data(), pure.data() + k * m, m);
    std::cout << "unmixed " << k << ": " << cards.phases[static_cast<std::size_t>(r.after.top[0])].formula
              << ", cosine " << before << " -> " << after << "; " << r.edit.describe() << "\n";
    EXPECT_TRUE(named(r.after.top[0], truth_cards[k])) << "unmixed candidate " << k;
    EXPECT_GE(after, before - 0.01) << "unmixed candidate " << k << " moved away from its true pattern";
    for (std::size_t j = 0; j < m; ++j) ASSERT_LE(r.pattern[j], candidates[k * m + j]) << "invented at " << j;
  }
}

TEST(AlLiFeIdentityTest, SlowRealDataSixTruePhasesNamedAfterRefinementAndNoneLessLikeItsTruth) {
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe/decomposition_sol.npy");
  const std::filesystem::path folder = sharedDataDir() / "drnets/Al-Li-Fe";
  FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const Library lib = registry.read(folder).library;
  DecompositionSettings decomposition;
  decomposition.phases = 6;
  const DecompositionResult result = decompose(lib, decomposition);
  const GroundTruth truth = loadDrnetsTruth(folder);
  const std::vector<double> q = convertAxis(lib.axis, {AxisKind::Q, AxisUnit::InverseNanometre}).values;
  const Evaluation match = evaluate(q, result.bases, 6, result.activations, truth);

  const PhaseLibrary cards = readStickTable(folder / "sticks_lib.tsv");
  const ClassifierSettings settings = testSettings();
  const PhaseClassifier classifier = PhaseClassifier::train(cards, settings);
  // Each true phase's card: the library card nearest its sticks (stick_bases.tsv has no names).
  const NearestNeighbour nn(cards, settings.grid);
  const NearestNeighbour truth_nn(readStickTable(folder / "stick_bases.tsv"), settings.grid);
  const std::vector<std::vector<int>> true_cards = nn.rank(truth_nn.ideals(), 1);
  const auto formula = [&](int card) { return cards.phases[static_cast<std::size_t>(card)].formula; };
  const auto named = [&](int card, int truth_card) {
    return formula(card) == formula(truth_card) ||
           alignedCosine(nn.ideals(), settings.grid.values, card, truth_card, settings.augmentation.strain) >= 0.85;
  };

  RefinementSettings refinement;
  refinement.refiner = RefinerKind::Physical;
  refinement.loss = EvaluationLoss::BestTarget;
  refinement.lambda = defaultLambda(RefinerKind::Physical);
  refinement.steps = 40;
  const Axis truth_axis{{AxisKind::Q, AxisUnit::InverseNanometre}, truth.q, std::nullopt};
  int named_before = 0, named_after = 0;
  double cosine_before = 0, cosine_after = 0;
  std::vector<float> all_candidates, all_pure;
  std::vector<int> all_truth_cards;
  for (int k = 0; k < 6; ++k) {
    const int t = match.match.true_for_found[static_cast<std::size_t>(k)];
    ASSERT_GE(t, 0) << "every component is one of the six true phases";
    const std::vector<float> candidate =
        classifier.prepare(lib.axis, &result.bases[static_cast<std::size_t>(k) * lib.points()]);
    const std::vector<float> pure =
        classifier.prepare(truth_axis, &truth.patterns[static_cast<std::size_t>(t) * truth.q.size()]);
    all_candidates.insert(all_candidates.end(), candidate.begin(), candidate.end());
    all_pure.insert(all_pure.end(), pure.begin(), pure.end());
    all_truth_cards.push_back(true_cards[static_cast<std::size_t>(t)].front());
    const RefinedPattern refined = refine(classifier, candidate, refinement).front();
    const std::string want = formula(true_cards[static_cast<std::size_t>(t)].front());
    const std::string before = formula(refined.before.top[0]), after = formula(refined.after.top[0]);
    const double cos_before = cosineOf(candidate.data(), pure.data(), pure.size());
    const double cos_after = cosineOf(refined.pattern.data(), pure.data(), pure.size());
    std::cout << "truth " << want << ": " << before << " " << refined.before.probability[0] << " -> " << after << " "
              << refined.after.probability[0] << ", cosine " << cos_before << " -> " << cos_after << "; "
              << refined.edit.describe() << "\n";
    const int truth_card = true_cards[static_cast<std::size_t>(t)].front();
    named_before += before == want;
    named_after += after == want;
    EXPECT_TRUE(named(refined.after.top[0], truth_card))
        << "candidate " << k << ": " << after << " is neither " << want << " nor a twin of it (aligned cosine "
        << alignedCosine(nn.ideals(), settings.grid.values, refined.after.top[0], truth_card,
                         settings.augmentation.strain)
        << ")";
    EXPECT_GE(cos_after, cos_before - 0.01) << "candidate " << k << " moved away from its true pattern";
    cosine_before += cos_before;
    cosine_after += cos_after;
  }
  std::cout << "named by formula " << named_before << "/6 before, " << named_after << "/6 after; mean cosine "
            << cosine_before / 6 << " -> " << cosine_after / 6 << "\n";
  EXPECT_GE(named_after, 5) << "more than the one candidate with near-twin cards is misnamed";
  EXPECT_GE(cosine_after, cosine_before - 1e-9) << "refinement lowered the mean cosine to the truth";
  expectUnmixingKeepsEachTruth(classifier, cards, all_candidates, all_pure, all_truth_cards, named);
}

}  // namespace
}  // namespace phasewise::test
