// The library-guided fit on Phasewise's own example spread, whose true phases and fractions
// are known: the true cards are found among decoys, fractions follow the truth, and a card
// missing from the library shows up as a free phase.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "decompose/library_fit.h"
#include "decompose/measures.h"
#include "example/synthetic_library.h"
#include "simulate/example_phases.h"
#include "simulate/reference_render.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

const SyntheticLibrary& example() {
  static const SyntheticLibrary lib = [] {
    SyntheticLibrarySpec spec;
    spec.grid_divisions = 10;
    return makeSyntheticLibrary(spec);
  }();
  return lib;
}

double mapCosine(const std::vector<double>& truth, std::size_t t, std::size_t tk, const std::vector<float>& found,
                 std::size_t f, std::size_t fk, std::size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t s = 0; s < n; ++s) {
    const double a = truth[s * tk + t], b = found[s * fk + f];
    ab += a * b;
    aa += a * a;
    bb += b * b;
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

TEST(LibraryFitTest, FindsTheTrueCardsAmongDecoysWithTheirFractions) {
  const SyntheticLibrary& ex = example();
  const PhaseLibrary phases = exampleReferencePhases(ex);
  const ReferencePatterns refs = renderReferencePatterns(phases, ex.library.axis);
  LibraryFitSettings s;
  s.threads = 2;
  const LibraryDecomposition fit = decomposeWithLibrary(ex.library, refs, s);
  const DecompositionResult& r = fit.result;
  ASSERT_EQ(r.phase_names.size(), static_cast<std::size_t>(r.phases));
  ASSERT_EQ(r.confidence.size(), ex.library.samples * static_cast<std::size_t>(r.phases));
  EXPECT_LE(fit.rounds, s.max_rounds);
  for (float c : r.confidence) {
    EXPECT_GE(c, 0.0F);
    EXPECT_LE(c, 1.0F);
  }
  const std::size_t n = ex.library.samples, tk = ex.phase_names.size(), fk = static_cast<std::size_t>(r.phases);
  for (std::size_t t = 0; t < tk; ++t) {
    const auto it = std::find(r.phase_names.begin(), r.phase_names.end(), ex.phase_names[t]);
    ASSERT_NE(it, r.phase_names.end()) << ex.phase_names[t] << " not found among the decoys";
    const auto f = static_cast<std::size_t>(it - r.phase_names.begin());
    EXPECT_GT(mapCosine(ex.fractions, t, tk, r.fractions, f, fk, n), 0.9) << ex.phase_names[t];
  }
  // Shifts are multiplicative Q factors within the strain range where a phase is present.
  for (std::size_t i = 0; i < r.shifts.size(); ++i)
    if (r.activations[i] > 0) EXPECT_NEAR(r.shifts[i], 1.0, 0.035);
}

TEST(LibraryFitTest, AMissingCardShowsUpAsAFreePhase) {
  const SyntheticLibrary& ex = example();
  PhaseLibrary phases = exampleReferencePhases(ex);
  const std::string missing = ex.phase_names[0];
  const ReferencePatterns all = renderReferencePatterns(phases, ex.library.axis);
  phases.phases.erase(std::remove_if(phases.phases.begin(), phases.phases.end(),
                                     [&](const ReferencePhase& p) { return p.name == missing; }),
                      phases.phases.end());
  const ReferencePatterns refs = renderReferencePatterns(phases, ex.library.axis);
  LibraryFitSettings s;
  s.threads = 2;
  s.free_phases = 1;
  const LibraryDecomposition fit = decomposeWithLibrary(ex.library, refs, s);
  const DecompositionResult& r = fit.result;
  const auto it = std::find(r.phase_names.begin(), r.phase_names.end(), "free 1");
  ASSERT_NE(it, r.phase_names.end());
  EXPECT_EQ(std::find(r.phase_names.begin(), r.phase_names.end(), missing), r.phase_names.end());
  const auto f = static_cast<std::size_t>(it - r.phase_names.begin()), fk = static_cast<std::size_t>(r.phases);
  // The free phase sits where the missing phase is, and every true phase the library holds
  // keeps its name and its region.
  EXPECT_GT(mapCosine(ex.fractions, 0, ex.phase_names.size(), r.fractions, f, fk, ex.library.samples), 0.9);
  for (std::size_t t = 1; t < ex.phase_names.size(); ++t) {
    const auto named = std::find(r.phase_names.begin(), r.phase_names.end(), ex.phase_names[t]);
    ASSERT_NE(named, r.phase_names.end()) << ex.phase_names[t];
    const auto p = static_cast<std::size_t>(named - r.phase_names.begin());
    EXPECT_GT(mapCosine(ex.fractions, t, ex.phase_names.size(), r.fractions, p, fk, ex.library.samples), 0.9)
        << ex.phase_names[t];
    EXPECT_GE(fit.card_cosine[p], 0.5);
  }
}

TEST(LibraryFitTest, RefusesWhatItCannotFit) {
  const SyntheticLibrary& ex = example();
  const ReferencePatterns refs = renderReferencePatterns(exampleReferencePhases(ex), ex.library.axis);
  LibraryFitSettings s;
  s.max_strain = 0.5;
  EXPECT_THROW((void)decomposeWithLibrary(ex.library, refs, s), Error);
  s = {};
  s.max_rounds = 0;
  EXPECT_THROW((void)decomposeWithLibrary(ex.library, refs, s), Error);
  EXPECT_THROW((void)decomposeWithLibrary(ex.library, ReferencePatterns{}, LibraryFitSettings{}), Error);
}

}  // namespace
}  // namespace phasewise::test
