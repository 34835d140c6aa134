#include "decompose/decomposer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "builtin_formats.h"
#include "decompose/evaluation.h"
#include "decompose/measures.h"
#include "example/synthetic_library.h"
#include "format_hdf5/project_file.h"
#include "format_instance/solution_format.h"
#include "io/registry.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

SyntheticLibrary example() {
  SyntheticLibrarySpec spec;
  spec.grid_divisions = 14;
  spec.points = 500;
  return makeSyntheticLibrary(spec);
}

// The example decomposed with four phases on two threads.
DecompositionResult decomposeExample(const SyntheticLibrary& ex) {
  DecompositionSettings settings;
  settings.phases = 4;
  settings.threads = 2;
  return decompose(ex.library, settings);
}

TEST(DecomposeTest, RecoversTheExamplePhasesWithinTheGibbsRule) {
  const SyntheticLibrary ex = example();
  const DecompositionResult r = decomposeExample(ex);
  ASSERT_EQ(r.fractions.size(), ex.library.samples * 4);
  // Found fractions against the generator's, matched by activation maps.
  std::vector<float> found_maps(4 * ex.library.samples), true_maps(4 * ex.library.samples);
  for (std::size_t s = 0; s < ex.library.samples; ++s)
    for (std::size_t p = 0; p < 4; ++p) {
      found_maps[p * ex.library.samples + s] = r.fractions[s * 4 + p];
      true_maps[p * ex.library.samples + s] = static_cast<float>(ex.fractions[s * 4 + p]);
    }
  const PhaseMatch match = matchPhases(found_maps, 4, true_maps, 4, ex.library.samples);
  EXPECT_GT(match.mean_cosine, 0.9);
  std::vector<float> truth(ex.fractions.begin(), ex.fractions.end());
  EXPECT_LT(fractionL1(truth, 4, r.fractions, 4, match, ex.library.samples), 0.3);
  EXPECT_EQ(gibbsViolations(r.fractions, 4, phaseLimits(ex.library, 3)), 0);
  EXPECT_LT(reconstructionError(ex.library.intensities, r.reconstruction).relative_l2, 0.15);
  // The generator strains lattices by at most 3 %; absent phases report no shift.
  for (std::size_t i = 0; i < r.shifts.size(); ++i) {
    if (r.activations[i] > 0) {
      EXPECT_GT(r.shifts[i], 0.95F);
      EXPECT_LT(r.shifts[i], 1.05F);
    } else {
      EXPECT_EQ(r.shifts[i], 1.0F);
    }
  }
}

