#pragma once
// Reference phases for Phasewise's built-in example: the stick patterns of the phases the
// example is made of, plus decoys (look-alikes with an expanded lattice, and invented phases)
// so that identifying the example's candidates is a real choice. Lets the whole pipeline
// (decompose, train, identify, refine) run on data the project generates itself.

#include <cstdint>

#include "example/synthetic_library.h"
#include "simulate/phase_library.h"

namespace phasewise::core {

[[nodiscard]] PhaseLibrary exampleReferencePhases(const SyntheticLibrary& example, std::size_t decoys = 8,
                                                  std::uint64_t seed = 7);

}  // namespace phasewise::core
