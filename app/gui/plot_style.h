#pragma once
// One look for every plot: fonts, colours per phase, and figure export (PNG, PDF, SVG).

#include <QColor>
#include <QString>

#include "decompose/decomposition.h"

class QCustomPlot;
class QCPColorGradient;

namespace phasewise::gui {

[[nodiscard]] QColor phaseColour(int phase);
// A decomposed phase's name: the card the library-guided fit named it after, else "phase 2".
[[nodiscard]] QString phaseName(const core::DecompositionResult& d, int phase);
// How a decomposed phase is called in legends and tables: "phase 2", or "phase 2: NiO" when
// the library-guided fit named it.
[[nodiscard]] QString phaseLabel(const core::DecompositionResult& d, int phase);
void stylePlot(QCustomPlot* plot);
// A perceptually ordered dark-blue to yellow gradient (viridis-like) for continuous quantities.
[[nodiscard]] QCPColorGradient sequentialGradient();
// Writes the plot to PNG, PDF or SVG (by the file's extension) at its on-screen size;
// throws std::runtime_error when the file cannot be written or the format is unknown.
void exportPlot(QCustomPlot* plot, const QString& path);

}  // namespace phasewise::gui
