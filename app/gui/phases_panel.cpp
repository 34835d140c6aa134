#include "phases_panel.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "learn/candidates.h"
#include "phase_table_model.h"
#include "plot_style.h"
#include "project_document.h"
#include "simulate/powder_pattern.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {
// The lambda slider is logarithmic: 0.01 .. 100 in 80 steps.
constexpr int kSliderSteps = 80;
double lambdaOf(int position) { return std::pow(10.0, -2.0 + 4.0 * position / kSliderSteps); }
int positionOf(double lambda) {
  return std::clamp(static_cast<int>(std::lround((std::log10(lambda) + 2.0) / 4.0 * kSliderSteps)), 0, kSliderSteps);
}
constexpr int kTargetBest = -2, kTargetEntropy = -1;
constexpr int kMostHklLabels = 14;
}  // namespace

PhasesPanel::PhasesPanel(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      model_(new PhaseTableModel(document, this)),
      table_(new QTableView(this)),
      plot_(new QCustomPlot(this)),
      classifier_(new QLabel(this)),
      lambda_(new QSlider(Qt::Horizontal, this)),
      lambda_value_(new QLabel(this)),
      target_(new QComboBox(this)),
      live_(new QCheckBox(tr("Live preview"), this)),
      refine_one_(new QPushButton(tr("Refine phase"), this)),
      refine_all_(new QPushButton(tr("Refine all"), this)),
      train_(new QPushButton(tr("Train classifier"), this)),
      preview_timer_(new QTimer(this)) {
  auto* load_phases = new QPushButton(tr("Reference phases..."), this);
  auto* load_classifier = new QPushButton(tr("Load classifier..."), this);
  configureWidgets();
  layOut(load_phases, load_classifier);
  connectControls(load_phases, load_classifier);
  lambda_value_->setText(QString::number(lambdaOf(lambda_->value()), 'g', 3));
  updateControls();
}

void PhasesPanel::configureWidgets() {
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  classifier_->setWordWrap(true);
  lambda_->setRange(0, kSliderSteps);
  // Diffraction candidates are refined by the physical refiner (peaks the identified phase lacks
  // attenuated, nothing invented) unless the settings dialog says otherwise.
  finer_.refiner = core::RefinerKind::Physical;
  finer_.steps = 60;
  lambda_->setValue(positionOf(core::defaultLambda(finer_.refiner)));
  lambda_->setToolTip(tr("Weight of the change against the classifier's certainty: larger = smaller changes"));
  target_->setToolTip(tr("What the refinement aims at"));
  live_->setChecked(true);
  live_->setToolTip(tr("Refine the selected phase again whenever lambda or the target changes"));
  stylePlot(plot_);
  plot_->legend->setVisible(true);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setMinimumHeight(220);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString(), QFont(font().family(), 9));
  plot_->plotLayout()->addElement(0, 0, title_);
}

