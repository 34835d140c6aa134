// The physical refiner (edits a crystallographer accepts), the prototype loss, calibration on
// candidate-like patterns, and the measures refinement is judged by.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "learn/calibration.h"
#include "learn/classifier.h"
#include "learn/imperfect.h"
#include "learn/nearest_neighbour.h"
#include "learn/physical_edit.h"
#include "learn/refinement_score.h"
#include "learn/refiner.h"
#include "learn_fixtures.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

RefinementSettings physical(EvaluationLoss loss) {
  RefinementSettings s;
  s.refiner = RefinerKind::Physical;
  s.loss = loss;
  s.lambda = defaultLambda(RefinerKind::Physical);
  s.steps = 40;
  return s;
}

TEST(PhysicalEditTest, DescribesTheEditInAScientistsWords) {
  PhysicalEdit e;
  EXPECT_EQ(e.describe(), "not a physical edit");
  e.applied = true;
  EXPECT_EQ(e.describe(), "no change");
  e.peaks = {{23.6, 0.08, 0.1}, {33.6, 0.04, 0.0}, {41.2, 0.03, 0.7}};
  e.background_fraction = 0.04;
  e.strain = -0.008;
  EXPECT_EQ(e.describe(),
            "removed peaks at Q = 23.60, 33.60 nm^-1 (12 % of the intensity); weakened peaks at Q = 41.20 nm^-1 "
            "(3.0 % of the intensity); background 4.0 %; lattice -0.80 %");
}

TEST(PhysicalEditTest, SegmentsPeaksAndIgnoresNoise) {
  // Two Gaussian peaks on a noisy floor: two segments, split at the valley between them.
  std::vector<float> y(200);
  for (std::size_t j = 0; j < y.size(); ++j) {
    const double x = static_cast<double>(j);
    y[j] = static_cast<float>(std::exp(-0.5 * std::pow((x - 60) / 4, 2)) +
                              0.5 * std::exp(-0.5 * std::pow((x - 140) / 5, 2)) + 0.01 * ((j * 7919) % 13) / 13.0);
  }
  const PeakSegmentation s = segmentPeaks(y.data(), y.size(), 0.03);
  ASSERT_EQ(s.maxima.size(), 2U);
  EXPECT_NEAR(static_cast<double>(s.maxima[0]), 60.0, 1.0);
  EXPECT_NEAR(static_cast<double>(s.maxima[1]), 140.0, 1.0);
  EXPECT_EQ(s.segment[60], 0);
  EXPECT_EQ(s.segment[140], 1);
  EXPECT_EQ(s.segment[0], 0);
  EXPECT_EQ(s.segment[199], 1);
}

TEST(CalibrationTest, ExpectedCalibrationErrorOverBins) {
  // Bin 0.9-1.0: 4 at 0.95, 3 right (0.75): |0.75 - 0.95| = 0.2 over 4 of 8.
  // Bin 0.5-0.6: 4 at 0.55, 2 right (0.5): 0.05 over 4 of 8. ECE = 0.5 * 0.2 + 0.5 * 0.05.
  const std::vector<double> confidence{0.95, 0.95, 0.95, 0.95, 0.55, 0.55, 0.55, 0.55};
  const std::vector<bool> correct{true, true, true, false, true, true, false, false};
  const CalibrationReport r = calibrationOf(confidence, correct);
  EXPECT_NEAR(r.ece, 0.125, 1e-12);
  EXPECT_EQ(r.bins[9].count, 4U);
  EXPECT_NEAR(r.bins[9].accuracy, 0.75, 1e-12);
  EXPECT_EQ(r.overconfident_wrong, 0U);
  EXPECT_EQ(calibrationOf({0.995}, {false}).overconfident_wrong, 1U);
  EXPECT_THROW((void)calibrationOf({0.5}, {}), Error);
}

