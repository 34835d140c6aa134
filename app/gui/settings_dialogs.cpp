#include "settings_dialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace phasewise::gui {
namespace {
QSpinBox* spin(int low, int high, int value, const QString& tip) {
  auto* box = new QSpinBox;
  box->setRange(low, high);
  box->setValue(value);
  box->setToolTip(tip);
  return box;
}
QCheckBox* check(const QString& text, bool value, const QString& tip) {
  auto* box = new QCheckBox(text);
  box->setChecked(value);
  box->setToolTip(tip);
  return box;
}
bool run(QDialog& dialog, QFormLayout* form) {
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  return dialog.exec() == QDialog::Accepted;
}
}  // namespace

std::optional<core::DecompositionSettings> askDecompositionSettings(QWidget* parent,
                                                                    const core::DecompositionSettings& d, int kept,
                                                                    bool* freeze) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("Decompose"));
  auto* form = new QFormLayout(&dialog);
  auto* phases = spin(1, 40, d.phases, QObject::tr("K: the number of phase patterns to find"));
  auto* shifts = check(QObject::tr("Peak shifts (alloying)"), d.shifts > 0,
                       QObject::tr("Fit a lattice shift per sample and phase on a log-Q grid; off: plain NMF"));
  auto* gibbs = check(QObject::tr("Gibbs phase rule"), d.gibbs,
                      QObject::tr("At most as many phases per sample as its phase limit (elements present)"));
  auto* connectivity = check(QObject::tr("Connected phase regions"), d.connectivity,
                             QObject::tr("Each phase keeps its largest connected region on the composition graph"));
  auto* background = check(QObject::tr("Background component"), d.background,
                           QObject::tr("A shared smooth background fitted alongside the phases"));
  auto* broadening = check(QObject::tr("Peak widths per sample"), d.broadening,
                           QObject::tr("Each sample may widen a phase's peaks (grain size, microstrain)"));
  auto* iterations = spin(5, 2000, d.max_iterations, QObject::tr("Outer iterations at most"));
  auto* seed =
      spin(0, 1 << 30, static_cast<int>(d.seed), QObject::tr("Random seed: the same seed gives the same result"));
  form->addRow(QObject::tr("Phases (K)"), phases);
  form->addRow(shifts);
  form->addRow(gibbs);
  form->addRow(connectivity);
  form->addRow(background);
  form->addRow(broadening);
  form->addRow(QObject::tr("Iterations"), iterations);
  form->addRow(QObject::tr("Seed"), seed);
  QCheckBox* frozen = nullptr;
  if (kept > 0) {
    frozen = check(QObject::tr("Freeze the %1 kept phase(s)").arg(kept), true,
                   QObject::tr("Kept phases start the new run; frozen ones are not changed by it"));
    form->addRow(frozen);
  }
  if (!run(dialog, form)) return std::nullopt;
  if (freeze) *freeze = frozen && frozen->isChecked();
  core::DecompositionSettings s = d;
  s.phases = phases->value();
  s.shifts = shifts->isChecked() ? (d.shifts > 0 ? d.shifts : 32) : 0;
  s.gibbs = gibbs->isChecked();
  s.connectivity = connectivity->isChecked();
  s.background = background->isChecked();
  s.broadening = broadening->isChecked();
  s.max_iterations = iterations->value();
  s.seed = static_cast<std::uint64_t>(seed->value());
  return s;
}

std::optional<core::ClassifierSettings> askClassifierSettings(QWidget* parent, const core::ClassifierSettings& d) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("Train classifier"));
  auto* form = new QFormLayout(&dialog);
  auto* low = new QDoubleSpinBox;
  auto* high = new QDoubleSpinBox;
  for (QDoubleSpinBox* box : {low, high}) {
    box->setRange(1, 200);
    box->setDecimals(2);
    box->setSuffix(QStringLiteral(" nm\u207B\u00B9"));
  }
  low->setValue(d.grid.values.empty() ? 15 : d.grid.values.front());
  high->setValue(d.grid.values.empty() ? 80 : d.grid.values.back());
  auto* points = spin(64, 8192, d.grid.values.empty() ? 1024 : static_cast<int>(d.grid.values.size()),
                      QObject::tr("Points of the classifier's Q grid"));
  auto* per_phase = spin(10, 5000, static_cast<int>(d.patterns_per_phase),
                         QObject::tr("Augmented training patterns simulated per reference phase"));
  auto* epochs = spin(1, 200, d.epochs, QObject::tr("Training epochs at most (early stopping on validation)"));
  auto* seed = spin(0, 1 << 30, static_cast<int>(d.seed), QObject::tr("Random seed"));
  form->addRow(
      new QLabel(QObject::tr("The classifier learns the reference phases from simulated, augmented\n"
                             "patterns on a Q grid (nm\u207B\u00B9); patterns on 2\u03B8 are converted "
                             "with their wavelength.")));
  form->addRow(QObject::tr("Q from"), low);
  form->addRow(QObject::tr("Q to"), high);
  form->addRow(QObject::tr("Grid points"), points);
  form->addRow(QObject::tr("Patterns per phase"), per_phase);
  form->addRow(QObject::tr("Epochs"), epochs);
  form->addRow(QObject::tr("Seed"), seed);
  if (!run(dialog, form)) return std::nullopt;
  if (!(high->value() > low->value())) return std::nullopt;
  core::ClassifierSettings s = d;
  s.grid.values.clear();
  const int n = points->value();
  for (int i = 0; i < n; ++i) s.grid.values.push_back(low->value() + (high->value() - low->value()) * i / (n - 1));
  s.patterns_per_phase = static_cast<std::size_t>(per_phase->value());
  s.validation_per_phase = std::max<std::size_t>(5, s.patterns_per_phase / 5);
  s.epochs = epochs->value();
  s.seed = static_cast<std::uint64_t>(seed->value());
  return s;
}

