#include "composition_map_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "plot_style.h"
#include "project_document.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {
// Continuous quantities are drawn as this many colour classes (one scatter graph each):
// per-point colours in one graph do not exist in QCustomPlot, and 48 graphs draw 10,000
// samples well within a frame.
constexpr int kColourClasses = 48;
}  // namespace

CompositionMapView::CompositionMapView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      plot_(new QCustomPlot(this)),
      scale_(new QCPColorScale(plot_)),
      quantity_(new QComboBox(this)),
      phase_(new QSpinBox(this)) {
  for (const auto q :
       {core::SampleQuantity::DominantPhase, core::SampleQuantity::TotalIntensity, core::SampleQuantity::PhaseShare,
        core::SampleQuantity::PhaseShift, core::SampleQuantity::Residual})
    quantity_->addItem(QString::fromStdString(core::sampleQuantityName(q)), static_cast<int>(q));
  phase_->setPrefix(tr("phase "));
  phase_->setRange(1, 1);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Colour:"), this));
  controls->addWidget(quantity_, 1);
  controls->addWidget(phase_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);
  stylePlot(plot_);
  plot_->axisRect()->setupFullAxesBox();
  // The triangle leaves its upper left empty: the legend goes there.
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  plot_->plotLayout()->addElement(0, 1, scale_);
  scale_->setBarWidth(10);
  scale_->setGradient(sequentialGradient());
  scale_->setVisible(false);
  plot_->setSelectionRectMode(QCP::srmCustom);
  plot_->selectionRect()->setPen(QPen(Qt::black, 1, Qt::DashLine));
  plot_->selectionRect()->setBrush(QColor(0, 0, 0, 25));
  connect(plot_->selectionRect(), &QCPSelectionRect::accepted, this, &CompositionMapView::selectionRectangle);
  plot_->installEventFilter(this);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    if (!hover_) return;
    hover_->setText(
        compositionAt(plot_->xAxis->pixelToCoord(event->pos().x()), plot_->yAxis->pixelToCoord(event->pos().y())));
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  connect(document_, &ProjectDocument::libraryChanged, this, &CompositionMapView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, &CompositionMapView::recolour);
  connect(document_, &ProjectDocument::selectionChanged, this, &CompositionMapView::showSelection);
  connect(document_, &ProjectDocument::phaseSelectionChanged, this, [this](int phase) {
    if (phase >= 0) phase_->setValue(phase + 1);
  });
  connect(quantity_, &QComboBox::currentIndexChanged, this, &CompositionMapView::recolour);
  connect(phase_, &QSpinBox::valueChanged, this, &CompositionMapView::recolour);
  rebuild();
}

int CompositionMapView::pointCount() const { return static_cast<int>(x_.size()); }

core::SampleQuantity CompositionMapView::colouring() const {
  return static_cast<core::SampleQuantity>(quantity_->currentData().toInt());
}

void CompositionMapView::setColouring(core::SampleQuantity quantity, int phase) {
  phase_->setValue(phase + 1);
  quantity_->setCurrentIndex(quantity_->findData(static_cast<int>(quantity)));
  recolour();
}

QPointF CompositionMapView::position(int sample) const {
  return {x_.at(static_cast<std::size_t>(sample)), y_.at(static_cast<std::size_t>(sample))};
}

