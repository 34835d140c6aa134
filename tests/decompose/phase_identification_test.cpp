// Every phase in one pattern: phases found with their fractions, what the library lacks
// reported as unexplained, and Hill-Howard weight fractions against a hand computation.

#include <gtest/gtest.h>

#include "test_structures.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "decompose/phase_identification.h"
#include "simulate/phase_library.h"
#include "simulate/reference_render.h"
#include "stick_phases.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

TEST(PhaseIdentificationTest, ReportsThePhasesItKnowsAndWhatItDoesNot) {
  PhaseLibrary all;
  all.phases = {stickPhase("A", {{20, 100}, {31, 40}, {45, 60}}), stickPhase("B", {{22, 100}, {35, 70}, {50, 30}}),
                stickPhase("C", {{25, 80}, {28, 100}, {60, 50}}), stickPhase("D", {{18, 60}, {40, 100}, {55, 90}})};
  const Axis axis = qAxisNm(15, 65, 2000);
  const ReferencePatterns rendered = renderReferencePatterns(all, axis);
  // A + B + C, with C missing from the library the pattern is identified against.
  std::vector<float> mixture(axis.values.size());
  for (std::size_t j = 0; j < mixture.size(); ++j)
    mixture[j] =
        1.0F * rendered.pattern(0, 1)[j] + 0.6F * rendered.pattern(1, 1)[j] + 0.5F * rendered.pattern(2, 1)[j] + 0.02F;
  PhaseLibrary known;
  known.phases = {all.phases[0], all.phases[1], all.phases[3]};
  const PatternIdentification r = identifyPhases(axis, mixture.data(), renderReferencePatterns(known, axis));
  ASSERT_EQ(r.phases.size(), 2U);
  EXPECT_EQ(r.phases[0].name, "A");
  EXPECT_EQ(r.phases[1].name, "B");
  EXPECT_GT(r.phases[0].intensity_fraction, r.phases[1].intensity_fraction);
  EXPECT_FALSE(r.phases[0].weight_fraction) << "stick cards give intensity fractions only";
  EXPECT_NEAR(r.phases[0].lattice_scale, 1.0, 0.002);
  EXPECT_GT(r.unexplained_share, 0.10);
  // C's peaks are the unexplained ones.
  for (double q : {25.0, 28.0, 60.0})
    EXPECT_TRUE(std::any_of(r.unexplained_peaks.begin(), r.unexplained_peaks.end(),
                            [&](const UnexplainedPeak& u) { return std::abs(u.q_nm - q) < 0.3; }))
        << "no unexplained peak near Q = " << q;
  for (const UnexplainedPeak& u : r.unexplained_peaks) EXPECT_NEAR(u.d_angstrom, 20.0 * M_PI / u.q_nm, 1e-9);
}

