#pragma once
// Run settings for the long jobs, with sensible defaults and what each setting means in its
// tooltip. Each returns nothing when the user cancels.

#include <optional>

#include <string>

#include "decompose/decomposition.h"
#include "decompose/library_fit.h"
#include "learn/classifier.h"
#include "learn/refiner.h"

class QWidget;

namespace phasewise::gui {

// With `kept` > 0, asks whether the kept phases are frozen (else only seeded); the answer is
// returned in `freeze`.
[[nodiscard]] std::optional<core::DecompositionSettings> askDecompositionSettings(
    QWidget* parent, const core::DecompositionSettings& defaults, int kept = 0, bool* freeze = nullptr);
// The library-guided decomposition: the project's reference phases fitted to every sample.
struct LibraryGuidedSettings {
  core::LibraryFitSettings fit;
  // The lines the reference patterns are drawn with: "" for the library's own wavelength (one
  // line), "Cu" for a lab tube's K-alpha1 + K-alpha2, or a wavelength in Angstrom.
  std::string radiation;
  // One pattern: the sample's elements (only candidates made of these and light non-metals are
  // tried); empty: every candidate. A spread's own elements come from its compositions.
  std::vector<std::string> elements;
};
// `references`: how many reference phases the project holds; `wavelength`: the library's,
// when it states one (shown; a library on Q without one gets Cu K-alpha1 widths).
[[nodiscard]] std::optional<LibraryGuidedSettings> askLibraryGuidedSettings(QWidget* parent,
                                                                            const LibraryGuidedSettings& defaults,
                                                                            int references,
                                                                            std::optional<double> wavelength);
[[nodiscard]] std::optional<core::ClassifierSettings> askClassifierSettings(QWidget* parent,
                                                                            const core::ClassifierSettings& defaults);

// The refinement's finer settings (lambda and target live on the phases panel): optimiser
// steps, how the change is measured, the proximal L1 step, per pattern or amortised.
[[nodiscard]] std::optional<core::RefinementSettings> askRefinementSettings(QWidget* parent,
                                                                            const core::RefinementSettings& defaults);

}  // namespace phasewise::gui
