#pragma once
// Second stage of the library-guided decomposition. The first stage (library_fit.h) chooses
// which cards explain the library, but with the cards' own patterns: a textured film, peak
// widths that change across the spread or a solid solution whose lattice moves further than
// the strain bound all leave part of each sample to a wrong look-alike, and the fractions
// suffer. Here the chosen cards (those used by enough samples; of near-twins, the one used
// most) start the shift-aware decomposition (shift_model.h), which adapts their patterns and
// follows larger lattice changes; it also runs from the purest samples, and the fit with the
// lower loss is kept. `settings.free_phases` free phases join the fit for what the library
// lacks. Each phase is then named by the chosen card its adapted pattern matches best (one
// card per phase, Hungarian); one left without a card, or below a cosine of 0.5 with it, is
// "free N" (a card missing from the library shows up as one).

#include "decompose/library_fit.h"

namespace phasewise::core {

// `chosen`: the first stage's result for `library`; `fitter`: the one it was fitted with.
// Returns the measured decomposition (phases without samples dropped), or `chosen` unchanged
// when it holds no phase. Throws CancelledError when progress says stop.
[[nodiscard]] LibraryDecomposition refitChosenPhases(const Library& library, const LibraryDecomposition& chosen,
                                                     const LibraryFitter& fitter, const LibraryFitSettings& settings,
                                                     const ProgressCallback& progress = nullptr);

// Keeps only the listed phases (in that order) of a decomposition: every per-phase array.
void keepPhases(DecompositionResult& result, const std::vector<std::size_t>& keep);

}  // namespace phasewise::core
