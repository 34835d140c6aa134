#include "main_window.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

#include "analysis_jobs.h"
#include "composition_map_view.h"
#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/project_file.h"
#include "heat_map_view.h"
#include "pattern_view.h"
#include "phase_maps_view.h"
#include "phases_panel.h"
#include "plot_style.h"
#include "project_document.h"
#include "reference_phases_dialog.h"
#include "settings_dialogs.h"
#include "simulate/cif_reader.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {
constexpr int kMostRecent = 8;
const QString kFileFilter = QObject::tr(
    "Libraries and projects (*.h5 *.hdf5 *.txt *.xy *.xye *.dat *.csv *.chi *.xrdml);;Phasewise projects (*.h5);;"
    "All files (*)");
}  // namespace

MainWindow::MainWindow(const core::FormatRegistry& registry, QWidget* parent)
    : QMainWindow(parent),
      registry_(registry),
      document_(new ProjectDocument(this)),
      map_(new CompositionMapView(document_)),
      heat_map_(new HeatMapView(document_)),
      phase_maps_(new PhaseMapsView(document_, map_)),
      patterns_(new PatternView(document_)),
      phases_(new PhasesPanel(document_)),
      log_(new QPlainTextEdit),
      jobs_(new JobController(this)),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      autosave_(new Autosave(document_, Autosave::defaultFolder(), this)) {
  setWindowTitle(tr("Phasewise"));
  setAcceptDrops(true);
  setCentralWidget(patterns_);
  auto dock = [this](const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(widget);
    addDockWidget(area, d);
    return d;
  };
  QDockWidget* map_dock = dock(tr("Composition map"), QStringLiteral("composition-map"), map_, Qt::LeftDockWidgetArea);
  // The heat map shares the map's place (a tab): both look at the whole library.
  QDockWidget* heat_dock = dock(tr("Heat map"), QStringLiteral("heat-map"), heat_map_, Qt::LeftDockWidgetArea);
  tabifyDockWidget(map_dock, heat_dock);
  QDockWidget* phase_maps_dock =
      dock(tr("Phase maps"), QStringLiteral("phase-maps"), phase_maps_, Qt::LeftDockWidgetArea);
  tabifyDockWidget(heat_dock, phase_maps_dock);
  map_dock->raise();
  QDockWidget* phases_dock = dock(tr("Phases"), QStringLiteral("phases"), phases_, Qt::RightDockWidgetArea);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  QDockWidget* log_dock = dock(tr("Messages"), QStringLiteral("messages"), log_, Qt::BottomDockWidgetArea);
  resizeDocks({map_dock, phases_dock}, {400, 640}, Qt::Horizontal);
  resizeDocks({log_dock}, {90}, Qt::Vertical);
  progress_->setRange(0, 100);
  progress_->setMaximumWidth(220);
  progress_->hide();
  cancel_->hide();
  cancel_->setShortcut(Qt::Key_Escape);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  createMenus();

  connect(cancel_, &QPushButton::clicked, jobs_, &JobController::cancel);
  connect(jobs_, &JobController::progress, this, [this](int percent, const QString& stage) {
    progress_->setValue(percent);
    progress_->setFormat(stage + QStringLiteral(" %p%"));
  });
  connect(jobs_, &JobController::finished, this, &MainWindow::jobFinished);
  connect(document_, &ProjectDocument::libraryChanged, this, &MainWindow::describeLibrary);
  connect(document_, &ProjectDocument::problem, this, [this](const QString& message) {
    log(message);
    statusBar()->showMessage(message);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Phasewise"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
  connect(autosave_, &Autosave::failed, this, [this](const QString& message) {
    log(message);
    statusBar()->showMessage(message);
  });
  connect(document_, &ProjectDocument::unsavedChanged, this, &MainWindow::updateActions);
  for (auto signal :
       {&ProjectDocument::libraryChanged, &ProjectDocument::runsChanged, &ProjectDocument::classifierChanged,
        &ProjectDocument::decompositionChanged, &ProjectDocument::referencePhasesChanged})
    connect(document_, signal, this, &MainWindow::updateActions);
  connect(phases_, &PhasesPanel::refineRequested, this,
          [this](const core::RefinementSettings& s, int candidate, bool preview) { refine(s, candidate, preview); });
  // The panel's buttons and the menu's entries run the same code.
  connect(phases_, &PhasesPanel::trainRequested, this, &MainWindow::askAndTrainClassifier);
  connect(phases_, &PhasesPanel::loadClassifierRequested, this, &MainWindow::chooseClassifier);
  connect(phases_, &PhasesPanel::loadReferencePhasesRequested, this, &MainWindow::showReferencePhasesDialog);

  QSettings settings;
  if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1400, 860);
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  log(tr("Phasewise ready. Open a library (File > Open, or drop a file here) or the built-in example (Help)."));
  statusBar()->showMessage(tr("Open a library (Ctrl+O) or the built-in example (Help > Built-in example)."));
  updateActions();
}

void MainWindow::createMenus() {
  createFileMenu();
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  undo_ = edit->addAction(tr("&Undo run"), QKeySequence::Undo, document_, &ProjectDocument::undoRun);
  redo_ = edit->addAction(tr("&Redo run"), QKeySequence::Redo, document_, &ProjectDocument::redoRun);
  createAnalysisMenu();
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Built-in &example"), this, &MainWindow::openExample);
  help->addAction(tr("Run the example &pipeline"), this, &MainWindow::runExamplePipeline);
  help->addAction(tr("&About Phasewise"), this, &MainWindow::showAbout);
}

void MainWindow::createFileMenu() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open..."), QKeySequence::Open, this, [this] {
    QSettings settings;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open library or project"),
                                     settings.value(QStringLiteral("files/lastFolder")).toString(), kFileFilter);
    if (!path.isEmpty()) openFile(path);
  });
  recent_menu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addAction(tr("Reference &phases..."), this, &MainWindow::showReferencePhasesDialog);
  file->addSeparator();
  QAction* save = file->addAction(tr("&Save project..."), QKeySequence::Save, this, [this] {
    QString path = document_->fileName();
    if (!path.endsWith(QStringLiteral(".h5"), Qt::CaseInsensitive) || !QFileInfo(path).isFile())
      path = QFileDialog::getSaveFileName(this, tr("Save project"), QString(), tr("Phasewise project (*.h5)"));
    if (!path.isEmpty()) saveProject(path);
  });
  QAction* save_as = file->addAction(tr("Save project &as..."), QKeySequence::SaveAs, this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save project"), QString(), tr("Phasewise project (*.h5)"));
    if (!path.isEmpty()) saveProject(path);
  });
  QAction* export_refined =
      file->addAction(tr("&Export refined patterns..."), QKeySequence(tr("Ctrl+E")), this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export refined patterns"), QString(),
                                         tr("Two-column text (*.xy);;CSV (*.csv);;Phasewise HDF5 (*.h5)"));
        if (!path.isEmpty()) exportRefined(path);
      });
  QMenu* figures = file->addMenu(tr("Export &figure"));
  for (const auto& [which, title] : {std::pair<QString, QString>{QStringLiteral("patterns"), tr("Pattern view...")},
                                     {QStringLiteral("map"), tr("Composition map...")},
                                     {QStringLiteral("phase"), tr("Selected phase...")},
                                     {QStringLiteral("heat"), tr("Heat map...")},
                                     {QStringLiteral("phase-maps"), tr("Phase maps...")}}) {
    const QString name = which;
    figures->addAction(title, this, [this, name] {
      const QString path = QFileDialog::getSaveFileName(this, tr("Export figure"), name,
                                                        tr("PNG image (*.png);;PDF (*.pdf);;SVG (*.svg)"));
      if (!path.isEmpty()) exportFigure(name, path);
    });
  }
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  needs_library_.insert(needs_library_.end(), {save, save_as, export_refined});
}

