// One phase drawn by several cards: components whose aligned patterns agree and whose peaks
// sit in the same places in the samples that hold both are reported as one phase; two phases
// that coexist at their own lattices are not. (Al-Li-Fe, whose spinel solid solution the
// library-guided fit draws with three cards: tests/cli/cli_library_guided.cmake.)

#include <gtest/gtest.h>

#include <cmath>

#include "decompose/phase_merge.h"

namespace phasewise::test {
namespace {
using namespace core;

constexpr std::size_t kPoints = 600, kSamples = 20;

// Gaussian peaks on the log-Q grid at the given Q (nm^-1) with the given heights.
std::vector<float> peaks(const Axis& log_q, const std::vector<std::pair<double, double>>& lines) {
  std::vector<float> out(log_q.values.size(), 0.0F);
  for (std::size_t j = 0; j < out.size(); ++j)
    for (const auto& [q, h] : lines)
      out[j] += static_cast<float>(h * std::exp(-0.5 * std::pow((log_q.values[j] - q) / 0.08, 2)));
  return out;
}

// Three components: A and B draw one pattern, B's peaks 4 % higher in Q (with other relative
// heights, as along a solid solution); C is another phase. A holds samples 0-13, B 7-19, C all.
// In the shared samples B's lattice is A's times `gap` (1: the same peaks).
DecompositionResult threeComponents(double gap) {
  DecompositionResult r;
  r.samples = kSamples;
  r.phases = 3;
  r.log_axis = {{AxisKind::Q, AxisUnit::InverseNanometre}, {}, std::nullopt};
  for (std::size_t j = 0; j < kPoints; ++j)
    r.log_axis.values.push_back(15.0 * std::exp(std::log(4.0) * static_cast<double>(j) / (kPoints - 1)));
  r.axis = r.log_axis;
  const std::vector<std::pair<double, double>> a = {{20, 1.0}, {27, 0.6}, {33, 0.8}, {41, 0.3}};
  std::vector<std::pair<double, double>> b;
  for (const auto& [q, h] : a) b.emplace_back(q * 1.04, h * (q > 30 ? 0.7 : 1.0));
  for (const auto& lines : {a, b, std::vector<std::pair<double, double>>{{23, 1.0}, {37, 0.9}, {50, 0.4}}}) {
    const std::vector<float> p = peaks(r.log_axis, lines);
    r.bases_log.insert(r.bases_log.end(), p.begin(), p.end());
  }
  r.bases = r.bases_log;
  for (std::size_t t = 0; t < kSamples; ++t) {
    const float fa = t < 14 ? 1.0F - static_cast<float>(t) / 20 : 0.0F, fb = t >= 7 ? static_cast<float>(t) / 20 : 0.0F;
    const float fc = 0.3F, total = fa + fb + fc;
    for (float f : {fa, fb, fc}) {
      r.activations.push_back(f);
      r.fractions.push_back(f / total);
    }
    const auto lattice = static_cast<float>(0.98 + 0.002 * static_cast<double>(t));  // Q factor of A
    r.shifts.insert(r.shifts.end(), {lattice, static_cast<float>(lattice / 1.04 / gap), 1.0F});
    r.confidence.insert(r.confidence.end(), {fa > 0 ? 0.5F : 0.0F, fb > 0 ? 0.7F : 0.0F, 0.9F});
    for (std::size_t p = 0; p < 3; ++p)
      for (std::size_t j = 0; j < kPoints; ++j) r.per_phase.push_back(static_cast<float>(p + 1));
  }
  r.phase_names = {"A", "B", "C"};
  return r;
}

TEST(PhaseMergeTest, ComponentsThatPutTheirPeaksInTheSamePlacesAreOnePhase) {
  DecompositionResult r = threeComponents(1.0);
  const DecompositionResult before = r;
  const auto groups = samePhaseGroups(r);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{0, 1}));
  const auto holds = mergePhases(r, groups);
  ASSERT_EQ(r.phases, 2);
  ASSERT_EQ(holds.size(), 2U);
  // A carries more in total (it starts at 1 and B at 0.35), so A keeps its place and name.
  EXPECT_EQ(holds[0], (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(r.phase_names, (std::vector<std::string>{"A", "C"}));
  for (std::size_t t = 0; t < kSamples; ++t) {
    EXPECT_FLOAT_EQ(r.fractions[t * 2], before.fractions[t * 3] + before.fractions[t * 3 + 1]);
    EXPECT_FLOAT_EQ(r.fractions[t * 2 + 1], before.fractions[t * 3 + 2]);
    EXPECT_FLOAT_EQ(r.activations[t * 2], before.activations[t * 3] + before.activations[t * 3 + 1]);
    EXPECT_FLOAT_EQ(r.per_phase[(t * 2) * kPoints], 3.0F);  // contributions add: 1 + 2
    EXPECT_FLOAT_EQ(r.per_phase[(t * 2 + 1) * kPoints], 3.0F);
    EXPECT_FLOAT_EQ(r.confidence[t * 2], t >= 7 ? 0.7F : 0.5F);
    // The lattice where B alone (or mostly) holds the phase is B's, in A's frame: A's own.
    EXPECT_NEAR(r.shifts[t * 2], 0.98 + 0.002 * static_cast<double>(t), 0.003) << "sample " << t;
  }
  EXPECT_EQ(r.bases_log.size(), 2 * kPoints);
  EXPECT_EQ(r.bases_log[100], before.bases_log[100]);
}

TEST(PhaseMergeTest, PhasesThatCoexistAtTheirOwnLatticesStayApart) {
  // The same two patterns, but in the shared samples B's lattice is 2 % off A's (as Cu2O beside
  // NiO): two phases side by side, not one.
  EXPECT_TRUE(samePhaseGroups(threeComponents(1.02)).empty());
  // Nor are patterns that do not agree merged, whatever their lattices.
  PhaseMergeSettings strict;
  strict.cosine = 0.999;
  EXPECT_TRUE(samePhaseGroups(threeComponents(1.0), strict).empty());
}

}  // namespace
}  // namespace phasewise::test