std::optional<core::RefinementSettings> askRefinementSettings(QWidget* parent, const core::RefinementSettings& d) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("Refinement settings"));
  auto* form = new QFormLayout(&dialog);
  auto* refiner = new QComboBox;
  refiner->addItem(QObject::tr("physical: attenuate peaks the phase lacks, smooth background"),
                   static_cast<int>(core::RefinerKind::Physical));
  refiner->addItem(QObject::tr("additive: free change anywhere (the seed paper's)"),
                   static_cast<int>(core::RefinerKind::Additive));
  refiner->setCurrentIndex(refiner->findData(static_cast<int>(d.refiner)));
  auto* strain = new QDoubleSpinBox;
  strain->setRange(0, 5);
  strain->setDecimals(2);
  strain->setSuffix(QStringLiteral(" %"));
  strain->setValue(100 * d.physical.max_strain);
  strain->setToolTip(QObject::tr("Physical refiner: largest lattice strain it may apply (0: none)"));
  auto* broadening = new QDoubleSpinBox;
  broadening->setRange(0, 10);
  broadening->setDecimals(1);
  broadening->setSuffix(QObject::tr(" points"));
  broadening->setValue(d.physical.max_broadening);
  broadening->setToolTip(QObject::tr("Physical refiner: largest added Gaussian sigma (0: none)"));
  auto* steps = spin(5, 5000, d.steps, QObject::tr("Optimiser steps per candidate (epochs when amortised)"));
  auto* discrepancy = new QComboBox;
  discrepancy->addItem(QObject::tr("L1 of the pattern (relative)"), static_cast<int>(core::Discrepancy::L1));
  discrepancy->addItem(QObject::tr("L2 of the pattern (relative)"), static_cast<int>(core::Discrepancy::L2));
  discrepancy->addItem(QObject::tr("distance in the classifier's features"),
                       static_cast<int>(core::Discrepancy::Features));
  discrepancy->setCurrentIndex(discrepancy->findData(static_cast<int>(d.discrepancy)));
  discrepancy->setToolTip(QObject::tr("How the change between the candidate and its refinement is measured"));
  auto* sparse = check(QObject::tr("Sparse changes (proximal L1 step)"), d.sparse_changes,
                       QObject::tr("Values the classifier does not need changed stay exactly as they were"));
  auto* amortised =
      check(QObject::tr("Amortised (one refiner network for all phases)"), d.mode == core::RefinementMode::Amortised,
            QObject::tr("Refine all trains a small residual network over every candidate, as in "
                        "the seed paper; single phases are always refined per pattern"));
  form->addRow(QObject::tr("Refiner"), refiner);
  form->addRow(QObject::tr("Largest strain"), strain);
  form->addRow(QObject::tr("Largest broadening"), broadening);
  form->addRow(QObject::tr("Steps"), steps);
  form->addRow(QObject::tr("Change measured by"), discrepancy);
  form->addRow(sparse);
  form->addRow(amortised);
  if (!run(dialog, form)) return std::nullopt;
  core::RefinementSettings s = d;
  s.refiner = static_cast<core::RefinerKind>(refiner->currentData().toInt());
  s.physical.max_strain = strain->value() / 100.0;
  s.physical.max_broadening = broadening->value();
  s.steps = steps->value();
  s.discrepancy = static_cast<core::Discrepancy>(discrepancy->currentData().toInt());
  s.sparse_changes = sparse->isChecked();
  // Amortised refinement is the additive refiner's; the physical one works per pattern.
  s.mode = amortised->isChecked() && s.refiner == core::RefinerKind::Additive ? core::RefinementMode::Amortised
                                                                              : core::RefinementMode::PerPattern;
  return s;
}

}  // namespace phasewise::gui