void CompositionMapView::rebuild() {
  x_.clear();
  y_.clear();
  const core::Library& lib = document_->library();
  const bool ternary = lib.elements.size() == 3 && !lib.composition.empty();
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
  if (!ternary) {  // a ternary plot is labelled at its corners (drawTernaryFrame)
    plot_->xAxis->setLabel(lib.x.empty() ? tr("sample") : tr("x (mm)"));
    plot_->yAxis->setLabel(lib.x.empty() ? QString() : tr("y (mm)"));
  }
  ternary_ = ternary;
  drawTernaryFrame();
  recolour();
  fitAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void CompositionMapView::drawTernaryFrame() {
  plot_->clearItems();
  hover_ = nullptr;
  // The cartesian axes mean nothing on a ternary plot: the frame and grid say it all.
  for (QCPAxis* axis : plot_->axisRect()->axes()) {
    axis->setTicks(!ternary_);
    axis->setTickLabels(!ternary_ && (axis == plot_->xAxis || axis == plot_->yAxis));
    axis->setBasePen(ternary_ ? Qt::NoPen : QPen(Qt::black));
    axis->grid()->setVisible(!ternary_);
  }
  if (!ternary_) return;
  plot_->xAxis->setLabel(QString());
  plot_->yAxis->setLabel(QString());
  const core::Library& lib = document_->library();
  constexpr double h = 0.8660254037844386;               // sqrt(3)/2
  const QPointF corner[3] = {{0, 0}, {1, 0}, {0.5, h}};  // where each element is pure
  auto line = [&](QPointF a, QPointF b, const QPen& pen) {
    auto* l = new QCPItemLine(plot_);
    l->start->setCoords(a);
    l->end->setCoords(b);
    l->setPen(pen);
    l->setLayer(QStringLiteral("grid"));  // under the samples
  };
  const QPen grid(QColor(190, 190, 190), 1, Qt::DashLine);
  for (int e = 0; e < 3; ++e) {
    const QPointF& a = corner[e];
    const QPointF& b = corner[(e + 1) % 3];
    const QPointF& c = corner[(e + 2) % 3];
    line(a, b, QPen(Qt::black, 1.2));
    // Element e's fraction f is constant on the segment between the other two edges at f.
    for (int k = 1; k < 5; ++k) {
      const double f = 0.2 * k;
      line(a * f + b * (1 - f), a * f + c * (1 - f), grid);
    }
    auto* label = new QCPItemText(plot_);
    label->setText(QString::fromStdString(lib.elements[static_cast<std::size_t>(e)]));
    label->position->setCoords(a.x() + (e == 0 ? -0.03 : e == 1 ? 0.03 : 0.0), a.y() + (e == 2 ? 0.04 : -0.04));
    label->setFont(QFont(font().family(), 11, QFont::Bold));
    label->setClipToAxisRect(false);
  }
  hover_ = new QCPItemText(plot_);
  hover_->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
  hover_->position->setType(QCPItemPosition::ptAxisRectRatio);
  hover_->position->setCoords(0.99, 0.01);
  hover_->setText(QString());
}

QString CompositionMapView::compositionAt(double x, double y) const {
  if (!ternary_ || x_.empty()) return {};
  const double f2 = y / 0.8660254037844386, f1 = x - 0.5 * f2, f0 = 1 - f1 - f2;
  constexpr double slack = 1e-9;
  if (f0 < -slack || f1 < -slack || f2 < -slack) return {};
  const core::Library& lib = document_->library();
  std::size_t nearest = 0;
  double best = 1e300;
  for (std::size_t s = 0; s < x_.size(); ++s)
    if (const double d = std::hypot(x_[s] - x, y_[s] - y); d < best) {
      best = d;
      nearest = s;
    }
  return QStringLiteral("%1 %2  %3 %4  %5 %6\nnearest: sample %7")
      .arg(QString::fromStdString(lib.elements[0]))
      .arg(std::max(0.0, f0), 0, 'f', 2)
      .arg(QString::fromStdString(lib.elements[1]))
      .arg(std::max(0.0, f1), 0, 'f', 2)
      .arg(QString::fromStdString(lib.elements[2]))
      .arg(std::max(0.0, f2), 0, 'f', 2)
      .arg(nearest + 1);
}

void CompositionMapView::fitAxes() {
  if (x_.empty()) return;
  const auto [x_low, x_high] = std::minmax_element(x_.begin(), x_.end());
  const auto [y_low, y_high] = std::minmax_element(y_.begin(), y_.end());
  // A ternary plot leaves room for the element names at its corners.
  const double margin = ternary_ ? 0.1 : 0.05;
  const double xm = margin * std::max(*x_high - *x_low, 1e-9), ym = margin * std::max(*y_high - *y_low, 1e-9);
  plot_->xAxis->setRange(*x_low - xm, *x_high + xm);
  plot_->yAxis->setRange(*y_low - ym, *y_high + ym);
  const core::Library& lib = document_->library();
  const bool same_units = (lib.elements.size() == 3 && !lib.composition.empty()) || !lib.x.empty();
  if (!same_units || *y_high - *y_low < 1e-12) return;
  // Compositions and wafer positions have one unit on both axes: an equilateral triangle must
  // look equilateral. Widen whichever axis the window's shape leaves too short.
  plot_->yAxis->setScaleRatio(plot_->xAxis, 1.0);
  if (plot_->yAxis->range().lower > *y_low - ym || plot_->yAxis->range().upper < *y_high + ym) {
    plot_->yAxis->setRange(*y_low - ym, *y_high + ym);
    plot_->xAxis->setScaleRatio(plot_->yAxis, 1.0);
  }
}

bool CompositionMapView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Resize) {
    fitAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
  }
  return QWidget::eventFilter(watched, event);
}

