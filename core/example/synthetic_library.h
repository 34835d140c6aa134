#pragma once
// Phasewise's own example data: a ternary composition-spread library generated from a few
// made-up phases with known regions, Vegard-like peak shifts, peak-width variation,
// background and counting noise. Deterministic for a seed. Used by the README's first
// command, by tests, and (at 5,000 x 4,000) by the I/O benchmark.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/library.h"

namespace phasewise::core {

struct SyntheticLibrarySpec {
  // 0: samples on a regular ternary grid with this many divisions per edge ((d+1)(d+2)/2
  // samples); otherwise `samples` random compositions.
  std::size_t grid_divisions = 20;
  std::size_t samples = 0;
  std::size_t points = 650;
  double q_min = 15.0;  // nm^-1
  double q_max = 80.0;
  std::uint32_t seed = 1;
  double noise = 0.01;  // Gaussian noise, relative to the strongest peak
  // 4: the four named example phases; more: that many random phases (peaks, regions and
  // shifts drawn from the seed), for benchmarks at scale.
  std::size_t phases = 4;
};

// A phase the example is made of: its peaks at its reference composition (Q in nm^-1, height
// relative to its strongest), with Miller indices where the invented phase has a lattice.
struct SyntheticPeak {
  double q = 0, height = 0;
  std::array<int, 3> hkl{0, 0, 0};  // all zero: none
};
struct SyntheticPhase {
  std::string name;
  std::vector<SyntheticPeak> peaks;
};

struct SyntheticLibrary {
  Library library;
  std::vector<std::string> phase_names;
  std::vector<SyntheticPhase> phases;  // the true phases, in phase_names order
  std::vector<double> fractions;       // samples x phases, the true share of each phase
};

[[nodiscard]] SyntheticLibrary makeSyntheticLibrary(const SyntheticLibrarySpec& spec);

}  // namespace phasewise::core
