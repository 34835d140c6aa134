#include "composition_map_view.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <cmath>

#include "project_document.h"

namespace phasewise::gui {
namespace {
const QColor kPhaseColours[] = {
    QColor(31, 119, 180), QColor(255, 127, 14),  QColor(44, 160, 44),   QColor(214, 39, 40),  QColor(148, 103, 189),
    QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
}

CompositionMapView::CompositionMapView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->axisRect()->setupFullAxesBox();
  connect(document_, &ProjectDocument::libraryChanged, this, &CompositionMapView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, &CompositionMapView::rebuild);
  connect(document_, &ProjectDocument::selectionChanged, this, &CompositionMapView::showSelection);
  connect(plot_, &QCustomPlot::mousePress, this, &CompositionMapView::pick);
  rebuild();
}

int CompositionMapView::pointCount() const { return static_cast<int>(x_.size()); }

void CompositionMapView::rebuild() {
  plot_->clearGraphs();
  x_.clear();
  y_.clear();
  const core::Library& lib = document_->library();
  if (lib.samples == 0) {
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const bool ternary = lib.elements.size() == 3;
  for (std::size_t s = 0; s < lib.samples; ++s) {
    if (ternary) {
      x_.push_back(lib.fraction(s, 1) + 0.5 * lib.fraction(s, 2));
      y_.push_back(0.8660254037844386 * lib.fraction(s, 2));
    } else if (!lib.x.empty()) {
      x_.push_back(lib.x[s]);
      y_.push_back(lib.y[s]);
    } else {
      x_.push_back(static_cast<double>(s));
      y_.push_back(0.0);
    }
  }
  // One graph per colour class: the dominant phase, or a single class before decomposition.
  const auto& d = document_->decomposition();
  const int classes = d ? d->phases : 1;
  for (int c = 0; c < classes; ++c) {
    QCPGraph* g = plot_->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kPhaseColours[c % 10], 7));
    g->setName(d ? QStringLiteral("phase %1").arg(c + 1) : QStringLiteral("samples"));
  }
  for (std::size_t s = 0; s < lib.samples; ++s) {
    int cls = 0;
    if (d) {
      float best = -1;
      for (int p = 0; p < d->phases; ++p)
        if (d->fraction(s, p) > best) {
          best = d->fraction(s, p);
          cls = p;
        }
    }
    plot_->graph(cls)->addData(x_[s], y_[s]);
  }
  QCPGraph* selection = plot_->addGraph();
  selection->setLineStyle(QCPGraph::lsNone);
  selection->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 13));
  selection->setName(QStringLiteral("selected"));
  if (ternary) {
    plot_->xAxis->setLabel(QString::fromStdString(lib.elements[1] + " + " + lib.elements[2] + "/2"));
    plot_->yAxis->setLabel(QString::fromStdString(lib.elements[2] + " (x sqrt 3 / 2)"));
  } else {
    plot_->xAxis->setLabel(lib.x.empty() ? QStringLiteral("sample") : QStringLiteral("x (mm)"));
    plot_->yAxis->setLabel(lib.x.empty() ? QString() : QStringLiteral("y (mm)"));
  }
  plot_->rescaleAxes();
  plot_->xAxis->scaleRange(1.1);
  plot_->yAxis->scaleRange(1.1);
  showSelection(document_->selectedSample());
}

void CompositionMapView::showSelection(int sample) {
  if (plot_->graphCount() == 0) return;
  QCPGraph* selection = plot_->graph(plot_->graphCount() - 1);
  selection->data()->clear();
  if (sample >= 0 && static_cast<std::size_t>(sample) < x_.size()) selection->addData(x_[sample], y_[sample]);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void CompositionMapView::pick(QMouseEvent* event) {
  if (x_.empty()) return;
  const double px = plot_->xAxis->pixelToCoord(event->pos().x()), py = plot_->yAxis->pixelToCoord(event->pos().y());
  std::size_t best = 0;
  double best_d = 1e300;
  for (std::size_t s = 0; s < x_.size(); ++s) {
    const double d = std::hypot(x_[s] - px, y_[s] - py);
    if (d < best_d) {
      best_d = d;
      best = s;
    }
  }
  document_->setSelectedSample(static_cast<int>(best));
}

}  // namespace phasewise::gui