void MainWindow::createAnalysisMenu() {
  QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
  QAction* decompose_action = analysis->addAction(tr("&Decompose..."), QKeySequence(tr("Ctrl+D")), this, [this] {
    QSettings settings;
    core::DecompositionSettings defaults;
    defaults.phases = settings.value(QStringLiteral("decompose/phases"), 6).toInt();
    bool freeze = false;
    const int kept = static_cast<int>(document_->keptPhases().size());
    if (const auto s = askDecompositionSettings(this, defaults, kept, &freeze))
      decompose(withKeptPhases(*document_, *s, freeze));
  });
  decompose_with_references_ =
      analysis->addAction(tr("Decompose with &reference phases..."), QKeySequence(tr("Ctrl+Shift+D")), this, [this] {
        const auto& phases = document_->referencePhases();
        LibraryGuidedSettings defaults;
        // One pattern: the single-pattern analysis, whose lattice range is narrower (powders).
        if (document_->library().samples == 1)
          defaults.fit.max_strain = core::PhaseIdentificationSettings{}.fit.max_strain;
        defaults.radiation = QSettings().value(QStringLiteral("decompose/radiation")).toString().toStdString();
        if (const auto s = askLibraryGuidedSettings(this, defaults, phases ? static_cast<int>(phases->size()) : 0,
                                                    document_->library().axis.wavelength_angstrom))
          decomposeWithReferences(*s);
      });
  decompose_with_references_->setToolTip(
      tr("Fit the project's reference phases to every sample (File > Reference phases... chooses them)"));
  createChemistryAction(analysis);
  analysis->addAction(tr("&Train classifier..."), this, &MainWindow::askAndTrainClassifier);
  analysis->addAction(tr("&Load classifier..."), this, &MainWindow::chooseClassifier);
  analysis->addAction(tr("&Refine all phases"), QKeySequence(tr("Ctrl+R")), this,
                      [this] { refine(phases_->settings(), -1); });
  QAction* unmix = analysis->addAction(tr("&Unmix phases with the reference phases"), this, &MainWindow::unmixPhases);
  unmix->setToolTip(
      tr("Fit each phase pattern with the reference phases and take away every phase found but the classifier's "
         "first guess, with the background (never adds intensity)"));
  analysis->addAction(tr("Refinement &settings..."), this, [this] {
    if (const auto s = askRefinementSettings(this, phases_->settings())) phases_->setFinerSettings(*s);
  });
  analysis->addSeparator();
  analysis->addAction(tr("&Cancel the running job"), jobs_, &JobController::cancel);
  needs_library_.push_back(decompose_action);
}

