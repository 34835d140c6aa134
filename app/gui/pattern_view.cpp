#include "pattern_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "plot_style.h"
#include "project_document.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {
constexpr int kMostWaterfall = 60;  // more curves than this stop being readable
constexpr double kCuKalpha1 = 1.540562;
}  // namespace

PatternView::PatternView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      plot_(new QCustomPlot(this)),
      axis_(new QComboBox(this)),
      wavelength_(new QDoubleSpinBox(this)),
      wavelength_note_(new QLabel(this)),
      waterfall_(new QCheckBox(tr("Waterfall"), this)),
      cursor_(new QLabel(this)) {
  axis_->addItem(tr("Q (nm\u207B\u00B9)"), static_cast<int>(core::DisplayAxis::QInverseNanometre));
  axis_->addItem(tr("Q (\u00C5\u207B\u00B9)"), static_cast<int>(core::DisplayAxis::QInverseAngstrom));
  axis_->addItem(tr("2\u03B8 (\u00B0)"), static_cast<int>(core::DisplayAxis::TwoThetaDegree));
  axis_->addItem(tr("d (\u00C5)"), static_cast<int>(core::DisplayAxis::DSpacingAngstrom));
  axis_->setToolTip(tr("Unit of the horizontal axis (display only; the data keep their own axis)"));
  wavelength_->setRange(0.1, 3.0);
  wavelength_->setDecimals(6);
  wavelength_->setSuffix(QStringLiteral(" \u00C5"));
  wavelength_->setValue(kCuKalpha1);
  wavelength_->setToolTip(tr("Wavelength for showing 2\u03B8 when the data do not state one"));
  waterfall_->setToolTip(tr("Offset the selected samples' patterns (select several on the map with a drag)"));
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Axis:"), this));
  controls->addWidget(axis_);
  wavelength_label_ = new QLabel(tr("\u03BB:"), this);
  controls->addWidget(wavelength_label_);
  controls->addWidget(wavelength_);
  controls->addWidget(wavelength_note_);
  controls->addWidget(waterfall_);
  controls->addStretch(1);
  controls->addWidget(cursor_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);
  stylePlot(plot_);
  plot_->legend->setVisible(true);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  connect(document_, &ProjectDocument::selectionChanged, this, &PatternView::rebuild);
  connect(document_, &ProjectDocument::decompositionChanged, this, &PatternView::rebuild);
  connect(document_, &ProjectDocument::libraryChanged, this, &PatternView::updateWavelengthControls);
  connect(axis_, &QComboBox::currentIndexChanged, this, [this] {
    updateWavelengthControls();
    rebuild();
  });
  connect(wavelength_, &QDoubleSpinBox::valueChanged, this, &PatternView::rebuild);
  connect(waterfall_, &QCheckBox::toggled, this, &PatternView::rebuild);
  connect(plot_, &QCustomPlot::mouseMove, this, &PatternView::showCursor);
  updateWavelengthControls();
  rebuild();
}

core::DisplayAxis PatternView::displayAxis() const {
  return static_cast<core::DisplayAxis>(axis_->currentData().toInt());
}

void PatternView::setDisplayAxis(core::DisplayAxis unit) {
  axis_->setCurrentIndex(axis_->findData(static_cast<int>(unit)));
}
void PatternView::setDisplayWavelength(double angstrom) { wavelength_->setValue(angstrom); }
void PatternView::setWaterfall(bool on) { waterfall_->setChecked(on); }

std::optional<double> PatternView::shownWavelength() const {
  return core::displayWavelength(document_->library().axis, wavelength_->value());
}

void PatternView::updateWavelengthControls() {
  const core::Axis& axis = document_->library().axis;
  const bool involves_two_theta =
      axis.spec.kind == core::AxisKind::TwoTheta || displayAxis() == core::DisplayAxis::TwoThetaDegree;
  // The data's own wavelength is shown and fixed; otherwise the user's, marked as such.
  wavelength_->setVisible(involves_two_theta);
  wavelength_label_->setVisible(involves_two_theta);
  wavelength_->setEnabled(!axis.wavelength_angstrom);
  if (axis.wavelength_angstrom) wavelength_->setValue(*axis.wavelength_angstrom);
  wavelength_note_->setVisible(involves_two_theta);
  wavelength_note_->setText(axis.wavelength_angstrom ? tr("(from the data)") : tr("(not in the data: your choice)"));
}