// What a search-match user fears: the library lacks the main phase, and a card shares its
// strongest line but predicts strong lines of its own where the data has none. Least squares
// alone takes that card (it lowers the residual); the support test (how much of the card's
// fitted intensity the data holds) refuses it, and a minor phase whose lines are all there is
// found although it carries little of |y|^2.
TEST(PhaseIdentificationTest, ACardThatCoversAMissingPhaseIsNotReportedAndAMinorPhaseIs) {
  PhaseLibrary all;
  all.phases = {stickPhase("missing", {{20, 100}, {26, 70}, {33, 50}, {47, 40}}),
                stickPhase("look-alike", {{20.1, 100}, {39, 90}, {52, 80}}),
                stickPhase("minor", {{30, 100}, {43, 60}, {57, 40}}),
                stickPhase("other", {{17, 100}, {36, 80}, {61, 50}})};
  const Axis axis = qAxisNm(15, 65, 3000);
  const ReferencePatterns rendered = renderReferencePatterns(all, axis);
  std::vector<float> y(axis.values.size());
  for (std::size_t j = 0; j < y.size(); ++j)
    y[j] = 1.0F * rendered.pattern(0, 1)[j] + 0.15F * rendered.pattern(2, 1)[j] + 0.01F;
  PhaseLibrary known;
  known.phases = {all.phases[1], all.phases[2], all.phases[3]};
  const ReferencePatterns refs = renderReferencePatterns(known, axis);
  const auto named = [](const PatternIdentification& r, const std::string& name) {
    return std::any_of(r.phases.begin(), r.phases.end(), [&](const IdentifiedPhase& p) { return p.name == name; });
  };
  const PatternIdentification r = identifyPhases(axis, y.data(), refs);
  EXPECT_TRUE(named(r, "minor"));
  EXPECT_FALSE(named(r, "look-alike"));
  EXPECT_FALSE(named(r, "other"));
  for (const IdentifiedPhase& p : r.phases) EXPECT_GE(p.support, 0.65) << p.name;
  EXPECT_GT(r.unexplained_share, 0.5);
  for (const IdentifiedPhase& p : r.phases) EXPECT_LE(p.chance, 0.02) << p.name;
  // Without the support and chance tests the look-alike is taken: the tests above keep it out.
  PhaseIdentificationSettings loose_settings;
  loose_settings.fit.min_support = 0;
  loose_settings.fit.max_chance = 1;
  const PatternIdentification loose = identifyPhases(axis, y.data(), refs, loose_settings);
  EXPECT_TRUE(named(loose, "look-alike"));
  for (const IdentifiedPhase& p : loose.phases)
    if (p.name == "look-alike") {
      EXPECT_LT(p.support, 0.65);
      // One of its two weaker lines is held by no data: as likely by chance as not.
      EXPECT_GT(p.chance, 0.02);
    }
  // Each test keeps it out alone.
  PhaseIdentificationSettings support_only = loose_settings, chance_only = loose_settings;
  support_only.fit.min_support = 0.65;
  chance_only.fit.max_chance = 0.02;
  EXPECT_FALSE(named(identifyPhases(axis, y.data(), refs, support_only), "look-alike"));
  EXPECT_FALSE(named(identifyPhases(axis, y.data(), refs, chance_only), "look-alike"));
}

// Noise alone: no phase, and no unexplained peak (its wiggles stand above the 5 % prominence,
// not above five times the noise).
TEST(PhaseIdentificationTest, NoiseAloneHoldsNoPeaks) {
  PhaseLibrary known;
  known.phases = {stickPhase("A", {{20, 100}, {31, 40}, {45, 60}}), stickPhase("B", {{22, 100}, {35, 70}, {50, 30}})};
  const Axis axis = qAxisNm(15, 65, 3000);
  std::vector<float> y(axis.values.size());
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(100.0F, 5.0F);
  for (float& v : y) v = noise(rng);
  const PatternIdentification r = identifyPhases(axis, y.data(), renderReferencePatterns(known, axis));
  EXPECT_TRUE(r.phases.empty());
  EXPECT_TRUE(r.unexplained_peaks.empty()) << r.unexplained_peaks.size() << " peaks in noise";
}