void MainWindow::updateActions() {
  for (QAction* a : needs_library_) a->setEnabled(document_->hasLibrary());
  const auto& phases = document_->referencePhases();
  decompose_with_references_->setEnabled(document_->hasLibrary() && phases && phases->size() > 0);
  undo_->setEnabled(document_->canUndoRun());
  redo_->setEnabled(document_->canRedoRun());
  const auto& runs = document_->runs();
  const int current = document_->currentRun();
  undo_->setText(current > 0 ? tr("&Undo run (back to: %1)").arg(runs[static_cast<std::size_t>(current - 1)].name)
                             : tr("&Undo run"));
  redo_->setText(document_->canRedoRun() ? tr("&Redo run (%1)").arg(runs[static_cast<std::size_t>(current + 1)].name)
                                         : tr("&Redo run"));
  // "[*]" shows unsaved runs the desktop's way (an asterisk in the title).
  setWindowTitle(document_->hasLibrary() ? tr("Phasewise - %1[*]").arg(QFileInfo(document_->fileName()).fileName())
                                         : tr("Phasewise"));
  setWindowModified(document_->hasUnsavedRuns());
}

void MainWindow::log(const QString& message) {
  log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + message);
}

QString MainWindow::logText() const { return log_->toPlainText(); }

bool MainWindow::startJob(const QString& title, const std::function<JobWork()>& make) {
  if (jobs_->running()) {
    statusBar()->showMessage(tr("Busy with %1; wait for it or cancel it (Esc).").arg(jobs_->title()));
    return false;
  }
  // Jobs read the identities and use the classifier: the background identification first.
  document_->waitForIdentification();
  JobWork work;
  try {
    work = make();  // takes the job's snapshot; may refuse (no classifier, no decomposition...)
  } catch (const std::exception& e) {
    const QString message = QString::fromUtf8(e.what());
    log(tr("Cannot start %1: %2").arg(title, message));
    statusBar()->showMessage(message);
    pipeline_.clear();
    return false;
  }
  progress_->setValue(0);
  progress_->setFormat(title + QStringLiteral(" %p%"));
  progress_->show();
  cancel_->show();
  log(tr("%1...").arg(title));
  return jobs_->start(title, std::move(work));
}