// Per-class temperature factors: a class named with p 0.95 but right 14 times in 20 (as a
// phase confused with its near-twin is) gets a factor that brings its stated probability
// towards 0.7; a class always right, and one named too rarely to judge, keep 1.
TEST(CalibrationTest, ClassFactorsMakeOnlyTheConfusedClassLessSure) {
  std::vector<float> logits;
  std::vector<int> labels;
  const auto add = [&](std::vector<float> row, int label, int times) {
    for (int i = 0; i < times; ++i) {
      logits.insert(logits.end(), row.begin(), row.end());
      labels.push_back(label);
    }
  };
  add({6, 3, 0}, 0, 14);
  add({6, 3, 0}, 1, 6);
  add({0, 6, 1}, 1, 10);
  add({0, 1, 6}, 2, 2);
  add({0, 1, 6}, 0, 1);
  const std::vector<double> t(labels.size(), 1.0);
  const std::vector<double> g = fitClassTemperatureFactors(logits, labels, t, 3);
  ASSERT_EQ(g.size(), 3U);
  EXPECT_GT(g[0], 1.5);
  EXPECT_DOUBLE_EQ(g[1], 1.0);
  EXPECT_DOUBLE_EQ(g[2], 1.0) << "named 3 times: too few to judge";
  const auto top = [](double temperature) {
    const double a = std::exp(6 / temperature), b = std::exp(3 / temperature), c = 1.0;
    return a / (a + b + c);
  };
  EXPECT_GT(top(1.0), 0.94);
  // The likelihood is highest where the expected logit, 6 p0 + 3 p1, is the truth's mean logit
  // (14 x 6 + 6 x 3) / 20 = 5.1: at p0 = 0.752 (e^(3/T) = 3.818), near the 0.7 it is right.
  EXPECT_NEAR(top(g[0]), 0.752, 0.003) << "factor " << g[0];
  // Non-finite logits (a network that blew up on those inputs) are ignored, not made a factor.
  std::vector<float> broken = logits;
  std::vector<int> broken_labels = labels;
  for (int i = 0; i < 6; ++i) {
    broken.insert(broken.end(), {0, std::nanf(""), 6});
    broken_labels.push_back(0);
  }
  EXPECT_EQ(fitClassTemperatureFactors(broken, broken_labels, std::vector<double>(broken_labels.size(), 1.0), 3), g);
  EXPECT_THROW((void)fitClassTemperatureFactors(logits, labels, {1.0}, 3), Error);
  EXPECT_THROW((void)fitClassTemperatureFactors({1, 2}, {5}, {1.0}, 2), Error);
}

TEST(RefinementScoreTest, MeasuresIdentityAndPatternQualityAgainstTheTruth) {
  const std::vector<float> pure{0, 1, 0, 1}, before{1, 1, 0, 1}, after{0, 1, 0, 1};
  const RefinementScore s = scoreRefinement({{2, 1}}, {0.8}, {1}, before, after, pure, 4);
  EXPECT_DOUBLE_EQ(s.top1, 0.0);
  EXPECT_DOUBLE_EQ(s.top3, 100.0);
  EXPECT_NEAR(s.cosine_before, 2 / std::sqrt(6.0), 1e-12);
  EXPECT_NEAR(s.cosine_after, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.cosine_rose, 100.0);
  EXPECT_NEAR(s.l1_before, 2.0 / 3.0, 1e-12);  // |1/3 - 0| + 2 |1/3 - 1/2|
  EXPECT_NEAR(s.l1_after, 0.0, 1e-12);
  EXPECT_NEAR(s.mean_change, 1.0 / 3.0, 1e-12);
}

TEST(PhysicalRefinerTest, NeverInventsIntensityAndSaysWhatItRemoved) {
  const PhaseClassifier& c = trained();
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), c.grid(), "CuKa1", 24, 11);
  const std::size_t m = c.points();
  const auto refined = refine(c, set.patterns, physical(EvaluationLoss::BestTarget));
  ASSERT_EQ(refined.size(), 24U);
  for (std::size_t i = 0; i < refined.size(); ++i) {
    const RefinedPattern& r = refined[i];
    const float* x = set.patterns.data() + i * m;
    ASSERT_TRUE(r.edit.applied);
    EXPECT_GE(r.edit.removed_fraction, 0.0);
    EXPECT_LE(r.edit.removed_fraction, 1.0);
    EXPECT_DOUBLE_EQ(r.edit.strain, 0.0) << "strain is off by default";
    // R(x) = mask * max(0, x - background) <= x, scaled to a maximum of 1 afterwards: undo the
    // scale from the removed share and compare point by point.
    const double sum_x = std::accumulate(x, x + m, 0.0),
                 sum_r = std::accumulate(r.pattern.begin(), r.pattern.end(), 0.0);
    ASSERT_GT(sum_r, 0.0);
    const double scale = (1.0 - r.edit.removed_fraction) * sum_x / sum_r;
    for (std::size_t j = 0; j < m; ++j)
      EXPECT_LE(r.pattern[j] * scale, x[j] + 1e-4) << "candidate " << i << " point " << j;
    double listed = r.edit.background_fraction;
    for (const EditedPeak& p : r.edit.peaks) {
      listed += p.share;
      EXPECT_GE(p.kept, 0.0);
      EXPECT_LE(p.kept, 1.0);
      EXPECT_GE(p.position, c.grid().values.front());
      EXPECT_LE(p.position, c.grid().values.back());
    }
    EXPECT_LE(listed, r.edit.removed_fraction + 1e-6) << "the listed edits are part of what was removed";
  }
}

