#include "heat_map_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "decompose/sample_quantities.h"
#include "plot_style.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {

// For each of `columns` uniform positions across the axis: the point below it and the weight of
// the point above (linear interpolation; an already uniform axis gives weight 0 everywhere).
struct Resampling {
  std::vector<std::size_t> below;
  std::vector<float> weight;
};
Resampling resampling(const std::vector<double>& axis, int columns) {
  Resampling r;
  const double first = axis.front(), last = axis.back();
  std::size_t j = 0;
  for (int c = 0; c < columns; ++c) {
    const double x = columns > 1 ? first + (last - first) * c / (columns - 1) : first;
    while (j + 2 < axis.size() && axis[j + 1] <= x) ++j;
    const double span = axis[j + 1] - axis[j];
    r.below.push_back(j);
    r.weight.push_back(static_cast<float>(span > 0 ? std::clamp((x - axis[j]) / span, 0.0, 1.0) : 0.0));
  }
  return r;
}

}  // namespace

HeatMapView::HeatMapView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      plot_(new QCustomPlot(this)),
      map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)),
      scale_(new QCPColorScale(plot_)),
      order_(new QComboBox(this)),
      log_(new QCheckBox(tr("log"), this)) {
  order_->addItem(tr("sample index"), static_cast<int>(Order::Index));
  order_->addItem(tr("selection (map)"), static_cast<int>(Order::Selection));
  order_->addItem(tr("dominant phase"), static_cast<int>(Order::DominantPhase));
  log_->setChecked(true);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Rows:"), this));
  controls->addWidget(order_, 1);
  controls->addWidget(log_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);
  stylePlot(plot_);
  plot_->plotLayout()->addElement(0, 1, scale_);
  scale_->setBarWidth(10);
  scale_->setGradient(sequentialGradient());
  map_->setColorScale(scale_);
  map_->setGradient(sequentialGradient());
  map_->setInterpolate(false);
  plot_->yAxis->setLabel(tr("row"));
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) selectRowAt(plot_->yAxis->pixelToCoord(event->pos().y()));
  });
  connect(document_, &ProjectDocument::libraryChanged, this, &HeatMapView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, [this] {
    if (order() == Order::DominantPhase) {
      rebuild();
    } else if (!stale_) {
      drawBoundaries();
      plot_->replot(QCustomPlot::rpQueuedReplot);
    }
  });
  connect(document_, &ProjectDocument::selectionChanged, this, [this] {
    // The selection order follows the map's selection; otherwise only the outline moves.
    if (order() == Order::Selection)
      rebuild();
    else
      showSelection();
  });
  connect(order_, &QComboBox::currentIndexChanged, this, &HeatMapView::rebuild);
  connect(log_, &QCheckBox::toggled, this, &HeatMapView::rebuild);
  rebuild();
}

HeatMapView::Order HeatMapView::order() const { return static_cast<Order>(order_->currentData().toInt()); }

void HeatMapView::setOrder(Order order) { order_->setCurrentIndex(order_->findData(static_cast<int>(order))); }

int HeatMapView::columns() const { return map_->data()->keySize(); }

void HeatMapView::rebuild() {
  stale_ = true;
  if (isVisible()) rebuildNow();
}

void HeatMapView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) rebuildNow();
}

