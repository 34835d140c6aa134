#pragma once
// `phasewise --bench`: how the desktop app feels on real and large data, measured rather than
// guessed. Opens Bi-Cu-V-307 (when the shared data is present) and a generated 10,000-sample
// library, and reports time to first paint, composition-map and pattern-view redraw times
// (median of repeated immediate redraws), and the longest the event loop was blocked while a
// decomposition ran in the background. Prints a table; returns the process exit code.

#include <QString>

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::gui {

int runGuiBenchmark(const core::FormatRegistry& registry, const QString& bi_cu_v_folder);

}  // namespace phasewise::gui
