#include "pattern_view.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include "project_document.h"

namespace phasewise::gui {

PatternView::PatternView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->legend->setVisible(true);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  connect(document_, &ProjectDocument::selectionChanged, this, &PatternView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, &PatternView::rebuild);
  rebuild();
}

void PatternView::rebuild() {
  plot_->clearGraphs();
  const core::Library& lib = document_->library();
  const int s = document_->selectedSample();
  if (s < 0 || lib.samples == 0) {
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const std::size_t m = lib.points();
  const QVector<double> x(lib.axis.values.begin(), lib.axis.values.end());
  auto add = [&](const QString& name, const float* values, const QPen& pen) {
    QCPGraph* g = plot_->addGraph();
    QVector<double> y(static_cast<int>(m));
    for (std::size_t j = 0; j < m; ++j) y[static_cast<int>(j)] = values[j];
    g->setData(x, y, true);
    g->setName(name);
    g->setPen(pen);
  };
  add(QStringLiteral("data"), lib.pattern(static_cast<std::size_t>(s)), QPen(Qt::black, 1.5));
  if (const auto& d = document_->decomposition()) {
    add(QStringLiteral("model"), &d->reconstruction[static_cast<std::size_t>(s) * m], QPen(QColor(214, 39, 40), 1.2));
    if (!d->per_phase.empty())
      for (int p = 0; p < d->phases; ++p) {
        const float* values = &d->per_phase[(static_cast<std::size_t>(s) * d->phases + p) * m];
        add(QStringLiteral("phase %1 (%2 %)").arg(p + 1).arg(100.0 * d->fraction(s, p), 0, 'f', 0), values,
            QPen(QColor::fromHsv((p * 47) % 360, 200, 200), 1.0, Qt::DashLine));
      }
    std::vector<float> residual(m);
    for (std::size_t j = 0; j < m; ++j)
      residual[j] = lib.pattern(static_cast<std::size_t>(s))[j] - d->reconstruction[s * m + j];
    add(QStringLiteral("residual"), residual.data(), QPen(Qt::gray, 1.0));
  }
  plot_->xAxis->setLabel(QString::fromStdString(lib.axis.spec.name()));
  plot_->yAxis->setLabel(QStringLiteral("intensity"));
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace phasewise::gui