void PhasesPanel::layOut(QPushButton* load_phases, QPushButton* load_classifier) {
  auto* classifier_row = new QHBoxLayout;
  classifier_row->addWidget(classifier_, 1);
  classifier_row->addWidget(load_phases);
  classifier_row->addWidget(train_);
  classifier_row->addWidget(load_classifier);
  auto* controls = new QGridLayout;
  controls->addWidget(new QLabel(tr("\u03BB"), this), 0, 0);
  controls->addWidget(lambda_, 0, 1);
  controls->addWidget(lambda_value_, 0, 2);
  controls->addWidget(new QLabel(tr("Target"), this), 1, 0);
  controls->addWidget(target_, 1, 1, 1, 2);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(live_);
  buttons->addStretch(1);
  buttons->addWidget(refine_one_);
  buttons->addWidget(refine_all_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(classifier_row);
  layout->addWidget(table_, 2);
  layout->addWidget(plot_, 3);
  layout->addLayout(controls);
  layout->addLayout(buttons);
}

void PhasesPanel::connectControls(QPushButton* load_phases, QPushButton* load_classifier) {
  preview_timer_->setSingleShot(true);
  preview_timer_->setInterval(150);  // one refinement per pause in the slider, not per step
  connect(preview_timer_, &QTimer::timeout, this, [this] {
    if (live_->isChecked() && document_->classifier() && document_->selectedPhase() >= 0)
      emit refineRequested(settings(), document_->selectedPhase(), true);
  });
  connect(lambda_, &QSlider::valueChanged, this,
          [this] { lambda_value_->setText(QString::number(lambdaOf(lambda_->value()), 'g', 3)); });
  connect(lambda_, &QSlider::sliderReleased, this, &PhasesPanel::schedulePreview);
  connect(lambda_, &QSlider::actionTriggered, this, [this](int action) {
    if (action != QAbstractSlider::SliderMove) schedulePreview();  // keyboard and page steps
  });
  connect(target_, &QComboBox::activated, this, &PhasesPanel::schedulePreview);
  connect(refine_one_, &QPushButton::clicked, this, [this] {
    if (document_->selectedPhase() >= 0) emit refineRequested(settings(), document_->selectedPhase(), false);
  });
  connect(refine_all_, &QPushButton::clicked, this, [this] { emit refineRequested(settings(), -1, false); });
  connect(train_, &QPushButton::clicked, this, &PhasesPanel::trainRequested);
  connect(load_classifier, &QPushButton::clicked, this, &PhasesPanel::loadClassifierRequested);
  connect(load_phases, &QPushButton::clicked, this, &PhasesPanel::loadReferencePhasesRequested);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (current.isValid()) document_->setSelectedPhase(current.row());
  });
  connect(document_, &ProjectDocument::phaseSelectionChanged, this, [this](int phase) {
    if (phase >= 0 && table_->currentIndex().row() != phase) table_->selectRow(phase);
    showCandidate();
  });
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    if (document_->selectedPhase() >= 0) table_->selectRow(document_->selectedPhase());
  });
  for (auto signal : {&ProjectDocument::classifierChanged, &ProjectDocument::referencePhasesChanged,
                      &ProjectDocument::decompositionChanged})
    connect(document_, signal, this, &PhasesPanel::updateControls);
  connect(document_, &ProjectDocument::refinementChanged, this, &PhasesPanel::showCandidate);
}

void PhasesPanel::setLambda(double lambda) { lambda_->setValue(positionOf(lambda)); }
void PhasesPanel::setLivePreview(bool on) { live_->setChecked(on); }

core::RefinementSettings PhasesPanel::settings() const {
  core::RefinementSettings s = finer_;
  s.lambda = lambdaOf(lambda_->value());
  const int target = target_->currentData().toInt();
  if (target == kTargetBest) {
    s.loss = core::EvaluationLoss::BestTarget;
  } else if (target == kTargetEntropy) {
    s.loss = core::EvaluationLoss::Entropy;
  } else {
    s.loss = core::EvaluationLoss::Targeted;
    s.target = target;
  }
  return s;
}

void PhasesPanel::schedulePreview() { preview_timer_->start(); }

void PhasesPanel::updateControls() {
  const auto classifier = document_->classifier();
  const bool decomposed = document_->decomposition().has_value();
  if (classifier)
    classifier_->setText(tr("Classifier: %1").arg(document_->classifierDescription()));
  else if (document_->referencePhases())
    classifier_->setText(tr("%1 reference phases from %2; train a classifier to identify the phases.")
                             .arg(document_->referencePhases()->size())
                             .arg(document_->referenceSource()));
  else
    classifier_->setText(tr("No classifier: load reference phases and train one, or load a classifier file."));
  train_->setEnabled(document_->referencePhases().has_value());
  refine_one_->setEnabled(classifier && decomposed);
  refine_all_->setEnabled(classifier && decomposed);
  const int previous = target_->currentData().isValid() ? target_->currentData().toInt() : kTargetBest;
  target_->clear();
  target_->addItem(tr("best of the 3 first guesses"), kTargetBest);
  target_->addItem(tr("none (make the classifier surer)"), kTargetEntropy);
  if (classifier)
    for (std::size_t i = 0; i < classifier->phaseNames().size(); ++i)
      target_->addItem(QString::fromStdString(classifier->phaseNames()[i]), static_cast<int>(i));
  target_->setCurrentIndex(std::max(0, target_->findData(previous)));
  showCandidate();
}

