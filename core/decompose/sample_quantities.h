#pragma once
// Per-sample quantities a composition map can be coloured by: total intensity, and from a
// decomposition the dominant phase, one phase's share or shift, and the residual.

#include <string>
#include <vector>

#include "decompose/decomposition.h"
#include "model/library.h"

namespace phasewise::core {

enum class SampleQuantity { DominantPhase, TotalIntensity, PhaseShare, PhaseShift, Residual };

[[nodiscard]] std::string sampleQuantityName(SampleQuantity quantity);  // "phase share", ...
[[nodiscard]] bool needsDecomposition(SampleQuantity quantity);

// One value per sample (the dominant phase as its index). `phase` selects the phase for share
// and shift. Throws Error when the quantity needs a decomposition that is absent or the phase
// is out of range.
[[nodiscard]] std::vector<double> sampleQuantity(const Library& library, const DecompositionResult* decomposition,
                                                 SampleQuantity quantity, int phase = 0);

}  // namespace phasewise::core