// A single pattern whose main phase the library lacks, a weak phase the library holds, a flat
// background and noise. Fitted with the phases by least squares, the background rises into the
// valleys between the missing phase's many peaks; taken from the data's lower envelope through
// the middle of the noise, it stays at the true level, and the weak phase is held by the data.
TEST(PhaseIdentificationTest, TheLowerEnvelopeBackgroundStaysUnderAMissingPhase) {
  std::vector<std::pair<double, double>> many;
  for (int i = 0; i < 12; ++i) many.emplace_back(17.0 + 3.8 * i, 40.0 + 60.0 * ((i * 7) % 5) / 4.0);
  PhaseLibrary all;
  all.phases = {stickPhase("missing", many), stickPhase("weak", {{22.7, 100}, {30.3, 70}, {41.7, 50}, {53.1, 40}})};
  const Axis axis = qAxisNm(15, 65, 3000);
  const ReferencePatterns rendered = renderReferencePatterns(all, axis);
  const float flat = 0.1F;
  std::vector<float> y(axis.values.size());
  std::uint32_t state = 12345;
  for (std::size_t j = 0; j < y.size(); ++j) {
    state = state * 1664525U + 1013904223U;
    const float noise = 0.004F * (static_cast<float>(state >> 8) / 16777216.0F - 0.5F);
    y[j] = 1.0F * rendered.pattern(0, 1)[j] + 0.15F * rendered.pattern(1, 1)[j] + flat + noise;
  }
  PhaseLibrary known;
  known.phases = {all.phases[1]};
  const ReferencePatterns refs = renderReferencePatterns(known, axis);
  // The fitted background's mean distance from the true flat level, in the pattern's units.
  const auto background_error = [&](const PatternIdentification& r) {
    double sum = 0;
    for (float b : r.background) sum += std::abs(b - flat);
    return sum / static_cast<double>(r.background.size());
  };
  const PatternIdentification envelope = identifyPhases(axis, y.data(), refs);
  PhaseIdentificationSettings joint_settings;
  joint_settings.fit.envelope_background = false;
  const PatternIdentification joint = identifyPhases(axis, y.data(), refs, joint_settings);
  EXPECT_LT(background_error(envelope), 0.01);
  EXPECT_GT(background_error(joint), 2 * background_error(envelope));
  ASSERT_EQ(envelope.phases.size(), 1U);
  EXPECT_EQ(envelope.phases[0].name, "weak");
  EXPECT_GT(envelope.unexplained_share, 0.5);
  EXPECT_GT(envelope.phases[0].support, 0.9);
  EXPECT_TRUE(joint.phases.empty()) << "the lifted background hides the weak phase";
}

// The reference patterns keep each phase's absolute scale (intensity per unit cell), which
// Hill-Howard needs: the same crystal described with a cell twice as long has |F|^2 four
// times larger on every reflection it shares (two atoms in phase) and Z M V four times larger
// (twice the mass, twice the volume), so one weight of it diffracts the same. Checked by
// hand, not against the renderer itself: the maxima must differ by 4 (they were both 1).
TEST(PhaseIdentificationTest, ReferencePatternsKeepTheIntensityPerUnitCell) {
  CrystalStructure single = primitiveCubic("Cu", 3.0);
  CrystalStructure doubled = single;
  doubled.name = "Cu doubled";
  doubled.cell.c = 6.0;
  AtomSite upper = doubled.sites[0];
  upper.fract = {0.0, 0.0, 0.5};
  doubled.sites.push_back(upper);
  PhaseLibrary library;
  library.phases = {phaseFromStructure(single), phaseFromStructure(doubled)};
  Axis axis{{AxisKind::TwoTheta, AxisUnit::Degree}, {}, 1.540562};
  for (int i = 0; i < 3000; ++i) axis.values.push_back(20.0 + 80.0 * i / 2999.0);
  const ReferencePatterns refs = renderReferencesFor(library, axis);
  EXPECT_NEAR(refs.cell_mass_volume[1] / refs.cell_mass_volume[0], 4.0, 1e-9);
  EXPECT_NEAR(refs.raw_maximum[refs.variants()] / refs.raw_maximum[0], 4.0, 0.02);
  // The same patterns otherwise, so a 50:50 weight mixture of the two descriptions is any
  // split of one pattern; a pure pattern of the single cell gives the weight fractions of
  // whichever description the fit chose, summing to 1.
  std::vector<float> pure(refs.pattern(0, 0), refs.pattern(0, 0) + axis.values.size());
  const PatternIdentification r = identifyPhases(axis, pure.data(), refs);
  double total = 0;
  for (const IdentifiedPhase& p : r.phases) total += p.weight_fraction.value_or(0.0);
  EXPECT_NEAR(total, 1.0, 1e-6);
}

