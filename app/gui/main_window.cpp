#include "main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStatusBar>
#include <QTableView>

#include "composition_map_view.h"
#include "decompose_controller.h"
#include "example/synthetic_library.h"
#include "format_hdf5/project_file.h"
#include "io/registry.h"
#include "pattern_view.h"
#include "phase_table_model.h"
#include "project_document.h"

namespace phasewise::gui {

MainWindow::MainWindow(const core::FormatRegistry& registry, QWidget* parent)
    : QMainWindow(parent),
      registry_(registry),
      document_(new ProjectDocument(this)),
      map_(new CompositionMapView(document_)),
      patterns_(new PatternView(document_)),
      decompose_(new DecomposeController(document_, this)) {
  setWindowTitle(tr("Phasewise"));
  setCentralWidget(patterns_);
  auto* dock = new QDockWidget(tr("Composition map"), this);
  dock->setObjectName(QStringLiteral("composition-map"));
  dock->setWidget(map_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  map_->setMinimumWidth(380);
  resizeDocks({dock}, {460}, Qt::Horizontal);
  auto* table = new QTableView;
  table->setModel(new PhaseTableModel(document_, table));
  table->horizontalHeader()->setStretchLastSection(true);
  auto* phases_dock = new QDockWidget(tr("Phases"), this);
  phases_dock->setObjectName(QStringLiteral("phases"));
  phases_dock->setWidget(table);
  addDockWidget(Qt::LeftDockWidgetArea, phases_dock);
  resizeDocks({dock, phases_dock}, {480, 170}, Qt::Vertical);
  createMenus();
  connect(document_, &ProjectDocument::libraryChanged, this, &MainWindow::describeLibrary);
  connect(decompose_, &DecomposeController::finished, this,
          [this](bool, const QString& message) { statusBar()->showMessage(message); });
  statusBar()->showMessage(tr("Open a library (File > Open) or the built-in example."));
  resize(1200, 700);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open..."), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open library"));
    if (!path.isEmpty()) openFile(path);
  });
  file->addAction(tr("Open &example"), this, &MainWindow::openExample);
  file->addAction(tr("&Save project..."), QKeySequence::Save, this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save project"), QString(), tr("Phasewise project (*.h5)"));
    if (!path.isEmpty()) saveProject(path);
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
  QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
  analysis->addAction(tr("&Decompose..."), this, [this] {
    bool ok = false;
    const int phases = QInputDialog::getInt(this, tr("Decompose"), tr("Number of phases"), 6, 1, 24, 1, &ok);
    if (ok) decompose(phases);
  });
}

bool MainWindow::openFile(const QString& path) {
  try {
    // A project file brings its decomposition along.
    if (path.endsWith(QStringLiteral(".h5"), Qt::CaseInsensitive)) {
      plugins::Project project = plugins::readProject(path.toStdString());
      document_->setLibrary(std::move(project.library), path);
      if (project.decomposition) document_->setDecomposition(std::move(*project.decomposition));
      return true;
    }
    core::ReadResult result = registry_.read(path.toStdString());
    QString warnings;
    for (const std::string& w : result.warnings) warnings += QString::fromStdString(w) + QLatin1Char('\n');
    document_->setLibrary(std::move(result.library), path);
    if (!warnings.isEmpty())
      statusBar()->showMessage(warnings.trimmed().replace(QLatin1Char('\n'), QLatin1String("; ")));
    return true;
  } catch (const std::exception& e) {
    // Window-modal, not application-blocking: the message names the file and the problem.
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Cannot open"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(QString::fromUtf8(e.what()));
    return false;
  }
}

bool MainWindow::saveProject(const QString& path) {
  if (!document_->hasLibrary()) return false;
  try {
    plugins::writeProject({document_->library(), std::nullopt, document_->decomposition()}, path.toStdString());
    statusBar()->showMessage(tr("Saved %1").arg(path));
    return true;
  } catch (const std::exception& e) {
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Cannot save"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return false;
  }
}

void MainWindow::openExample() {
  core::SyntheticLibrarySpec spec;
  document_->setLibrary(core::makeSyntheticLibrary(spec).library, tr("built-in example"));
}

void MainWindow::decompose(int phases) {
  if (!document_->hasLibrary()) return;
  core::DecompositionSettings settings;
  settings.phases = phases;
  auto* dialog = new QProgressDialog(tr("Decomposing..."), tr("Cancel"), 0, 100, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setMinimumDuration(300);
  connect(decompose_, &DecomposeController::progress, dialog, [dialog](int percent, const QString& stage) {
    dialog->setValue(percent);
    dialog->setLabelText(stage);
  });
  connect(dialog, &QProgressDialog::canceled, decompose_, &DecomposeController::cancel);
  connect(decompose_, &DecomposeController::finished, dialog, &QProgressDialog::close);
  decompose_->start(settings);
}

void MainWindow::describeLibrary() {
  const core::Library& lib = document_->library();
  QString wavelength = lib.axis.wavelength_angstrom ? tr("wavelength %1 A").arg(*lib.axis.wavelength_angstrom)
                       : lib.axis.spec.kind == core::AxisKind::TwoTheta ? tr("wavelength NOT stated")
                                                                        : tr("Q axis");
  statusBar()->showMessage(tr("%1: %2 samples x %3 points, %4, %5")
                               .arg(document_->fileName())
                               .arg(lib.samples)
                               .arg(lib.points())
                               .arg(QString::fromStdString(lib.axis.spec.name()))
                               .arg(wavelength));
}

}  // namespace phasewise::gui