void MainWindow::jobFinished(bool succeeded, const QString& message) {
  progress_->hide();
  cancel_->hide();
  log(message);
  statusBar()->showMessage(message);
  if (!succeeded) {
    pipeline_.clear();
    if (!jobs_->lastCancelled()) {
      // Window-modal, not application-blocking: the message says what failed and why.
      auto* box = new QMessageBox(QMessageBox::Warning, tr("Phasewise"), message, QMessageBox::Ok, this);
      box->setAttribute(Qt::WA_DeleteOnClose);
      box->open();
    }
    return;
  }
  if (!pipeline_.empty()) {
    auto next = pipeline_.front();
    pipeline_.erase(pipeline_.begin());
    next();
  }
}

bool MainWindow::openFile(const QString& path) {
  if (!QFileInfo::exists(path)) {
    const QString message = tr("%1: does not exist").arg(path);
    log(message);
    statusBar()->showMessage(message);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return false;
  }
  if (!confirmDiscardingRuns(tr("opening %1").arg(QFileInfo(path).fileName()))) return false;
  QSettings().setValue(QStringLiteral("files/lastFolder"), QFileInfo(path).absolutePath());
  rememberRecent(path);
  return startJob(tr("Opening %1").arg(QFileInfo(path).fileName()),
                  [this, path] { return openFileJob(document_, registry_, path); });
}

bool MainWindow::openExample() {
  if (!confirmDiscardingRuns(tr("opening the example"))) return false;
  return startJob(tr("Opening the built-in example"), [this] { return openExampleJob(document_); });
}

bool MainWindow::saveProject(const QString& path) {
  if (!document_->hasLibrary()) return false;
  rememberRecent(path);
  return startJob(tr("Saving the project"), [this, path] { return saveProjectJob(document_, path); });
}

bool MainWindow::decompose(const core::DecompositionSettings& settings) {
  if (!document_->hasLibrary()) return false;
  QSettings().setValue(QStringLiteral("decompose/phases"), settings.phases);
  return startJob(tr("Decomposing into %1 phases").arg(settings.phases),
                  [this, settings] { return decomposeJob(document_, settings); });
}

bool MainWindow::decomposeWithReferences(const LibraryGuidedSettings& settings) {
  const auto& phases = document_->referencePhases();
  if (!document_->hasLibrary() || !phases || phases->size() == 0) return false;
  QSettings().setValue(QStringLiteral("decompose/radiation"), QString::fromStdString(settings.radiation));
  if (document_->library().samples == 1) {
    core::PhaseIdentificationSettings one;
    one.fit.max_strain = settings.fit.max_strain;
    one.elements = settings.elements;
    return startJob(tr("Identifying every phase in the pattern"),
                    [this, one, settings] { return identifyPatternJob(document_, one, settings.radiation); });
  }
  return startJob(tr("Fitting the %1 reference phases").arg(phases->size()),
                  [this, settings] { return libraryGuidedJob(document_, settings.fit, settings.radiation); });
}

bool MainWindow::decompose(int phases) {
  core::DecompositionSettings settings;
  settings.phases = phases;
  return decompose(settings);
}

bool MainWindow::trainClassifier(const core::ClassifierSettings& settings) {
  return startJob(tr("Training the classifier"), [this, settings] { return trainJob(document_, settings); });
}

bool MainWindow::loadClassifier(const QString& path) {
  return startJob(tr("Loading the classifier"), [this, path] { return loadClassifierJob(document_, path); });
}

void MainWindow::askAndTrainClassifier() {
  if (const auto s = askClassifierSettings(this, defaultClassifierSettings(*document_))) trainClassifier(*s);
}

void MainWindow::chooseClassifier() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Load classifier"), QString(), tr("Phasewise classifier (*.pt)"));
  if (!path.isEmpty()) loadClassifier(path);
}