namespace {

// Curves of one sample's length on one x axis.
struct CurveAdder {
  QCustomPlot* plot;
  QVector<double> x;
  bool sorted;
  std::size_t m;

  QCPGraph* operator()(const QString& name, const float* values, const QPen& pen, double offset = 0.0) const {
    QCPGraph* g = plot->addGraph();
    QVector<double> y(static_cast<int>(m));
    for (std::size_t j = 0; j < m; ++j) y[static_cast<int>(j)] = values[j] + offset;
    g->setData(x, y, sorted);
    g->setName(name);
    g->setPen(pen);
    return g;
  }
};

// The selected samples offset one above the other, each with its model (dotted); a note
// when only the first kMostWaterfall are shown (returned, it lives in the legend).
QCPTextElement* addWaterfall(const CurveAdder& add, const core::Library& lib, const core::DecompositionResult* d,
                             const std::vector<int>& selected) {
  const std::size_t m = add.m;
  float top = 0;
  for (int sample : selected) {
    const float* p = lib.pattern(static_cast<std::size_t>(sample));
    top = std::max(top, *std::max_element(p, p + m));
  }
  const int shown = std::min<int>(kMostWaterfall, static_cast<int>(selected.size()));
  for (int i = 0; i < shown; ++i) {
    const auto sample = static_cast<std::size_t>(selected[static_cast<std::size_t>(i)]);
    const double offset = 0.5 * top * i;
    QCPGraph* g =
        add(PatternView::tr("sample %1").arg(sample + 1), lib.pattern(sample), QPen(phaseColour(i), 1.2), offset);
    if (i >= 8) g->removeFromLegend();  // the legend would hide the plot
    if (d) {
      QCPGraph* model = add(QString(), &d->reconstruction[sample * m], QPen(Qt::black, 0.8, Qt::DotLine), offset);
      model->removeFromLegend();
    }
  }
  if (static_cast<int>(selected.size()) <= shown) return nullptr;
  auto* note = new QCPTextElement(add.plot, PatternView::tr("(first %1 of %2)").arg(shown).arg(selected.size()));
  add.plot->legend->addElement(note);
  return note;
}

// One sample: data, and with a decomposition the model, each phase's contribution and the residual.
void addSampleCurves(const CurveAdder& add, const core::Library& lib, const core::DecompositionResult* d, int s) {
  const std::size_t m = add.m;
  add(PatternView::tr("data (sample %1)").arg(s + 1), lib.pattern(static_cast<std::size_t>(s)), QPen(Qt::black, 1.5));
  if (!d) return;
  add(PatternView::tr("model"), &d->reconstruction[static_cast<std::size_t>(s) * m], QPen(QColor(214, 39, 40), 1.2));
  if (!d->per_phase.empty())
    for (int p = 0; p < d->phases; ++p) {
      const float* values = &d->per_phase[(static_cast<std::size_t>(s) * d->phases + p) * m];
      add(PatternView::tr("%1 (%2 %)").arg(phaseLabel(*d, p)).arg(100.0 * d->fraction(s, p), 0, 'f', 0), values,
          QPen(phaseColour(p), 1.0, Qt::DashLine));
    }
  std::vector<float> residual(m);
  for (std::size_t j = 0; j < m; ++j)
    residual[j] = lib.pattern(static_cast<std::size_t>(s))[j] - d->reconstruction[s * m + j];
  add(PatternView::tr("residual"), residual.data(), QPen(Qt::gray, 1.0));
  if (d->samples != 1 || d->unexplained_q_nm.empty()) return;
  // A single-pattern analysis: the peaks no phase explains, marked on the residual (at the
  // nearest point of the pattern, so in whatever unit the plot shows).
  const std::vector<double> q =
      core::convertAxis(lib.axis, {core::AxisKind::Q, core::AxisUnit::InverseNanometre}).values;
  QVector<double> x, y;
  for (double at : d->unexplained_q_nm) {
    std::size_t nearest = 0;
    for (std::size_t j = 1; j < m; ++j)
      if (std::abs(q[j] - at) < std::abs(q[nearest] - at)) nearest = j;
    x.push_back(add.x[static_cast<int>(nearest)]);
    y.push_back(residual[nearest]);
  }
  QCPGraph* marks = add.plot->addGraph();
  marks->setData(x, y);
  marks->setLineStyle(QCPGraph::lsNone);
  marks->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangleInverted, QColor(200, 0, 0), 9));
  marks->setName(
      PatternView::tr("unexplained peaks (%1 % of the intensity)").arg(100.0 * d->unexplained_share, 0, 'f', 1));
}

}  // namespace

