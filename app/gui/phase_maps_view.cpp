#include "phase_maps_view.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "composition_map_view.h"
#include "decompose/sample_quantities.h"
#include "plot_style.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {
// Shares are drawn in this many colour classes (one scatter graph each; see the map's note).
constexpr int kClasses = 16;
}  // namespace

PhaseMapsView::PhaseMapsView(ProjectDocument* document, const CompositionMapView* positions, QWidget* parent)
    : QWidget(parent), document_(document), positions_(positions), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(plot_);
  stylePlot(plot_);
  plot_->installEventFilter(this);
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) clickAt(event->pos());
  });
  connect(document_, &ProjectDocument::libraryChanged, this, &PhaseMapsView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, &PhaseMapsView::rebuild);
  rebuild();
}

void PhaseMapsView::rebuild() {
  stale_ = true;
  if (isVisible()) rebuildNow();
}

void PhaseMapsView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) rebuildNow();
}

void PhaseMapsView::rebuildNow() {
  stale_ = false;
  plot_->clearGraphs();
  plot_->plotLayout()->clear();
  rects_.clear();
  maps_ = 0;
  const core::Library& lib = document_->library();
  const auto& d = document_->decomposition();
  if (lib.samples == 0 || !d || d->samples != lib.samples ||
      positions_->pointCount() != static_cast<int>(lib.samples)) {
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(d->phases))));
  QCPColorGradient gradient = sequentialGradient();  // color() caches its table: not const
  const QCPRange shares(0, 1);
  for (int k = 0; k < d->phases; ++k) {
    auto* rect = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(k / columns, k % columns, rect);
    rects_.push_back(rect);
    rect->setupFullAxesBox(false);  // a frame round each map, the phase's name on top
    for (QCPAxis* axis : rect->axes()) {
      axis->setTicks(false);
      axis->setTickLabels(false);
      axis->grid()->setVisible(false);
    }
    rect->axis(QCPAxis::atTop)->setLabel(phaseName(*d, k));
    rect->axis(QCPAxis::atTop)->setLabelColor(phaseColour(k));
    const std::vector<double> share = core::sampleQuantity(lib, &*d, core::SampleQuantity::PhaseShare, k);
    std::vector<QCPGraph*> classes(kClasses, nullptr);
    double x_low = 1e300, x_high = -1e300, y_low = 1e300, y_high = -1e300;
    for (std::size_t s = 0; s < lib.samples; ++s) {
      const QPointF p = positions_->position(static_cast<int>(s));
      x_low = std::min(x_low, p.x());
      x_high = std::max(x_high, p.x());
      y_low = std::min(y_low, p.y());
      y_high = std::max(y_high, p.y());
      const int c = std::clamp(static_cast<int>(share[s] * kClasses), 0, kClasses - 1);
      if (!classes[static_cast<std::size_t>(c)]) {
        QCPGraph* g = plot_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(gradient.color((c + 0.5) / kClasses, shares)), 4));
        classes[static_cast<std::size_t>(c)] = g;
      }
      classes[static_cast<std::size_t>(c)]->addData(p.x(), p.y());
    }
    const double mx = 0.06 * std::max(x_high - x_low, 1e-9), my = 0.06 * std::max(y_high - y_low, 1e-9);
    rect->axis(QCPAxis::atBottom)->setRange(x_low - mx, x_high + mx);
    rect->axis(QCPAxis::atLeft)->setRange(y_low - my, y_high + my);
    ++maps_;
  }
  keepShapes();
}

void PhaseMapsView::keepShapes() {
  // Compositions have one unit on both axes: each map keeps the composition map's shape.
  plot_->replot(QCustomPlot::rpImmediateRefresh);  // lays the maps out
  for (QCPAxisRect* rect : rects_) {
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    const QCPRange yr = y->range();
    y->setScaleRatio(x, 1.0);
    if (y->range().lower > yr.lower || y->range().upper < yr.upper) {
      y->setRange(yr);
      x->setScaleRatio(y, 1.0);
    }
    rect->axis(QCPAxis::atTop)->setRange(x->range());
    rect->axis(QCPAxis::atRight)->setRange(y->range());
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool PhaseMapsView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Resize && !rects_.empty()) keepShapes();
  return QWidget::eventFilter(watched, event);
}

void PhaseMapsView::clickAt(const QPoint& pixel) {
  for (int k = 0; k < maps_; ++k) {
    QCPAxisRect* rect = rects_[static_cast<std::size_t>(k)];
    if (!rect->rect().contains(pixel)) continue;
    const double x = rect->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x());
    const double y = rect->axis(QCPAxis::atLeft)->pixelToCoord(pixel.y());
    int nearest = -1;
    double best = 1e300;
    for (int s = 0; s < positions_->pointCount(); ++s) {
      const QPointF p = positions_->position(s);
      if (const double d = std::hypot(p.x() - x, p.y() - y); d < best) {
        best = d;
        nearest = s;
      }
    }
    document_->setSelectedPhase(k);
    if (nearest >= 0) document_->setSelectedSample(nearest);
    return;
  }
}

}  // namespace phasewise::gui
