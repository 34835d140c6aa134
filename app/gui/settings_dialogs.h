#pragma once
// Run settings for the long jobs, with sensible defaults and what each setting means in its
// tooltip. Each returns nothing when the user cancels.

#include <optional>

#include "decompose/decomposition.h"
#include "learn/classifier.h"

class QWidget;

namespace phasewise::gui {

[[nodiscard]] std::optional<core::DecompositionSettings> askDecompositionSettings(
    QWidget* parent, const core::DecompositionSettings& defaults);
[[nodiscard]] std::optional<core::ClassifierSettings> askClassifierSettings(QWidget* parent,
                                                                            const core::ClassifierSettings& defaults);

}  // namespace phasewise::gui
