#pragma once
// A small phase library and a classifier that trains in seconds, shared by the learn tests
// (each test process trains it once, on first use).

#include <string>
#include <utility>
#include <vector>

#include "learn/classifier.h"
#include "simulate/phase_library.h"

namespace phasewise::test {

inline core::PhaseLibrary fourPhases() {
  using namespace core;
  PhaseLibrary library;
  const std::vector<std::vector<std::pair<double, double>>> sticks = {{{20, 100}, {31, 40}, {45, 60}},
                                                                      {{22, 100}, {35, 70}, {50, 30}},
                                                                      {{25, 80}, {28, 100}, {60, 50}},
                                                                      {{18, 60}, {40, 100}, {55, 90}}};
  for (std::size_t p = 0; p < sticks.size(); ++p) {
    ReferencePhase phase;
    phase.name = "phase " + std::string(1, static_cast<char>('A' + p));
    for (const auto& [q, i] : sticks[p]) phase.sticks.push_back({q, i, std::nullopt});
    library.phases.push_back(phase);
  }
  return library;
}

inline core::ClassifierSettings quickSettings() {
  using namespace core;
  ClassifierSettings s;
  s.grid.spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  for (int i = 0; i < 256; ++i) s.grid.values.push_back(15.0 + 50.0 * i / 255.0);
  s.patterns_per_phase = 120;
  s.validation_per_phase = 30;
  s.epochs = 6;
  s.channels = 8;
  s.threads = 2;
  s.seed = 3;
  return s;
}

inline const core::PhaseClassifier& trained() {
  using namespace core;
  static const PhaseClassifier classifier = PhaseClassifier::train(fourPhases(), quickSettings());
  return classifier;
}

}  // namespace phasewise::test
