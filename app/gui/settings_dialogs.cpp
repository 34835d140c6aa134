#include "settings_dialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>

#include <cmath>

#include "util/elements.h"
#include "util/error.h"

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
std::string joinElements(const std::vector<std::string>& elements) {
  std::string text;
  for (const std::string& e : elements) text += (text.empty() ? "" : ", ") + e;
  return text;
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

std::optional<LibraryGuidedSettings> askLibraryGuidedSettings(QWidget* parent, const LibraryGuidedSettings& d,
                                                              int references, std::optional<double> wavelength) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("Decompose with reference phases"));
  auto* form = new QFormLayout(&dialog);
  form->addRow(new QLabel(
      QObject::tr("Each sample is fitted as a few of the project's %1 reference phases, each with its own\n"
                  "lattice scale and peak width, under the Gibbs limit, favouring what its neighbours hold.\n"
                  "Identities, confidences and (for phases from structures) weight fractions come from the fit.")
          .arg(references)));
  auto* strain = new QDoubleSpinBox;
  strain->setRange(0.0, 10.0);
  strain->setDecimals(1);
  strain->setSingleStep(0.5);
  strain->setSuffix(QStringLiteral(" %"));
  strain->setValue(100.0 * d.fit.max_strain);
  strain->setToolTip(QObject::tr("Largest lattice change searched per phase and sample, either way"));
  auto* free = spin(0, 16, d.fit.free_phases,
                    QObject::tr("Free components for what the reference phases do not explain: a phase missing\n"
                                "from the references shows up as a free phase instead of a wrong card"));
  auto* connectivity = check(QObject::tr("Favour the neighbours' phases"), d.fit.connectivity,
                             QObject::tr("A phase held by a sample's neighbours on the composition graph is favoured"));
  auto* refit = check(QObject::tr("Adapt the phases' patterns (second stage)"), d.fit.refit,
                      QObject::tr("The chosen phases' patterns may adapt (texture, widths, solid-solution shifts)\n"
                                  "to measure fractions; off: the cards' own patterns"));
  auto* radiation = new QComboBox;
  const QString own = wavelength ? QObject::tr("The library's wavelength (%1 \u00C5)").arg(*wavelength, 0, 'f', 5)
                                 : QObject::tr("Cu K\u03B11 (the library is on Q: widths only)");
  radiation->addItem(own, QString());
  // The doublet only where the data are Cu K-alpha (or on Q without a wavelength).
  if (!wavelength || std::abs(*wavelength - 1.5406) < 0.01)
    radiation->addItem(QObject::tr("Cu K\u03B11 + K\u03B12 (lab tube, doublet not stripped)"), QStringLiteral("Cu"));
  radiation->setCurrentIndex(d.radiation == "Cu" && radiation->count() > 1 ? 1 : 0);
  radiation->setToolTip(QObject::tr("The lines the reference patterns are drawn with"));
  form->addRow(QObject::tr("Lattice change at most"), strain);
  form->addRow(QObject::tr("Free components"), free);
  form->addRow(connectivity);
  form->addRow(refit);
  form->addRow(QObject::tr("Radiation"), radiation);
  auto* elements = new QLineEdit(QString::fromStdString(joinElements(d.elements)));
  elements->setPlaceholderText(QObject::tr("any (e.g. Ni, Zn, La)"));
  elements->setToolTip(
      QObject::tr("One pattern: the elements of the sample. Only reference phases made of these and\n"
                  "of light non-metals (H C N O F P S Cl Se Br I) are tried. A spread's elements\n"
                  "come from its compositions."));
  form->addRow(QObject::tr("Elements in the sample"), elements);
  std::vector<std::string> symbols;
  // Asked again until the elements read (the buttons are added once, by run()).
  for (bool accepted = run(dialog, form);; accepted = dialog.exec() == QDialog::Accepted) {
    if (!accepted) return std::nullopt;
    try {
      symbols = core::parseElementSymbols(elements->text().toStdString());
      break;
    } catch (const core::Error& e) {
      QMessageBox::warning(&dialog, QObject::tr("Elements in the sample"), QString::fromStdString(e.what()));
    }
  }
  LibraryGuidedSettings s = d;
  s.fit.max_strain = strain->value() / 100.0;
  s.fit.free_phases = free->value();
  s.fit.connectivity = connectivity->isChecked();
  s.fit.refit = refit->isChecked();
  s.radiation = radiation->currentData().toString().toStdString();
  s.elements = std::move(symbols);
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
  auto* fwhm_low = new QDoubleSpinBox;
  auto* fwhm_high = new QDoubleSpinBox;
  const auto [fwhm_min, fwhm_max] = d.peakWidths();
  for (QDoubleSpinBox* box : {fwhm_low, fwhm_high}) {
    box->setRange(0.01, 45);
    box->setDecimals(2);
    box->setSingleStep(0.05);
    box->setSuffix(QStringLiteral("\u00B0 2\u03B8"));
    box->setToolTip(
        QObject::tr("Peak widths (FWHM, degrees 2\u03B8 of Cu K\u03B1) the training simulates; "
                    "set from the library's own peaks (phasewise-cli train --fwhm / --fwhm-like)"));
  }
  fwhm_low->setValue(fwhm_min);
  fwhm_high->setValue(fwhm_max);
  form->addRow(
      new QLabel(QObject::tr("The classifier learns the reference phases from simulated, augmented\n"
                             "patterns on a Q grid (nm\u207B\u00B9); patterns on 2\u03B8 are converted "
                             "with their wavelength.")));
  form->addRow(QObject::tr("Q from"), low);
  form->addRow(QObject::tr("Q to"), high);
  form->addRow(QObject::tr("Grid points"), points);
  form->addRow(QObject::tr("Patterns per phase"), per_phase);
  form->addRow(QObject::tr("Epochs"), epochs);
  form->addRow(QObject::tr("Peak width from"), fwhm_low);
  form->addRow(QObject::tr("Peak width to"), fwhm_high);
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
  s.setPeakWidths(std::min(fwhm_low->value(), fwhm_high->value()), std::max(fwhm_low->value(), fwhm_high->value()));
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
  auto* projection =
      check(QObject::tr("Keep only what the target phase explains (projection)"), !d.physical.restore,
            QObject::tr("Physical refiner: remove every peak the target's ideal pattern lacks and the smooth "
                        "background, whether or not the classifier needed them removed: the cleanest pattern "
                        "(phasewise-cli refine --projection)"));
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
  form->addRow(projection);
  form->addRow(QObject::tr("Steps"), steps);
  form->addRow(QObject::tr("Change measured by"), discrepancy);
  form->addRow(sparse);
  form->addRow(amortised);
  if (!run(dialog, form)) return std::nullopt;
  core::RefinementSettings s = d;
  s.refiner = static_cast<core::RefinerKind>(refiner->currentData().toInt());
  s.physical.max_strain = strain->value() / 100.0;
  s.physical.max_broadening = broadening->value();
  s.physical.restore = !projection->isChecked();
  s.steps = steps->value();
  s.discrepancy = static_cast<core::Discrepancy>(discrepancy->currentData().toInt());
  s.sparse_changes = sparse->isChecked();
  // Amortised refinement is the additive refiner's; the physical one works per pattern.
  s.mode = amortised->isChecked() && s.refiner == core::RefinerKind::Additive ? core::RefinementMode::Amortised
                                                                              : core::RefinementMode::PerPattern;
  return s;
}

}  // namespace phasewise::gui