ReferencePhasesDialog* MainWindow::showReferencePhasesDialog() {
  auto* dialog = new ReferencePhasesDialog(document_->library().elements, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    const QString description = dialog->description();
    document_->setReferencePhases(dialog->chosenPhases(), description);
    document_->markUnsaved();  // a choice the user made: closing asks before losing it
    log(tr("Reference phases: %1.").arg(description));
    statusBar()->showMessage(tr("Reference phases: %1.").arg(description));
  });
  dialog->open();
  return dialog;
}

bool MainWindow::loadReferencePhases(const QString& path) {
  return startJob(tr("Loading reference phases"), [this, path] { return loadReferencePhasesJob(document_, path); });
}

bool MainWindow::refine(const core::RefinementSettings& settings, int candidate, bool preview) {
  const QString what = candidate >= 0 ? tr("phase %1").arg(candidate + 1) : tr("all phases");
  return startJob(tr("Refining %1").arg(what),
                  [this, settings, candidate, preview] { return refineJob(document_, settings, candidate, preview); });
}

bool MainWindow::unmixPhases() {
  return startJob(tr("Unmixing all phases"), [this] { return unmixJob(document_); });
}

bool MainWindow::exportRefined(const QString& path) {
  return startJob(tr("Exporting refined patterns"),
                  [this, path] { return exportRefinedJob(document_, registry_, path); });
}

QCustomPlot* MainWindow::plotNamed(const QString& which) const {
  if (which == QLatin1String("map")) return map_->plot();
  if (which == QLatin1String("phase")) return phases_->plot();
  if (which == QLatin1String("heat")) return heat_map_->plot();
  if (which == QLatin1String("phase-maps")) return phase_maps_->plot();
  return patterns_->plot();
}

bool MainWindow::exportFigure(const QString& which, const QString& path) {
  try {
    exportPlot(plotNamed(which), path);
    log(tr("Wrote the %1 figure to %2").arg(which, path));
    return true;
  } catch (const std::exception& e) {
    log(QString::fromUtf8(e.what()));
    statusBar()->showMessage(QString::fromUtf8(e.what()));
    return false;
  }
}

void MainWindow::runExamplePipeline() {
  if (jobs_->running()) return;
  pipeline_ = {
      [this] { decompose(4); },
      [this] {
        core::ClassifierSettings s = defaultClassifierSettings(*document_);
        s.patterns_per_phase = 120;  // a few seconds: the example's phases are few and distinct
        s.validation_per_phase = 30;
        s.epochs = 6;
        trainClassifier(s);
      },
      [this] {
        core::RefinementSettings s = phases_->settings();
        refine(s, -1);
      },
  };
  openExample();
}

bool MainWindow::waitUntilIdle(int milliseconds) {
  QElapsedTimer timer;
  timer.start();
  const auto busy = [this] { return pipelineRunning() || document_->identifying(); };
  while (busy() && timer.elapsed() < milliseconds) {
    if (jobs_->running()) {
      jobs_->waitForFinished(100);
    } else {
      document_->waitForIdentification();
      QApplication::processEvents();
    }
  }
  QApplication::processEvents();
  return !busy();
}