void HeatMapView::rebuildNow() {
  stale_ = false;
  const core::Library& lib = document_->library();
  const auto& d = document_->decomposition();
  rows_.clear();
  boundaries_.clear();
  plot_->clearItems();
  boundary_lines_.clear();
  selected_ = nullptr;
  if (lib.samples == 0 || lib.points() < 2) {
    map_->data()->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  // Row order.
  std::vector<double> dominant;
  if (d && d->samples == lib.samples) dominant = core::sampleQuantity(lib, &*d, core::SampleQuantity::DominantPhase);
  const std::vector<int>& selection = document_->selectedSamples();
  if (order() == Order::Selection && selection.size() > 1) {
    rows_ = selection;
  } else {
    for (std::size_t s = 0; s < lib.samples; ++s) rows_.push_back(static_cast<int>(s));
    if (order() == Order::DominantPhase && !dominant.empty())
      std::stable_sort(rows_.begin(), rows_.end(), [&](int a, int b) {
        return dominant[static_cast<std::size_t>(a)] < dominant[static_cast<std::size_t>(b)];
      });
  }
  // The image: rows x columns, the axis resampled uniformly.
  const int columns = std::min<int>(kColumns, static_cast<int>(lib.points()));
  const Resampling across = resampling(lib.axis.values, columns);
  const int rows = static_cast<int>(rows_.size());
  map_->data()->setSize(columns, rows);
  map_->data()->setRange(QCPRange(lib.axis.values.front(), lib.axis.values.back()), QCPRange(0, rows - 1));
  const bool log = log_->isChecked();
  for (int r = 0; r < rows; ++r) {
    const float* p = lib.pattern(static_cast<std::size_t>(rows_[static_cast<std::size_t>(r)]));
    for (int c = 0; c < columns; ++c) {
      const std::size_t j = across.below[static_cast<std::size_t>(c)];
      const float w = across.weight[static_cast<std::size_t>(c)];
      const double v = std::max(0.0F, p[j] * (1 - w) + p[j + 1] * w);
      map_->data()->setCell(c, r, log ? std::log10(1.0 + v) : v);
    }
  }
  map_->rescaleDataRange(true);
  scale_->axis()->setLabel(log ? tr("log10(1 + intensity)") : tr("intensity"));
  plot_->xAxis->setLabel(QString::fromStdString(lib.axis.spec.name()));
  plot_->yAxis->setLabel(order() == Order::DominantPhase ? tr("row (by dominant phase)")
                         : order() == Order::Selection   ? tr("row (selection order)")
                                                         : tr("sample"));
  drawBoundaries();
  plot_->rescaleAxes();
  showSelection();
}

void HeatMapView::drawBoundaries() {
  for (QCPItemStraightLine* line : boundary_lines_) plot_->removeItem(line);
  boundary_lines_.clear();
  boundaries_.clear();
  const core::Library& lib = document_->library();
  const auto& d = document_->decomposition();
  if (!d || d->samples != lib.samples || rows_.empty()) return;
  // Where the dominant phase changes from one row to the next.
  const std::vector<double> dominant = core::sampleQuantity(lib, &*d, core::SampleQuantity::DominantPhase);
  for (std::size_t r = 0; r + 1 < rows_.size(); ++r) {
    if (dominant[static_cast<std::size_t>(rows_[r])] == dominant[static_cast<std::size_t>(rows_[r + 1])]) continue;
    boundaries_.push_back(static_cast<int>(r));
    auto* line = new QCPItemStraightLine(plot_);
    line->point1->setCoords(0, static_cast<double>(r) + 0.5);
    line->point2->setCoords(1, static_cast<double>(r) + 0.5);
    line->setPen(QPen(QColor(255, 255, 255, 200), 1, Qt::DashLine));
    boundary_lines_.push_back(line);
  }
}

void HeatMapView::showSelection() {
  if (selected_) {
    plot_->removeItem(selected_);
    selected_ = nullptr;
  }
  const auto at = std::find(rows_.begin(), rows_.end(), document_->selectedSample());
  if (at != rows_.end()) {
    const double row = static_cast<double>(at - rows_.begin());
    selected_ = new QCPItemStraightLine(plot_);
    selected_->point1->setCoords(0, row);
    selected_->point2->setCoords(1, row);
    selected_->setPen(QPen(QColor(230, 40, 40), 1.5));
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HeatMapView::selectRowAt(double y) {
  const long row = std::lround(y);
  if (row < 0 || row >= static_cast<long>(rows_.size())) return;
  document_->setSelectedSample(rows_[static_cast<std::size_t>(row)]);
}

void HeatMapView::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

}  // namespace phasewise::gui
