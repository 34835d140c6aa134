// Library unmixing of a candidate: a co-occurring phase's peaks and the background are taken
// away, the candidate's own phase is kept, nothing is invented, and the edit says what it did.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "learn/refinement_score.h"
#include "learn/unmixing.h"
#include "simulate/phase_library.h"
#include "simulate/reference_render.h"
#include "stick_phases.h"

namespace phasewise::test {
namespace {
using namespace core;

struct Mixture {
  PhaseLibrary library;
  Axis axis = qAxisNm(15, 65, 1500);
  ReferencePatterns references;
  std::vector<float> pure, candidate;
};

// Phase A with 25 % of B's pattern (a contaminant, as a decomposed candidate carries) on a
// sloping background; C and D are in the library but not in the candidate.
Mixture mixture() {
  Mixture m;
  m.library.phases = {
      stickPhase("A", {{20, 100}, {31, 40}, {45, 60}, {52, 30}}), stickPhase("B", {{22, 100}, {35, 70}, {50, 30}}),
      stickPhase("C", {{25, 80}, {28, 100}, {60, 50}}), stickPhase("D", {{18, 60}, {40, 100}, {55, 90}})};
  m.references = renderReferencePatterns(m.library, m.axis);
  const std::size_t n = m.axis.values.size();
  m.pure.assign(m.references.pattern(0, 1), m.references.pattern(0, 1) + n);
  m.candidate.resize(n);
  for (std::size_t j = 0; j < n; ++j)
    m.candidate[j] = m.pure[j] + 0.25F * m.references.pattern(1, 1)[j] + 0.05F + 0.03F * static_cast<float>(j) / n;
  return m;
}

TEST(UnmixingTest, RemovesTheContaminantAndTheBackgroundAndKeepsTheMajorityPhase) {
  const Mixture m = mixture();
  const std::size_t n = m.axis.values.size();
  const UnmixedCandidate u = unmixCandidate(m.axis, m.candidate.data(), m.references);
  ASSERT_EQ(u.kept, 0);
  EXPECT_EQ(u.kept_name, "A");
  ASSERT_EQ(u.removed.size(), 1U);
  EXPECT_EQ(u.removed[0].name, "B");
  for (std::size_t j = 0; j < n; ++j) {
    ASSERT_GE(u.pattern[j], 0.0F);
    ASSERT_LE(u.pattern[j], m.candidate[j]) << "unmixing never invents intensity (point " << j << ")";
  }
  const double before = cosineOf(m.candidate.data(), m.pure.data(), n);
  const double after = cosineOf(u.pattern.data(), m.pure.data(), n);
  EXPECT_LT(before, 0.9);
  EXPECT_GT(after, 0.99);
  // The edit report is exact: the shares add up to what was taken away.
  const double total = std::accumulate(m.candidate.begin(), m.candidate.end(), 0.0);
  const double left = std::accumulate(u.pattern.begin(), u.pattern.end(), 0.0);
  EXPECT_NEAR(u.removed_fraction, 1 - left / total, 1e-6);
  EXPECT_NEAR(u.removed_fraction, u.background_fraction + u.removed[0].share, 1e-6);
  EXPECT_GT(u.background_fraction, 0.2);
  const double contaminant = 0.25 * std::accumulate(m.references.pattern(1, 1), m.references.pattern(1, 1) + n, 0.0);
  EXPECT_NEAR(u.removed[0].share, contaminant / total, 0.2 * contaminant / total);
  const std::string said = u.describe();
  EXPECT_NE(said.find("kept A"), std::string::npos) << said;
  EXPECT_NE(said.find("removed phases B ("), std::string::npos) << said;
  EXPECT_NE(said.find("background"), std::string::npos) << said;
}

TEST(UnmixingTest, KeepsTheAskedPhaseWhenTheFitFindsIt) {
  const Mixture m = mixture();
  const UnmixedCandidate u = unmixCandidate(m.axis, m.candidate.data(), m.references, {}, 1);
  ASSERT_EQ(u.kept, 1);
  ASSERT_EQ(u.removed.size(), 1U);
  EXPECT_EQ(u.removed[0].name, "A");
  // The kept phase carries less than the one taken away, and the edit says so.
  const std::size_t n = m.axis.values.size();
  const double total = std::accumulate(m.candidate.begin(), m.candidate.end(), 0.0);
  const double contaminant = 0.25 * std::accumulate(m.references.pattern(1, 1), m.references.pattern(1, 1) + n, 0.0);
  EXPECT_NEAR(u.kept_share, contaminant / total, 0.2 * contaminant / total);
  EXPECT_LT(u.kept_share, u.removed[0].share);
  const std::string said = u.describe();
  EXPECT_NE(said.find("the kept phase carries"), std::string::npos) << said;
  EXPECT_NE(said.find("less than A ("), std::string::npos) << said;
  EXPECT_TRUE(u.edit().keptLessThanRemoved());
  // An edit read from a project file written before the kept share was recorded: nothing said.
  PhysicalEdit older = u.edit();
  for (EditedPhase& p : older.phases)
    if (p.role == EditedPhase::Role::Kept) p.share = 0;
  EXPECT_FALSE(older.keptLessThanRemoved());
  EXPECT_EQ(older.describe().find("the kept phase carries"), std::string::npos);
  // Kept as the fit's largest, it carries more than what went, and nothing is said of it.
  const UnmixedCandidate largest = unmixCandidate(m.axis, m.candidate.data(), m.references);
  EXPECT_GT(largest.kept_share, largest.removed[0].share);
  EXPECT_EQ(largest.describe().find("the kept phase carries"), std::string::npos) << largest.describe();
  EXPECT_FALSE(largest.edit().keptLessThanRemoved());
  // Asked for a phase the fit does not find: the fit's largest is kept.
  EXPECT_EQ(unmixCandidate(m.axis, m.candidate.data(), m.references, {}, 3).kept, 0);
}

TEST(UnmixingTest, NothingFoundMeansNothingRemoved) {
  Mixture m = mixture();
  // Only C's peaks, and C left out of the references: no phase explains them.
  for (std::size_t j = 0; j < m.candidate.size(); ++j) m.candidate[j] = m.references.pattern(2, 1)[j] + 0.02F;
  PhaseLibrary without_c = m.library;
  without_c.phases.erase(without_c.phases.begin() + 2);
  const UnmixedCandidate u = unmixCandidate(m.axis, m.candidate.data(), renderReferencePatterns(without_c, m.axis));
  EXPECT_EQ(u.kept, -1);
  EXPECT_EQ(u.pattern, m.candidate);
  EXPECT_EQ(u.removed_fraction, 0.0);
  EXPECT_EQ(u.describe(), "no reference phase found: nothing removed");
  // An empty candidate (a component that vanished) is no error either.
  std::fill(m.candidate.begin(), m.candidate.end(), 0.0F);
  EXPECT_EQ(unmixCandidate(m.axis, m.candidate.data(), m.references).kept, -1);
}

// A solid-solution series decomposed into one candidate: the library fit explains it with two
// cards of one structure a few per cent apart. The second card is the candidate's own phase
// at another lattice, not a contaminant, and stays; a real contaminant beside them goes.
TEST(UnmixingTest, KeepsTheKeptPhasesNearTwin) {
  Mixture m = mixture();
  const std::size_t n = m.axis.values.size();
  ReferencePhase twin = m.library.phases[0];
  twin.name = "A'";
  for (auto& stick : twin.sticks) stick.q_nm *= 1.045;  // 4.5 % smaller cell: beyond one card's strain
  twin.sticks[1].intensity *= 0.6;
  m.library.phases.push_back(twin);
  m.references = renderReferencePatterns(m.library, m.axis);
  for (std::size_t j = 0; j < n; ++j)
    m.candidate[j] = m.references.pattern(0, 1)[j] + 0.7F * m.references.pattern(4, 1)[j] +
                     0.3F * m.references.pattern(1, 1)[j] + 0.02F;
  const UnmixedCandidate u = unmixCandidate(m.axis, m.candidate.data(), m.references);
  ASSERT_EQ(u.kept_name, "A");
  ASSERT_EQ(u.twins.size(), 1U);
  EXPECT_EQ(u.twins[0].name, "A'");
  ASSERT_EQ(u.removed.size(), 1U);
  EXPECT_EQ(u.removed[0].name, "B");
  EXPECT_NE(u.describe().find("(with its near-twin A')"), std::string::npos) << u.describe();
  // Asked to keep A where the candidate is A' (and B, the larger): the fit names A', which is
  // A's near-twin, so A' is what stays and B goes.
  for (std::size_t j = 0; j < n; ++j)
    m.candidate[j] = 0.5F * m.references.pattern(4, 1)[j] + 1.0F * m.references.pattern(1, 1)[j] + 0.02F;
  const UnmixedCandidate as_twin = unmixCandidate(m.axis, m.candidate.data(), m.references, {}, 0);
  EXPECT_EQ(as_twin.kept_name, "A'");
  ASSERT_EQ(as_twin.removed.size(), 1U);
  EXPECT_EQ(as_twin.removed[0].name, "B");
  EXPECT_EQ(unmixCandidate(m.axis, m.candidate.data(), m.references).kept_name, "B") << "unasked: the largest";
  // Without the twin rule the twin's peaks go too.
  for (std::size_t j = 0; j < n; ++j)
    m.candidate[j] = m.references.pattern(0, 1)[j] + 0.7F * m.references.pattern(4, 1)[j] +
                     0.3F * m.references.pattern(1, 1)[j] + 0.02F;
  UnmixingSettings strict;
  strict.twin_cosine = 1.01;
  EXPECT_EQ(unmixCandidate(m.axis, m.candidate.data(), m.references, strict).removed.size(), 2U);
}

// A damaged candidate (a NaN from a failed export) is no crash and no silent garbage: the point
// counts as no intensity, the rest is unmixed as before and the result is finite.
TEST(UnmixingTest, TheKeptPhaseCountsWithItsNearTwinsAgainstWhatWasRemoved) {
  PhysicalEdit e;
  e.applied = true;
  e.phases = {{"A", 0.2, EditedPhase::Role::Kept},
              {"A'", 0.3, EditedPhase::Role::Twin},
              {"B", 0.4, EditedPhase::Role::Removed}};
  EXPECT_FALSE(e.keptLessThanRemoved()) << "A and A' carry 50 %, more than B's 40 %";
  e.phases[2].share = 0.6;
  EXPECT_TRUE(e.keptLessThanRemoved());
  EXPECT_NE(e.describe().find("the kept phase and its near-twins carry 50 % of the intensity, less than B (60 %)"),
            std::string::npos)
      << e.describe();
}

TEST(UnmixingTest, ANaNPointIsNoIntensity) {
  Mixture m = mixture();
  m.candidate[100] = std::nanf("");
  const UnmixedCandidate u = unmixCandidate(m.axis, m.candidate.data(), m.references);
  EXPECT_EQ(u.kept_name, "A");
  ASSERT_EQ(u.removed.size(), 1U);
  EXPECT_EQ(u.removed[0].name, "B");
  for (float v : u.pattern) ASSERT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace phasewise::test