// Fractions are peak-height shares (DESIGN.md): activation x pattern maximum must be the height
// of the phase's contribution in the sample on the library's own points, whatever shift and
// broadening the sample gives it (read off the log-Q grid it was up to a few per cent off).
TEST(DecomposeTest, ActivationTimesPatternMaximumIsTheContributionsHeight) {
  const DecompositionResult r = decomposeExample(example());
  const std::size_t n = r.samples, m = r.axis.values.size();
  ASSERT_EQ(r.per_phase.size(), n * 4 * m);
  int checked = 0;
  for (std::size_t p = 0; p < 4; ++p) {
    const float top = *std::max_element(&r.bases[p * m], &r.bases[p * m] + m);
    for (std::size_t s = 0; s < n; ++s) {
      if (!(r.activations[s * 4 + p] > 0)) continue;
      const float* part = &r.per_phase[(s * 4 + p) * m];
      EXPECT_NEAR(r.activations[s * 4 + p] * top, *std::max_element(part, part + m),
                  1e-4F * *std::max_element(part, part + m))
          << "phase " << p << ", sample " << s;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(DecomposeTest, StopsOnTheRelativeChangeTestAndThePolishOnlyDescends) {
  const SyntheticLibrary ex = example();
  DecompositionSettings settings;
  settings.phases = 4;
  settings.threads = 2;
  settings.max_iterations = 400;
  const DecompositionResult r = decompose(ex.library, settings);
  EXPECT_TRUE(r.converged);
  EXPECT_LT(r.iterations, 400);
  EXPECT_LE(r.final_change, settings.tolerance);
  ASSERT_EQ(r.loss_history.size(), static_cast<std::size_t>(r.iterations));
  // After the exploration stage (30 iterations) every step lowers the loss.
  for (std::size_t i = 31; i < r.loss_history.size(); ++i)
    EXPECT_LE(r.loss_history[i], r.loss_history[i - 1] * (1 + 1e-6)) << "iteration " << i + 1;
  // A cap below that stops there and says so.
  settings.max_iterations = 35;
  const DecompositionResult capped = decompose(ex.library, settings);
  EXPECT_EQ(capped.iterations, 35);
  EXPECT_FALSE(capped.converged);
}

TEST(DecomposeTest, CancellingLeavesNothingHalfDone) {
  const SyntheticLibrary ex = example();
  DecompositionSettings settings;
  settings.phases = 4;
  int calls = 0;
  EXPECT_THROW((void)decompose(ex.library, settings, [&](double, std::string_view) { return ++calls < 5; }),
               CancelledError);
  settings.phases = 0;
  EXPECT_THROW((void)decompose(ex.library, settings), Error);
  settings.phases = 1000;
  EXPECT_THROW((void)decompose(ex.library, settings), Error);
}

TEST(DecomposeTest, PlainNmfAndSeededFrozenPhases) {
  const SyntheticLibrary ex = example();
  DecompositionSettings plain;
  plain.phases = 4;
  plain.shifts = 0;
  plain.gibbs = plain.connectivity = plain.background = false;
  plain.max_iterations = 300;
  const DecompositionResult a = decompose(ex.library, plain);
  EXPECT_LT(reconstructionError(ex.library.intensities, a.reconstruction).relative_l2, 0.3);
  DecompositionSettings seeded;
  seeded.phases = 4;
  seeded.seed_patterns.assign(a.bases.begin(), a.bases.begin() + static_cast<std::ptrdiff_t>(ex.library.points()));
  seeded.frozen = {1};
  const DecompositionResult b = decompose(ex.library, seeded);
  // The frozen pattern comes back as it went in (up to the grid round trip).
  const float top = *std::max_element(seeded.seed_patterns.begin(), seeded.seed_patterns.end());
  double worst = 0;
  for (std::size_t j = 20; j + 20 < ex.library.points(); ++j)
    worst = std::max(worst, std::abs(double(b.bases[j]) - seeded.seed_patterns[j] / top));
  EXPECT_LT(worst, 0.05);
}

TEST(DecomposeTest, SolutionAndProjectFilesRoundTrip) {
  const SyntheticLibrary ex = example();
  DecompositionSettings settings;
  settings.phases = 4;
  const DecompositionResult r = decompose(ex.library, settings);
  const auto dir = freshTempDir();
  plugins::writeSolution(r, {"a", "b", "c", "d"}, dir / "r.txt");
  const plugins::Solution s = plugins::readSolution(dir / "r.txt");
  EXPECT_EQ(s.phases, 4);
  EXPECT_EQ(s.names[2], "c");
  EXPECT_EQ(s.activations, r.activations);
  EXPECT_EQ(s.bases, r.bases);
  EXPECT_EQ(s.shifts, r.shifts);
  // What library-guided fits and single-pattern analyses add, set by hand: kept as written.
  DecompositionResult with = r;
  with.support.assign(r.samples * static_cast<std::size_t>(r.phases), 0.5F);
  with.also_drawn_as.assign(static_cast<std::size_t>(r.phases), "");
  with.also_drawn_as[1] = "card a, card b";
  plugins::writeProject({ex.library, std::nullopt, with, std::nullopt}, dir / "p.h5");
  const plugins::Project p = plugins::readProject(dir / "p.h5");
  EXPECT_EQ(p.decomposition->support, with.support);
  EXPECT_EQ(p.decomposition->also_drawn_as, with.also_drawn_as);
  ASSERT_TRUE(p.decomposition);
  EXPECT_TRUE(identical(p.library, ex.library));
  EXPECT_EQ(p.decomposition->activations, r.activations);
  EXPECT_EQ(p.decomposition->per_phase, r.per_phase);
  EXPECT_EQ(p.decomposition->settings.shifts, r.settings.shifts);
  EXPECT_EQ(p.decomposition->log_axis.values, r.log_axis.values);
}

// A truth set of ../shared/data decomposed with the default settings and scored against its
// truth (with the shifts, for the lattice-scale error where the truth has it).
struct TruthRun {
  DecompositionResult result;
  GroundTruth truth;
  std::vector<double> q;
  Evaluation evaluation;
};
TruthRun decomposeTruthSet(const std::string& folder, int phases) {
  FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const Library lib = registry.read(sharedDataDir() / folder).library;
  DecompositionSettings settings;
  settings.phases = phases;
  TruthRun run;
  run.result = decompose(lib, settings);
  run.truth = loadDrnetsTruth(sharedDataDir() / folder);
  run.q = convertAxis(lib.axis, {AxisKind::Q, AxisUnit::InverseNanometre}).values;
  run.evaluation = evaluate(run.q, run.result.bases, phases, run.result.activations, run.truth, run.result.shifts);
  return run;
}

TEST(DecomposeTest, RealDataAlLiFeMeetsTheTargets) {
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe/decomposition_sol.npy");
  const TruthRun run = decomposeTruthSet("drnets/Al-Li-Fe", 6);
  const DecompositionResult& r = run.result;
  const Evaluation& e = run.evaluation;
  std::cout << "Al-Li-Fe: matched cosine " << e.match.mean_cosine << ", fraction L1 " << e.fraction_l1
            << ", Gibbs violations " << e.gibbs_violations << ", " << r.seconds << " s\n";
  EXPECT_GE(e.match.mean_cosine, 0.95);
  EXPECT_LE(e.fraction_l1, 0.15);
  EXPECT_EQ(e.gibbs_violations, 0);
  EXPECT_TRUE(r.converged);
}

// Away from Al-Li-Fe: a spread simulated independently of Phasewise, with lattice strain,
// texture and K-alpha doublets; fraction maps, fractions and strains against its truth.
TEST(DecomposeTest, RealDataFeNiCuFractionsMapsAndStrains) {
  PHASEWISE_REQUIRE_DATA("synthetic-spreads/Fe-Ni-Cu/lattice_scale_sol.npy");
  const TruthRun run = decomposeTruthSet("synthetic-spreads/Fe-Ni-Cu", 4);
  const DecompositionResult& r = run.result;
  const Evaluation& e = run.evaluation;
  ASSERT_EQ(run.truth.lattice.size(), run.truth.samples * 4);
  const std::vector<double>& q = run.q;
  const GroundTruth& truth = run.truth;
  std::cout << "Fe-Ni-Cu: fraction L1 " << e.fraction_l1 << ", " << r.iterations << " iterations\n";
  EXPECT_LE(e.fraction_l1, 0.03);
  EXPECT_EQ(e.gibbs_violations, 0);
  for (int p = 0; p < 4; ++p) {
    EXPECT_GE(e.match.true_for_found[static_cast<std::size_t>(p)], 0);
    EXPECT_GE(e.map_cosine[static_cast<std::size_t>(p)], 0.95) << "phase " << p;
    EXPECT_GE(e.lattice_error[static_cast<std::size_t>(p)], 0.0);
    EXPECT_LE(e.lattice_error[static_cast<std::size_t>(p)], 0.003) << "phase " << p;
  }
  // The strain measure can fail: without shifts the truth's own spread (0.3-0.6 %) shows.
  const Evaluation flat = evaluate(q, r.bases, 4, r.activations, truth, std::vector<float>(r.shifts.size(), 1.0F));
  double worst = 0;
  for (double err : flat.lattice_error) worst = std::max(worst, err);
  EXPECT_GT(worst, 0.004);
}

}  // namespace
}  // namespace phasewise::test