QCPGraph* CompositionMapView::addScatter(const QColor& colour, const QString& name) {
  QCPGraph* g = plot_->addGraph();
  g->setLineStyle(QCPGraph::lsNone);
  g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, document_->library().samples > 2000 ? 4 : 7));
  g->setName(name);
  return g;
}

// One graph per phase, coloured as everywhere, with a legend.
void CompositionMapView::showDominantPhases(const std::vector<double>& values, const core::DecompositionResult& d) {
  const int phases = d.phases;
  const std::size_t samples = values.size();
  scale_->setVisible(false);
  plot_->legend->setVisible(true);
  std::vector<QVector<double>> xs(static_cast<std::size_t>(phases)), ys(xs.size());
  for (std::size_t s = 0; s < samples; ++s) {
    if (!(values[s] >= 0 && values[s] < phases)) continue;  // no phase (an empty result)
    xs[static_cast<std::size_t>(values[s])].push_back(x_[s]);
    ys[static_cast<std::size_t>(values[s])].push_back(y_[s]);
  }
  for (int p = 0; p < phases; ++p)
    addScatter(phaseColour(p), phaseLabel(d, p))
        ->setData(xs[static_cast<std::size_t>(p)], ys[static_cast<std::size_t>(p)]);
}

// The quantity on a sequential colour scale, in kColourClasses classes (one graph each).
void CompositionMapView::showScale(const std::vector<double>& values, core::SampleQuantity q) {
  const std::size_t samples = values.size();
  plot_->legend->setVisible(false);
  double low = 1e300, high = -1e300;
  for (double v : values)
    if (std::isfinite(v)) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  if (!(high > low)) high = low + 1;
  scale_->setVisible(true);
  scale_->setDataRange(QCPRange(low, high));
  scale_->axis()->setLabel(QString::fromStdString(core::sampleQuantityName(q)) +
                           (q == core::SampleQuantity::PhaseShare || q == core::SampleQuantity::PhaseShift
                                ? tr(" of phase %1").arg(phase_->value())
                                : QString()));
  QCPColorGradient gradient = sequentialGradient();
  // Class kColourClasses holds samples without a value (e.g. a shift where the phase is absent).
  std::vector<QVector<double>> xs(kColourClasses + 1), ys(kColourClasses + 1);
  for (std::size_t s = 0; s < samples; ++s) {
    const int c =
        std::isfinite(values[s])
            ? std::clamp(static_cast<int>((values[s] - low) / (high - low) * kColourClasses), 0, kColourClasses - 1)
            : kColourClasses;
    xs[static_cast<std::size_t>(c)].push_back(x_[s]);
    ys[static_cast<std::size_t>(c)].push_back(y_[s]);
  }
  for (int c = 0; c <= kColourClasses; ++c) {
    const QColor colour = c == kColourClasses
                              ? QColor(220, 220, 220)
                              : QColor::fromRgb(gradient.color((c + 0.5) / kColourClasses, QCPRange(0, 1)));
    addScatter(colour, QString())->setData(xs[static_cast<std::size_t>(c)], ys[static_cast<std::size_t>(c)]);
  }
}

