// The classifier's open-set score (Prediction::typicality): a pattern of a phase the
// classifier was not trained on is "unknown", whatever probability the closed-set softmax
// gives it; in-library candidates are refused about as often as the threshold says.

#include <gtest/gtest.h>

#include <algorithm>

#include "learn/classifier.h"
#include "learn/imperfect.h"
#include "learn/nearest_neighbour.h"
#include "learn_fixtures.h"
#include "test_support.h"

namespace phasewise::test {
namespace {
using namespace core;

// Peaks where none of the four library phases has one.
PhaseLibrary foreignPhase() {
  PhaseLibrary library;
  ReferencePhase phase;
  phase.name = "foreign";
  for (const auto& [q, i] : std::vector<std::pair<double, double>>{{33, 100}, {38, 70}, {47, 50}, {63, 80}})
    phase.sticks.push_back({q, i, std::nullopt});
  library.phases.push_back(phase);
  return library;
}

// Unit-norm patterns to a maximum of 1 (the classifier's input scale).
std::vector<float> toMaximumOne(std::vector<float> patterns, std::size_t points) {
  for (std::size_t i = 0; i < patterns.size() / points; ++i) {
    float* row = patterns.data() + i * points;
    const float top = *std::max_element(row, row + points);
    for (std::size_t j = 0; j < points; ++j) row[j] /= top;
  }
  return patterns;
}

TEST(OpenSetTest, APhaseOutsideTheLibraryIsUnknownAndLibraryPhasesAreNot) {
  const PhaseClassifier& c = trained();
  ASSERT_TRUE(c.hasOpenSetScore());
  const std::size_t m = c.points();
  const auto known = c.predict(toMaximumOne(NearestNeighbour(fourPhases(), c.grid()).ideals(), m), 1);
  // Ideal patterns of the library's own phases are named (the tiny classifier of the fixture
  // may hold one of them near the threshold: at most one refused).
  int refused = 0;
  for (const Prediction& p : known) {
    ASSERT_TRUE(p.typicality.has_value());
    refused += p.unknown();
  }
  EXPECT_LE(refused, 1);
  const Prediction foreign = c.predict(toMaximumOne(NearestNeighbour(foreignPhase(), c.grid()).ideals(), m), 1).front();
  ASSERT_TRUE(foreign.typicality.has_value());
  EXPECT_TRUE(foreign.unknown()) << "typicality " << *foreign.typicality << ", probability " << foreign.probability[0];
  for (const Prediction& p : known) EXPECT_LT(*foreign.typicality, *p.typicality);
}

TEST(OpenSetTest, InLibraryCandidatesAreRefusedAboutAsOftenAsTheThresholdSays) {
  const PhaseClassifier& c = trained();
  // Fresh candidate-like patterns (another seed than the calibration set's).
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), c.grid(), "CuKa1", 400, 991);
  const auto predictions = c.predict(set.patterns, 1);
  int right = 0, refused = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (predictions[i].top[0] != set.labels[i]) continue;
    ++right;
    refused += predictions[i].unknown();
  }
  ASSERT_GT(right, 200);
  const double share = static_cast<double>(refused) / right;
  EXPECT_LT(share, 3 * Prediction::kUnknownBelow) << refused << " of " << right;
}

TEST(OpenSetTest, TheScoreSurvivesSaveAndLoad) {
  const PhaseClassifier& c = trained();
  const auto dir = freshTempDir();
  c.save(dir / "c.pt");
  const PhaseClassifier back = PhaseClassifier::load(dir / "c.pt");
  ASSERT_TRUE(back.hasOpenSetScore());
  const std::vector<float> x = toMaximumOne(NearestNeighbour(foreignPhase(), c.grid()).ideals(), c.points());
  const Prediction a = c.predict(x, 1).front(), b = back.predict(x, 1).front();
  EXPECT_FLOAT_EQ(*a.typicality, *b.typicality);
}

}  // namespace
}  // namespace phasewise::test