QCPGraph* PhasesPanel::addCurve(const QString& name, const std::vector<double>& x, const float* y, std::size_t n,
                                const QPen& pen) {
  QCPGraph* g = plot_->addGraph();
  QVector<double> yy(static_cast<int>(n));
  for (std::size_t j = 0; j < n; ++j) yy[static_cast<int>(j)] = y[j];
  g->setData(QVector<double>(x.begin(), x.end()), yy, true);
  g->setName(name);
  g->setPen(pen);
  return g;
}

// Reference sticks of the identified phase, scaled to the pattern's maximum, with hkl labels
// on the strongest.
void PhasesPanel::showReferenceSticks(const std::string& name, const core::Axis& grid) {
  const auto& phases = document_->referencePhases();
  if (!phases) return;
  const auto it = std::find_if(phases->phases.begin(), phases->phases.end(),
                               [&](const core::ReferencePhase& ph) { return ph.name == name; });
  if (it != phases->phases.end()) {
    try {
      core::PowderSettings powder;
      powder.two_theta_min = 1;
      powder.two_theta_max = 170;
      const core::StickPattern sticks = core::idealSticks(*it, powder);
      QCPGraph* g = plot_->addGraph();
      g->setName(tr("%1 (reference)").arg(QString::fromStdString(name)));
      g->setLineStyle(QCPGraph::lsImpulse);
      g->setPen(QPen(QColor(30, 30, 30), 1.6));
      std::vector<std::pair<double, const core::StickPeak*>> shown;
      for (const core::StickPeak& peak : sticks.peaks) {
        const double q = 10.0 * peak.qInverseAngstrom();
        if (q < grid.values.front() || q > grid.values.back()) continue;
        g->addData(q, peak.intensity / 100.0);
        shown.emplace_back(peak.intensity, &peak);
      }
      std::sort(shown.rbegin(), shown.rend());
      for (const auto& [intensity, peak] : shown) {
        if (hkl_labels_ >= kMostHklLabels || peak->hkls.empty()) break;
        auto* label = new QCPItemText(plot_);
        const auto& h = peak->hkls.front();
        label->setText(QStringLiteral("%1%2%3").arg(h[0]).arg(h[1]).arg(h[2]));
        label->position->setCoords(10.0 * peak->qInverseAngstrom(), intensity / 100.0);
        label->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
        label->setFont(QFont(font().family(), 8));
        label->setColor(QColor(70, 70, 70));
        ++hkl_labels_;
      }
    } catch (const core::Error&) {
      // A phase that cannot be simulated is shown without sticks.
    }
  }
}