void MainWindow::rememberRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("files/recent")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMostRecent) recent.removeLast();
  settings.setValue(QStringLiteral("files/recent"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
  for (const QString& path : recent) recent_menu_->addAction(path, this, [this, path] { openFile(path); });
  recent_menu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::confirmDiscardingRuns(const QString& action) {
  if (!document_->hasUnsavedRuns()) return true;
  QMessageBox box(QMessageBox::Warning, tr("Phasewise"),
                  tr("The current project has changes that are not saved. Save them before %1?").arg(action),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setDefaultButton(QMessageBox::Save);
  const int answer = box.exec();
  if (answer == QMessageBox::Discard) return true;
  if (answer != QMessageBox::Save) return false;
  if (jobs_->running()) {  // its result would not be in the saved file
    jobs_->cancel();
    jobs_->waitForFinished(60000);
  }
  QString path = document_->fileName();
  if (!path.endsWith(QStringLiteral(".h5"), Qt::CaseInsensitive) || !QFileInfo(path).isFile())
    path = QFileDialog::getSaveFileName(this, tr("Save project"), QString(), tr("Phasewise project (*.h5)"));
  if (path.isEmpty() || !saveProject(path)) return false;
  jobs_->waitForFinished(600000);
  return !document_->hasUnsavedRuns();  // a failed save says why in its own message
}

std::vector<OrphanedAutosave> MainWindow::recoverableAutosaves() const {
  return Autosave::orphans(autosave_->folder());
}

bool MainWindow::recoverAutosave(const OrphanedAutosave& orphan) {
  return startJob(tr("Recovering the autosave of %1").arg(orphan.source), [this, orphan] {
    return [document = QPointer<ProjectDocument>(document_), orphan](const core::ProgressCallback& progress) {
      core::reportProgress(progress, 0.0, "reading the autosave");
      auto project = std::make_shared<plugins::Project>(plugins::readProject(orphan.project.toStdString()));
      return JobResult{[document, project, orphan] {
                         if (!document) return;
                         document->setProject(std::move(project->library), std::move(project->phases),
                                              std::move(project->decomposition), std::move(project->refinement),
                                              orphan.source, project->keep_foreign_phases);
                         document->markUnsaved();  // recovered, not yet in a file the user chose
                         Autosave::remove(orphan);
                       },
                       tr("Recovered %1 (%2), autosaved %3; save it to keep it")
                           .arg(orphan.source, orphan.run, QLocale().toString(orphan.saved, QLocale::ShortFormat))};
    };
  });
}

void MainWindow::offerRecovery() {
  const std::vector<OrphanedAutosave> orphans = recoverableAutosaves();
  if (orphans.empty()) return;
  const OrphanedAutosave& newest = orphans.front();
  QMessageBox box(QMessageBox::Question, tr("Recover unsaved work"),
                  tr("Phasewise did not close normally. The autosave of %1 (%2, %3) can be recovered.")
                      .arg(newest.source, newest.run, QLocale().toString(newest.saved, QLocale::ShortFormat)),
                  QMessageBox::NoButton, this);
  QPushButton* recover = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
  QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
  box.addButton(tr("Not now"), QMessageBox::RejectRole);
  box.setDefaultButton(recover);
  box.exec();
  if (box.clickedButton() == recover) {
    recoverAutosave(newest);
  } else if (box.clickedButton() == discard) {
    Autosave::remove(newest);
    log(tr("Discarded the autosave of %1").arg(newest.source));
  }
  if (orphans.size() > 1) log(tr("%1 older autosave(s) remain in %2").arg(orphans.size() - 1).arg(autosave_->folder()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmDiscardingRuns(tr("closing"))) {
    event->ignore();
    return;
  }
  if (jobs_->running()) jobs_->cancel();  // results of a cancelled job are never half-applied
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) openFile(urls.front().toLocalFile());
}

void MainWindow::describeLibrary() {
  const core::Library& lib = document_->library();
  const QString wavelength = lib.axis.wavelength_angstrom
                                 ? tr("wavelength %1 \u00C5").arg(*lib.axis.wavelength_angstrom)
                             : lib.axis.spec.kind == core::AxisKind::TwoTheta ? tr("wavelength NOT stated")
                                                                              : tr("Q axis, no wavelength needed");
  log(tr("%1: %2 samples x %3 points, %4, %5")
          .arg(document_->fileName())
          .arg(lib.samples)
          .arg(lib.points())
          .arg(QString::fromStdString(lib.axis.spec.name()))
          .arg(wavelength));
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Phasewise"),
      tr("<b>Phasewise</b><br>Phase mapping of composition-spread libraries: decomposition into phases, "
         "identification and imitation refinement of the phase patterns.<br><br>"
         "Qt %1<br>QCustomPlot %2<br>LibTorch %3<br>HDF5 %4<br>gemmi %5")
          .arg(QString::fromLatin1(qVersion()), QStringLiteral(QCUSTOMPLOT_VERSION_STR),
               QString::fromStdString(core::torchVersion()), QString::fromStdString(plugins::hdf5Version()),
               QString::fromStdString(core::gemmiVersion())));
}

}  // namespace phasewise::gui
