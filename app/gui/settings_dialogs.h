#pragma once
// Run settings for the long jobs, with sensible defaults and what each setting means in its
// tooltip. Each returns nothing when the user cancels.

#include <optional>

#include "decompose/decomposition.h"
#include "learn/classifier.h"
#include "learn/refiner.h"

class QWidget;

namespace phasewise::gui {

// With `kept` > 0, asks whether the kept phases are frozen (else only seeded); the answer is
// returned in `freeze`.
[[nodiscard]] std::optional<core::DecompositionSettings> askDecompositionSettings(
    QWidget* parent, const core::DecompositionSettings& defaults, int kept = 0, bool* freeze = nullptr);
[[nodiscard]] std::optional<core::ClassifierSettings> askClassifierSettings(QWidget* parent,
                                                                            const core::ClassifierSettings& defaults);

// The refinement's finer settings (lambda and target live on the phases panel): optimiser
// steps, how the change is measured, the proximal L1 step, per pattern or amortised.
[[nodiscard]] std::optional<core::RefinementSettings> askRefinementSettings(QWidget* parent,
                                                                            const core::RefinementSettings& defaults);

}  // namespace phasewise::gui
