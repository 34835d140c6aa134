// The main window's part in the chemistry rule (model/chemistry.h): the switch that keeps
// phases with elements the library lacks, and the log line naming the reference phases the
// rule will leave out.
#include <QAction>
#include <QMenu>
#include <QSignalBlocker>
#include <QStringList>

#include "main_window.h"
#include "model/chemistry.h"
#include "project_document.h"
#include "simulate/phase_library.h"

namespace phasewise::gui {

// The chemistry rule's switch (the command line's --keep-foreign), kept in step with the
// document, which returns to the rule whenever another library is opened.
void MainWindow::createChemistryAction(QMenu* analysis) {
  keep_foreign_ = analysis->addAction(tr("&Keep phases with elements the library lacks"));
  keep_foreign_->setCheckable(true);
  keep_foreign_->setChecked(document_->keepsForeignPhases());
  keep_foreign_->setToolTip(
      tr("Off (the default): reference and classifier phases holding an element that is neither one of the "
         "library's nor a light non-metal (H C N O F P S Cl Se Br I) are left out of library-guided fits, "
         "identities and refinement targets, as a Mn phase cannot be in a Fe-Ni-Cu oxide spread. On: every "
         "phase is considered, e.g. a substrate's. The command line's --keep-foreign."));
  connect(keep_foreign_, &QAction::toggled, document_, &ProjectDocument::setKeepForeignPhases);
  connect(document_, &ProjectDocument::referencePhasesChanged, this, &MainWindow::noteForeignReferencePhases);
  connect(document_, &ProjectDocument::keepForeignPhasesChanged, this, [this](bool keep) {
    const QSignalBlocker block(keep_foreign_);
    keep_foreign_->setChecked(keep);
    if (!document_->hasLibrary()) return;
    log(keep ? tr("Phases with elements the library lacks are kept from now on (fits, identities, targets); "
                  "identities already shown are unchanged until the phases are refined again.")
             : tr("Phases with elements the library lacks are left out from now on."));
  });
}

// Reference phases the chemistry rule will leave out, said when they are chosen, loaded or
// opened: a user who ticked a substrate's phase should not find it silently missing.
void MainWindow::noteForeignReferencePhases() {
  const auto& phases = document_->referencePhases();
  const std::vector<std::string>& elements = document_->library().elements;
  if (!phases || elements.empty() || document_->keepsForeignPhases()) return;
  QStringList foreign;
  for (const core::ReferencePhase& phase : phases->phases)
    if (!core::elementsOutside(phase, elements, core::lightNonMetals()).empty())
      foreign << QString::fromStdString(phase.name);
  if (foreign.isEmpty()) return;
  log(tr("%1 of the reference phases hold elements the library lacks and are left out of fits and identities "
         "unless Analysis > Keep phases with elements the library lacks is on: %2.")
          .arg(foreign.size())
          .arg(foreign.join(QStringLiteral(", "))));
}

}  // namespace phasewise::gui
