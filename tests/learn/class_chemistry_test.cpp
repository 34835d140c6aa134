// Phases the data's chemistry rules out (learn/class_chemistry.h), and a classifier that then
// never names, guesses or aims at them (RefinableClassifier::predict's `allowed`,
// RefinementSettings::allowed_classes).

#include "learn/class_chemistry.h"

#include <gtest/gtest.h>

#include <numeric>

#include "learn/nearest_neighbour.h"
#include "learn/refiner.h"
#include "learn_fixtures.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

TEST(ClassChemistryTest, PhasesWithAnElementOutsideTheLibraryAreRuledOut) {
  const std::vector<std::string> names{"Fe2O3", "PdO", "", "Li0.5Fe1.5AlO4", "CoFe2O4", "NiFe2O4", "Cu", "?x"};
  // Fe, Ni and Cu with the light non-metals; a phase without a (readable) formula stays in:
  // its chemistry is unknown.
  EXPECT_EQ(classesWithinChemistry(names, {"Fe", "Ni", "Cu"}), (std::vector<char>{1, 0, 1, 0, 0, 1, 1, 1}));
  // Element symbols are compared without regard to case; a library naming no elements rules
  // nothing out.
  EXPECT_EQ(classesWithinChemistry(names, {"fe", "ni", "cu"}), (std::vector<char>{1, 0, 1, 0, 0, 1, 1, 1}));
  EXPECT_EQ(classesWithinChemistry(names, {}), std::vector<char>(names.size(), 1));
  EXPECT_EQ(classesWithinChemistry(names, {"Al", "Li", "Fe"}), (std::vector<char>{1, 0, 1, 1, 0, 0, 0, 1}));
}

// A classifier keeps each phase's formula: the phase's own, else one read from its name, and
// its file keeps them.
TEST(ClassChemistryTest, TheClassifierKeepsEachPhasesFormula) {
  PhaseLibrary library = fourPhases();
  library.phases[0].name = "cod_Fe2O3-Hematite.cif";
  library.phases[1].formula = "NiO";
  library.phases[2].name = "gamma";
  library.phases[3].name = "delta";
  ClassifierSettings settings = quickSettings();
  settings.epochs = 1;
  settings.patterns_per_phase = 20;
  settings.validation_per_phase = 5;
  const PhaseClassifier c = PhaseClassifier::train(library, settings);
  const std::vector<std::string> want{"Fe2O3", "NiO", "", ""};
  EXPECT_EQ(c.phaseFormulas(), want);
  const std::filesystem::path file = freshTempDir() / "c.pt";
  c.save(file);
  EXPECT_EQ(PhaseClassifier::load(file).phaseFormulas(), want);
  EXPECT_EQ(classesWithinChemistry(c.phaseFormulas(), {"Ni"}), (std::vector<char>{0, 1, 1, 1}));
}

// The classifier's first guess for each phase's own ideal pattern, ruled out, gives way to the
// best of the rest with probabilities renormalised over them, as a prior of zero would.
TEST(ClassChemistryTest, ARuledOutPhaseIsNeverNamedAndTheRestShareItsProbability) {
  const PhaseClassifier& c = trained();
  const NearestNeighbour nn(fourPhases(), c.grid());
  const auto free = c.predict(nn.ideals(), 4);
  for (std::size_t p = 0; p < 4; ++p) {
    std::vector<char> allowed(4, 1);
    allowed[p] = 0;
    const std::vector<float> one(nn.ideals().begin() + static_cast<std::ptrdiff_t>(p * c.points()),
                                 nn.ideals().begin() + static_cast<std::ptrdiff_t>((p + 1) * c.points()));
    const Prediction ruled = c.predict(one, 4, RefinableClassifier::Temperature::PerInput, allowed).front();
    ASSERT_EQ(free[p].top[0], static_cast<int>(p)) << "the classifier names each ideal pattern";
    EXPECT_NE(ruled.top[0], static_cast<int>(p));
    EXPECT_EQ(ruled.top.back(), static_cast<int>(p)) << "the ruled-out phase comes last";
    EXPECT_LT(ruled.probability.back(), 1e-6F);
    EXPECT_NEAR(std::accumulate(ruled.probability.begin(), ruled.probability.end(), 0.0), 1.0, 1e-4);
    // The rest keep their order.
    std::vector<int> rest;
    for (int t : free[p].top)
      if (t != static_cast<int>(p)) rest.push_back(t);
    EXPECT_EQ(std::vector<int>(ruled.top.begin(), ruled.top.begin() + 3), rest);
  }
  EXPECT_THROW((void)c.predict(nn.ideals(), 1, RefinableClassifier::Temperature::PerInput, {1, 1}), Error);
  EXPECT_THROW((void)c.predict(nn.ideals(), 1, RefinableClassifier::Temperature::PerInput, {0, 0, 0, 0}), Error);
}

// Best-target physical refinement of each phase's pattern with that phase ruled out: none of
// its guesses, and no identity before or after, is the ruled-out phase; a target among the
// ruled-out phases is refused.
TEST(ClassChemistryTest, RefinementNeitherAimsAtNorNamesARuledOutPhase) {
  const PhaseClassifier& c = trained();
  const NearestNeighbour nn(fourPhases(), c.grid());
  RefinementSettings s;
  s.refiner = RefinerKind::Physical;
  s.loss = EvaluationLoss::BestTarget;
  s.lambda = defaultLambda(RefinerKind::Physical);
  s.steps = 10;
  s.candidate_targets = 4;  // more guesses than the phases left: only the three allowed are tried
  s.allowed_classes = {0, 1, 1, 1};
  const std::vector<float> first(nn.ideals().begin(), nn.ideals().begin() + static_cast<std::ptrdiff_t>(c.points()));
  const RefinedPattern r = refine(c, first, s).front();
  EXPECT_NE(r.before.top[0], 0);
  EXPECT_NE(r.after.top[0], 0);
  EXPECT_NE(r.edit.target, 0);
  s.loss = EvaluationLoss::Targeted;
  s.target = 0;
  EXPECT_THROW((void)refine(c, first, s), Error);
}

}  // namespace
}  // namespace phasewise::test