TEST(PhaseIdentificationTest, WeightFractionsFollowHillHoward) {
  PhaseLibrary library;
  library.phases = {phaseFromStructure(primitiveCubic("Cu", 3.0)), phaseFromStructure(primitiveCubic("W", 3.7))};
  Axis axis{{AxisKind::TwoTheta, AxisUnit::Degree}, {}, 1.540562};
  for (int i = 0; i < 3000; ++i) axis.values.push_back(20.0 + 80.0 * i / 2999.0);
  const ReferencePatterns refs = renderReferencesFor(library, axis);
  // Z M V by hand: one atom per cell (Cu 63.546, W 183.84 g/mol).
  const double zmv_cu = 63.546 * 27.0, zmv_w = 183.84 * 3.7 * 3.7 * 3.7;
  EXPECT_NEAR(refs.cell_mass_volume[0], zmv_cu, 1e-3 * zmv_cu);
  EXPECT_NEAR(refs.cell_mass_volume[1], zmv_w, 1e-3 * zmv_w);
  // Scale factors 3 and 1 on the absolute (per cell) patterns: W = S Z M V / sum.
  const double s_cu = 3.0, s_w = 1.0;
  std::vector<float> mixture(axis.values.size());
  for (std::size_t j = 0; j < mixture.size(); ++j)
    mixture[j] = static_cast<float>(s_cu * refs.raw_maximum[0 * refs.variants() + 0] * refs.pattern(0, 0)[j] +
                                    s_w * refs.raw_maximum[1 * refs.variants() + 0] * refs.pattern(1, 0)[j]);
  const PatternIdentification r = identifyPhases(axis, mixture.data(), refs);
  ASSERT_EQ(r.phases.size(), 2U);
  const double expected_cu = s_cu * zmv_cu / (s_cu * zmv_cu + s_w * zmv_w);
  for (const IdentifiedPhase& p : r.phases) {
    ASSERT_TRUE(p.weight_fraction);
    EXPECT_NEAR(*p.weight_fraction, p.name == "Cu" ? expected_cu : 1.0 - expected_cu, 0.03) << p.name;
  }
  EXPECT_LT(r.unexplained_share, 0.05);
  // Shown as a one-sample decomposition on the pattern's own axis: the contributions add up
  // to the model, which is the mixture; each phase's part is its own pattern.
  const DecompositionResult d = asDecomposition(r, axis, mixture.data());
  ASSERT_EQ(d.phases, 2);
  ASSERT_EQ(d.per_phase.size(), 2 * axis.values.size());
  double misfit = 0, total = 0;
  for (std::size_t j = 0; j < axis.values.size(); ++j) {
    misfit += std::abs(d.reconstruction[j] - mixture[j]);
    total += mixture[j];
  }
  EXPECT_LT(misfit / total, 0.05);
  EXPECT_EQ(d.unexplained_q_nm.size(), r.unexplained_peaks.size());
  EXPECT_DOUBLE_EQ(d.unexplained_share, r.unexplained_share);
  for (int p = 0; p < 2; ++p) {
    EXPECT_EQ(d.phase_names[static_cast<std::size_t>(p)], r.phases[static_cast<std::size_t>(p)].name);
    EXPECT_FLOAT_EQ(d.weight_fractions[static_cast<std::size_t>(p)],
                    static_cast<float>(*r.phases[static_cast<std::size_t>(p)].weight_fraction));
    EXPECT_FLOAT_EQ(d.fraction(0, p), static_cast<float>(r.phases[static_cast<std::size_t>(p)].intensity_fraction));
    EXPECT_FLOAT_EQ(d.support.at(static_cast<std::size_t>(p)),
                    static_cast<float>(r.phases[static_cast<std::size_t>(p)].support));
    const std::size_t card = r.phases[static_cast<std::size_t>(p)].name == "Cu" ? 0 : 1;
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t j = 0; j < axis.values.size(); ++j) {
      const double a = d.per_phase[static_cast<std::size_t>(p) * axis.values.size() + j], b = refs.pattern(card, 0)[j];
      ab += a * b;
      aa += a * a;
      bb += b * b;
    }
    EXPECT_GT(ab / std::sqrt(aa * bb), 0.99) << r.phases[static_cast<std::size_t>(p)].name;
  }
}

}  // namespace
}  // namespace phasewise::test