TEST(PhysicalRefinerTest, RespectsTheStrainAndBroadeningBounds) {
  const PhaseClassifier& c = trained();
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), c.grid(), "CuKa1", 12, 5);
  RefinementSettings s = physical(EvaluationLoss::Entropy);
  s.lambda = 0.01;  // cheap edits: the bounds, not the cost, must hold them
  s.physical.max_strain = 0.01;
  s.physical.max_broadening = 1.5;
  for (const RefinedPattern& r : refine(c, set.patterns, s)) {
    EXPECT_LE(std::abs(r.edit.strain), 0.01 + 1e-9);
    EXPECT_LE(r.edit.broadening, 1.5 + 1e-9);
  }
  s.physical.max_strain = 0.7;
  EXPECT_THROW((void)refine(c, set.patterns, s), Error);
  s.physical.max_strain = 0.01;
  s.mode = RefinementMode::Amortised;
  EXPECT_THROW((void)refine(c, set.patterns, s), Error) << "the physical refiner works per pattern";
}

TEST(PhysicalRefinerTest, BestTargetNamesTheMajorityPhaseOfAMixture) {
  // Each phase with a 25 % share of the next one's pattern: the cheapest physical edit takes
  // the minority's peaks away, and the refined pattern is closer to the majority's.
  const PhaseClassifier& c = trained();
  const NearestNeighbour nn(fourPhases(), c.grid());
  const std::size_t m = c.points();
  const std::vector<float>& ideal = nn.ideals();
  std::vector<float> mixtures;
  for (std::size_t p = 0; p < 4; ++p) {
    const std::size_t q = (p + 1) % 4;
    std::vector<float> x(m);
    float top = 0;
    for (std::size_t j = 0; j < m; ++j) top = std::max(top, x[j] = ideal[p * m + j] + 0.25F * ideal[q * m + j]);
    for (float& v : x) v /= top;
    mixtures.insert(mixtures.end(), x.begin(), x.end());
  }
  const auto refined = refine(c, mixtures, physical(EvaluationLoss::BestTarget));
  for (std::size_t p = 0; p < 4; ++p) {
    EXPECT_EQ(refined[p].after.top[0], static_cast<int>(p)) << "mixture " << p;
    // Whatever was taken away was the minority's: the pattern is no further from the majority's.
    EXPECT_GE(cosineOf(refined[p].pattern.data(), ideal.data() + p * m, m),
              cosineOf(mixtures.data() + p * m, ideal.data() + p * m, m) - 1e-4)
        << "mixture " << p;
  }
}

TEST(PhysicalRefinerTest, ProjectionKeepsTheTargetsOwnBroadPeaksOnABackground) {
  // A decomposed candidate's peaks are broader than the ideal's (shifted samples averaged) and
  // sit on a background; it also carries a contaminant's peak. Projected onto its own phase,
  // the phase's peaks must stay (they were once judged by area, which counted the broad tails
  // and the background under them as unexplained) and the contaminant must go.
  const PhaseClassifier& c = trained();
  const NearestNeighbour nn(fourPhases(), c.grid());
  const std::size_t m = c.points();
  const std::vector<float>& ideal = nn.ideals();
  const std::size_t p = 0;
  std::vector<float> own(m, 0.0F), x(m);
  const double sigma = 3.0;  // points of extra width
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t t = j >= 12 ? j - 12 : 0; t < std::min(m, j + 13); ++t)
      own[j] += ideal[p * m + t] * static_cast<float>(std::exp(-0.5 * std::pow((double(t) - double(j)) / sigma, 2)));
  const float own_top = *std::max_element(own.begin(), own.end());
  for (float& v : own) v /= own_top;
  // The contaminant: one peak where the phase has nothing.
  std::size_t free_at = m / 2;
  for (std::size_t j = 20; j + 20 < m; ++j)
    if (*std::max_element(own.begin() + long(j) - 20, own.begin() + long(j) + 20) < 0.01F) {
      free_at = j;
      break;
    }
  for (std::size_t j = 0; j < m; ++j)
    x[j] =
        own[j] + 0.15F + 0.4F * static_cast<float>(std::exp(-0.5 * std::pow((double(j) - double(free_at)) / 2.0, 2)));
  RefinementSettings s = physical(EvaluationLoss::Targeted);
  s.target = static_cast<int>(p);
  s.physical.restore = false;  // the projection: what the target explains, as it is
  const RefinedPattern r = refine(c, x, s).front();
  const double contaminant_q = c.grid().values[free_at];
  bool contaminant_removed = false;
  for (const EditedPeak& e : r.edit.peaks) {
    const bool is_contaminant = std::abs(e.position - contaminant_q) < 0.5;
    if (is_contaminant)
      contaminant_removed = e.kept < 0.2;
    else
      EXPECT_GT(e.kept, 0.9) << "a peak of the target's own at Q = " << e.position << " was taken away";
  }
  EXPECT_TRUE(contaminant_removed) << "the contaminant's peak at Q = " << contaminant_q << " stayed";
  EXPECT_GT(cosineOf(r.pattern.data(), own.data(), m), cosineOf(x.data(), own.data(), m));
}

