#pragma once
// One look for every plot: fonts, colours per phase, and figure export (PNG, PDF, SVG).

#include <QColor>
#include <QString>

class QCustomPlot;
class QCPColorGradient;

namespace phasewise::gui {

[[nodiscard]] QColor phaseColour(int phase);
void stylePlot(QCustomPlot* plot);
// A perceptually ordered dark-blue to yellow gradient (viridis-like) for continuous quantities.
[[nodiscard]] QCPColorGradient sequentialGradient();
// Writes the plot to PNG, PDF or SVG (by the file's extension) at its on-screen size;
// throws std::runtime_error when the file cannot be written or the format is unknown.
void exportPlot(QCustomPlot* plot, const QString& path);

}  // namespace phasewise::gui