void PhasesPanel::showCandidate() {
  plot_->clearGraphs();
  plot_->clearItems();
  hkl_labels_ = 0;
  title_->setText(QString());
  const int p = document_->selectedPhase();
  const auto& d = document_->decomposition();
  if (!d || p < 0 || p >= d->phases) {
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const auto& refinement = document_->refinement();
  const bool on_grid = refinement && static_cast<int>(refinement->count()) == d->phases;
  if (!on_grid) {
    // Not identified yet: the candidate on the library's axis.
    const std::size_t m = d->axis.values.size();
    addCurve(phaseLabel(*d, p), d->axis.values, &d->bases[static_cast<std::size_t>(p) * m], m,
             QPen(phaseColour(p), 1.5));
    plot_->xAxis->setLabel(QString::fromStdString(d->axis.spec.name()));
    plot_->rescaleAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const core::RefinedPattern& r = refinement->refined[static_cast<std::size_t>(p)];
  const bool done = refinement->done[static_cast<std::size_t>(p)] != 0;
  const std::size_t m = refinement->grid.values.size();
  // The original on the classifier's grid: the record keeps it for unrefined candidates; for
  // refined ones it is prepared again (cheap) when the classifier is at hand.
  std::vector<float> original;
  if (!done) {
    original = r.pattern;
  } else if (const auto classifier = document_->classifier();
             classifier && classifier->phaseNames() == refinement->class_names) {
    original = classifier->prepare(d->axis, &d->bases[static_cast<std::size_t>(p) * d->axis.values.size()]);
  }
  QCPGraph* original_curve = nullptr;
  if (!original.empty())
    original_curve = addCurve(tr("%1, original").arg(phaseLabel(*d, p)), refinement->grid.values, original.data(), m,
                              QPen(Qt::gray, 1.3));
  if (done) {
    QCPGraph* refined_curve = addCurve(
        refinement->unmixing() ? tr("unmixed") : tr("refined (\u03BB %1)").arg(refinement->settings.lambda, 0, 'g', 3),
        refinement->grid.values, r.pattern.data(), m, QPen(phaseColour(p), 1.6));
    // A physical edit only takes intensity away: what went is shaded between the two curves.
    if (r.edit.applied && original_curve) {
      refined_curve->setChannelFillGraph(original_curve);
      refined_curve->setBrush(QColor(220, 60, 60, 60));
    }
  }
  const core::Prediction& identity = done ? r.after : r.before;
  const std::string name = refinement->class_names[static_cast<std::size_t>(identity.top.front())];
  showReferenceSticks(name, refinement->grid);
  plot_->xAxis->setLabel(QString::fromStdString(refinement->grid.spec.name()));
  plot_->yAxis->setLabel(tr("scaled intensity"));
  if (done && r.edit.applied) shadeEditedPeaks(r.edit, refinement->grid);
  QString title =
      done ? tr("%1 (%2) -> %3 (%4), change %5 %")
                 .arg(QString::fromStdString(refinement->class_names[static_cast<std::size_t>(r.before.top[0])]))
                 .arg(r.before.probability[0], 0, 'f', 2)
                 .arg(QString::fromStdString(name))
                 .arg(r.after.probability[0], 0, 'f', 2)
                 .arg(100 * r.relative_change, 0, 'f', 1)
           : tr("identified as %1 (%2)").arg(QString::fromStdString(name)).arg(r.before.probability[0], 0, 'f', 2);
  if (identity.unknown())
    title += tr("\nunknown to the classifier: unlike every phase it was trained on (typicality %1)")
                 .arg(static_cast<double>(*identity.typicality), 0, 'f', 3);
  if (done && r.edit.applied) title += QStringLiteral("\n") + QString::fromStdString(r.edit.describe());
  title_->setText(title);
  plot_->rescaleAxes();
  plot_->yAxis->setRange(0, 1.25);  // room for the hkl labels
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PhasesPanel::shadeEditedPeaks(const core::PhysicalEdit& edit, const core::Axis& grid) {
  // Edited peak positions are Q in nm^-1; the plot's axis is the classifier's grid.
  for (const core::EditedPeak& peak : edit.peaks) {
    double x = peak.position;
    try {
      if (grid.spec.kind == core::AxisKind::TwoTheta) {
        if (!grid.wavelength_angstrom) continue;
        x = core::qToTwoTheta(peak.position, core::AxisUnit::InverseNanometre, *grid.wavelength_angstrom);
      } else if (grid.spec.unit == core::AxisUnit::InverseAngstrom) {
        x = peak.position / 10.0;
      }
    } catch (const core::Error&) {
      continue;
    }
    // Half a percent of the axis either side; deeper shade for what was taken away entirely.
    const double half = 0.005 * (grid.values.back() - grid.values.front());
    auto* band = new QCPItemRect(plot_);
    band->topLeft->setCoords(x - half, 1.25);
    band->bottomRight->setCoords(x + half, 0.0);
    band->setPen(Qt::NoPen);
    band->setBrush(QColor(220, 60, 60, static_cast<int>(40 + 80 * (1.0 - peak.kept))));
    band->setLayer("background");
  }
}

}  // namespace phasewise::gui