TEST(PhysicalRefinerTest, AnEmptyCandidateIsLeftAsItIs) {
  // A decomposition can hand over a phase with no intensity (all zero, no peaks): it used to
  // crash the description of the edits (its points belonged to no peak).
  const PhaseClassifier& c = trained();
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), c.grid(), "CuKa1", 1, 3);
  std::vector<float> x(c.points(), 0.0F);
  x.insert(x.end(), set.patterns.begin(), set.patterns.end());
  for (const bool projection : {false, true}) {
    RefinementSettings s = physical(EvaluationLoss::BestTarget);
    s.physical.restore = !projection;
    const auto refined = refine(c, x, s);
    ASSERT_EQ(refined.size(), 2U);
    EXPECT_EQ(refined[0].edit.describe(), "no change") << "projection " << projection;
    EXPECT_DOUBLE_EQ(refined[0].edit.removed_fraction, 0.0);
    EXPECT_TRUE(refined[1].edit.applied);
  }
}

TEST(PhysicalRefinerTest, PrototypeLossAndClassifierFilesKeepWhatItNeeds) {
  const PhaseClassifier& c = trained();
  ASSERT_TRUE(c.hasPrototypes());
  const auto dir = freshTempDir();
  c.save(dir / "c.pt");
  const PhaseClassifier back = PhaseClassifier::load(dir / "c.pt");
  ASSERT_TRUE(back.hasPrototypes());
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), c.grid(), "CuKa1", 8, 3);
  const auto a = refine(c, set.patterns, physical(EvaluationLoss::Prototype));
  const auto b = refine(back, set.patterns, physical(EvaluationLoss::Prototype));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].after.top, b[i].after.top) << "prototypes and ideal patterns survive the file";
    EXPECT_NEAR(a[i].edit.removed_fraction, b[i].edit.removed_fraction, 1e-4);
  }
  RefinementSettings additive;
  additive.loss = EvaluationLoss::Prototype;
  additive.target = 1;
  additive.steps = 10;
  EXPECT_EQ(refine(c, set.patterns, additive).size(), 8U) << "the additive refiner takes the prototype loss too";
}

TEST(CalibrationTest, CandidateLikeCalibrationLowersTheErrorOnHeldOutCandidates) {
  ClassifierSettings ideal_only = quickSettings();
  ideal_only.candidate_share = 0;
  ideal_only.calibrate_on_candidates = false;
  ideal_only.epochs = 12;  // trained to confident logits: six epochs leave them too close to calibrate
  // Candidates of the harder kind (two or three contaminants up to 90 % of the true phase, broad
  // peaks): clean validation patterns of four distinct phases are all classified right, which
  // drives the temperature down and the probabilities to 1; on such candidates (several in ten
  // wrong) that is overconfident. (At 70 % an AMD EPYC's network named 98 % of them right, and
  // both calibrations ended at the temperature's lower bound: no test of anything.)
  ImperfectionSettings held_out = ImperfectionSettings::harder();
  held_out.contaminants_max = 3;
  held_out.mix_max = 0.9;
  ClassifierSettings candidate_like = ideal_only;
  candidate_like.calibrate_on_candidates = true;
  candidate_like.imperfection = held_out;
  TrainingReport r1, r2;
  const PhaseClassifier a = PhaseClassifier::train(fourPhases(), ideal_only, &r1);
  const PhaseClassifier b = PhaseClassifier::train(fourPhases(), candidate_like, &r2);
  EXPECT_NE(r1.calibrated_on, r2.calibrated_on);
  // Held out: another seed.
  const ImperfectSet set = makeImperfectCandidates(fourPhases(), a.grid(), "CuKa1", 400, 99, held_out);
  auto eceOf = [&](const PhaseClassifier& c) {
    std::vector<double> confidence;
    std::vector<bool> correct;
    const auto predictions = c.predict(set.patterns, 1);
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      confidence.push_back(predictions[i].probability[0]);
      correct.push_back(predictions[i].top[0] == set.labels[i]);
    }
    return calibrationOf(confidence, correct).ece;
  };
  EXPECT_LT(eceOf(b), eceOf(a)) << "temperatures " << r1.temperature << " (ideal) and " << r2.temperature
                                << " (candidates)";
}

}  // namespace
}  // namespace phasewise::test
