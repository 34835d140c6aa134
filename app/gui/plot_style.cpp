#include "plot_style.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QSvgGenerator>

#include <stdexcept>

namespace phasewise::gui {

namespace {
bool named(const core::DecompositionResult& d, int phase) {
  const auto p = static_cast<std::size_t>(phase);
  return p < d.phase_names.size() && !d.phase_names[p].empty();
}
}  // namespace

QString phaseName(const core::DecompositionResult& d, int phase) {
  return named(d, phase) ? QString::fromStdString(d.phase_names[static_cast<std::size_t>(phase)])
                         : QObject::tr("phase %1").arg(phase + 1);
}

QString phaseLabel(const core::DecompositionResult& d, int phase) {
  const QString number = QObject::tr("phase %1").arg(phase + 1);
  return named(d, phase) ? number + QStringLiteral(": ") + phaseName(d, phase) : number;
}

QColor phaseColour(int phase) {
  // Tableau 10: distinct, colour-blind-aware, readable on white.
  static const QColor colours[] = {
      QColor(31, 119, 180), QColor(255, 127, 14),  QColor(44, 160, 44),   QColor(214, 39, 40),  QColor(148, 103, 189),
      QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
  return colours[((phase % 10) + 10) % 10];
}

QCPColorGradient sequentialGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(68, 1, 84));
  g.setColorStopAt(0.25, QColor(59, 82, 139));
  g.setColorStopAt(0.5, QColor(33, 145, 140));
  g.setColorStopAt(0.75, QColor(94, 201, 98));
  g.setColorStopAt(1.0, QColor(253, 231, 37));
  return g;
}

void stylePlot(QCustomPlot* plot) {
  plot->setAntialiasedElements(QCP::aeAll);
  plot->setNoAntialiasingOnDrag(true);  // keeps dragging smooth on large libraries
  QFont font = plot->font();
  font.setPointSizeF(9);
  plot->legend->setFont(font);
  plot->legend->setBrush(QColor(255, 255, 255, 220));
  plot->legend->setBorderPen(QPen(QColor(180, 180, 180)));
}

void exportPlot(QCustomPlot* plot, const QString& path) {
  const QString ext = QFileInfo(path).suffix().toLower();
  bool ok = false;
  if (ext == QLatin1String("png")) {
    ok = plot->savePng(path, 0, 0, 2.0);  // twice the screen resolution, for print
  } else if (ext == QLatin1String("pdf")) {
    ok = plot->savePdf(path);
  } else if (ext == QLatin1String("svg")) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(plot->size());
    svg.setViewBox(QRect(QPoint(0, 0), plot->size()));
    svg.setTitle(QStringLiteral("Phasewise figure"));
    QCPPainter painter;
    ok = painter.begin(&svg);
    if (ok) {
      plot->toPainter(&painter, plot->width(), plot->height());
      ok = painter.end();
    }
  } else {
    throw std::runtime_error("figures are written as .png, .pdf or .svg, not '." + ext.toStdString() + "'");
  }
  if (!ok) throw std::runtime_error("could not write the figure " + path.toStdString());
}

}  // namespace phasewise::gui
