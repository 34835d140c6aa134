#pragma once
// Hill-Howard weight fractions for a library-guided decomposition: a phase's weight fraction
// in a sample is proportional to S Z M V, S its scale factor (how many unit cells' worth of its
// absolute pattern the sample's contribution holds) and Z M V its cell mass times volume.
// Scale factors come from integrated intensities, contribution against the card's absolute
// pattern. The library-guided fit takes them from its first stage, fitted with the cards' own
// patterns: the second stage's adapted patterns can share overlapping peaks between phases.

#include <vector>

#include "decompose/decomposition.h"
#include "model/reference_patterns.h"

namespace phasewise::core {

// samples x phases; empty unless every identified phase (reference >= 0) comes from a
// structure (cell_mass_volume > 0): stick cards give intensity fractions only. Free phases
// (reference -1) are left out of the sum (0).
[[nodiscard]] std::vector<float> hillHowardFractions(const DecompositionResult& result,
                                                     const std::vector<int>& reference,
                                                     const ReferencePatterns& references);

}  // namespace phasewise::core