void PatternView::rebuild() {
  plot_->clearGraphs();
  plot_->clearItems();
  if (waterfall_note_) {  // clearGraphs() leaves the legend's text element
    plot_->legend->remove(waterfall_note_);
    waterfall_note_ = nullptr;
  }
  const core::Library& lib = document_->library();
  const int s = document_->selectedSample();
  if (s < 0 || lib.samples == 0) {
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  std::vector<double> xs;
  core::DisplayAxis unit = displayAxis();
  try {
    xs = core::displayValues(lib.axis, unit, wavelength_->value());
  } catch (const core::Error&) {
    unit = lib.axis.spec.unit == core::AxisUnit::Degree ? core::DisplayAxis::TwoThetaDegree
                                                        : core::DisplayAxis::QInverseNanometre;
    xs = core::displayValues(lib.axis, unit, std::nullopt);
  }
  const std::size_t m = lib.points();
  const QVector<double> x(xs.begin(), xs.end());
  const bool sorted = std::is_sorted(xs.begin(), xs.end());
  const CurveAdder add{plot_, x, sorted, m};
  const auto& d = document_->decomposition();
  const std::vector<int>& selected = document_->selectedSamples();
  if (waterfall_->isChecked() && selected.size() > 1)
    waterfall_note_ = addWaterfall(add, lib, d ? &*d : nullptr, selected);
  else
    addSampleCurves(add, lib, d ? &*d : nullptr, s);
  QString label = QString::fromStdString(core::displayAxisName(unit));
  if (unit == core::DisplayAxis::TwoThetaDegree || lib.axis.spec.kind == core::AxisKind::TwoTheta)
    if (const auto w = shownWavelength()) label += tr(",  \u03BB = %1 \u00C5").arg(*w, 0, 'f', 5);
  plot_->xAxis->setLabel(label);
  plot_->yAxis->setLabel(tr("intensity (counts as read)"));
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PatternView::showCursor(QMouseEvent* event) {
  const double x = plot_->xAxis->pixelToCoord(event->pos().x()), y = plot_->yAxis->pixelToCoord(event->pos().y());
  cursor_text_ = QStringLiteral("%1 = %2,  I = %3")
                     .arg(QString::fromStdString(core::displayAxisName(displayAxis())))
                     .arg(x, 0, 'f', 4)
                     .arg(y, 0, 'g', 4);
  // The other units of the same point, where they exist.
  try {
    const core::Axis& axis = document_->library().axis;
    core::Axis one = axis;
    one.values = {core::fromDisplayValue(x, displayAxis(), axis, wavelength_->value())};
    const double d = core::displayValues(one, core::DisplayAxis::DSpacingAngstrom, wavelength_->value())[0];
    if (std::isfinite(d)) cursor_text_ += QStringLiteral(",  d = %1 \u00C5").arg(d, 0, 'f', 4);
  } catch (const core::Error&) {
  }
  cursor_->setText(cursor_text_);
}

}  // namespace phasewise::gui