void CompositionMapView::recolour() {
  plot_->clearGraphs();
  const core::Library& lib = document_->library();
  const auto& d = document_->decomposition();
  phase_->setRange(1, std::max(1, d ? d->phases : 1));
  core::SampleQuantity q = colouring();
  phase_->setVisible(q == core::SampleQuantity::PhaseShare || q == core::SampleQuantity::PhaseShift);
  if (lib.samples == 0 || x_.size() != lib.samples) {
    scale_->setVisible(false);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  if (core::needsDecomposition(q) && !d) q = core::SampleQuantity::TotalIntensity;  // until there is one
  std::vector<double> values;
  try {
    values = core::sampleQuantity(lib, d ? &*d : nullptr, q, phase_->value() - 1);
  } catch (const core::Error&) {
    values = core::sampleQuantity(lib, nullptr, core::SampleQuantity::TotalIntensity);
    q = core::SampleQuantity::TotalIntensity;
  }
  // Thousands of antialiased discs cost more than a frame; small ones look the same without.
  if (lib.samples > 2000)
    plot_->setNotAntialiasedElements(QCP::aeScatters);
  else
    plot_->setAntialiasedElements(QCP::aeAll);
  if (q == core::SampleQuantity::DominantPhase)
    showDominantPhases(values, *d);
  else
    showScale(values, q);
  QCPGraph* selection = plot_->addGraph();
  selection->setLineStyle(QCPGraph::lsNone);
  selection->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 13));
  selection->setName(tr("selected"));
  selection->removeFromLegend();
  showSelection();
}

void CompositionMapView::showSelection() {
  if (plot_->graphCount() == 0) return;
  QCPGraph* selection = plot_->graph(plot_->graphCount() - 1);
  selection->data()->clear();
  for (int sample : document_->selectedSamples())
    if (sample >= 0 && static_cast<std::size_t>(sample) < x_.size())
      selection->addData(x_[static_cast<std::size_t>(sample)], y_[static_cast<std::size_t>(sample)]);
  selection->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush,
                                             document_->selectedSamples().size() > 1 ? 9 : 13));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void CompositionMapView::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

void CompositionMapView::selectInside(double x0, double y0, double x1, double y1) {
  const double xl = std::min(x0, x1), xh = std::max(x0, x1), yl = std::min(y0, y1), yh = std::max(y0, y1);
  std::vector<int> inside;
  for (std::size_t s = 0; s < x_.size(); ++s)
    if (x_[s] >= xl && x_[s] <= xh && y_[s] >= yl && y_[s] <= yh) inside.push_back(static_cast<int>(s));
  document_->setSelectedSamples(std::move(inside));
}

void CompositionMapView::selectionRectangle(const QRect& rect, QMouseEvent*) {
  if (x_.empty()) return;
  if (rect.width() < 4 && rect.height() < 4) {  // a click: the nearest sample
    const double px = plot_->xAxis->pixelToCoord(rect.center().x()), py = plot_->yAxis->pixelToCoord(rect.center().y());
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
    return;
  }
  selectInside(plot_->xAxis->pixelToCoord(rect.left()), plot_->yAxis->pixelToCoord(rect.top()),
               plot_->xAxis->pixelToCoord(rect.right()), plot_->yAxis->pixelToCoord(rect.bottom()));
}

}  // namespace phasewise::gui
