#pragma once
// The main window: docks (composition map, phases, message log) around the pattern view,
// menus with desktop shortcuts, files (open, drag and drop, recent, projects, export), and
// the long jobs through one JobController with progress and Cancel in the status bar. It
// wires the document, views and jobs together; no data logic here.

#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <vector>

#include "autosave.h"
#include "decompose/decomposition.h"
#include "job_controller.h"
#include "learn/classifier.h"
#include "learn/refiner.h"
#include "settings_dialogs.h"

class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QMenu;
class QAction;
class QCustomPlot;

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::gui {

class ProjectDocument;
class CompositionMapView;
class HeatMapView;
class PhaseMapsView;
class PatternView;
class PhasesPanel;
class ReferencePhasesDialog;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const core::FormatRegistry& registry, QWidget* parent = nullptr);

  [[nodiscard]] ProjectDocument* document() const { return document_; }
  [[nodiscard]] CompositionMapView* compositionMap() const { return map_; }
  [[nodiscard]] HeatMapView* heatMap() const { return heat_map_; }
  [[nodiscard]] PhaseMapsView* phaseMaps() const { return phase_maps_; }
  [[nodiscard]] PatternView* patternView() const { return patterns_; }
  [[nodiscard]] PhasesPanel* phasesPanel() const { return phases_; }
  [[nodiscard]] JobController* jobs() const { return jobs_; }
  [[nodiscard]] QString logText() const;

  // Each starts a background job and returns whether it started (false: another job runs, or
  // the request cannot be met, with the reason in the log and the status bar).
  bool openFile(const QString& path);  // libraries, projects (.h5); phase libraries go to loadReferencePhases
  bool openExample();
  bool saveProject(const QString& path);
  bool decompose(const core::DecompositionSettings& settings);
  bool decompose(int phases);
  // The library-guided decomposition with the project's reference phases (needs some).
  bool decomposeWithReferences(const LibraryGuidedSettings& settings);
  bool trainClassifier(const core::ClassifierSettings& settings);
  bool loadClassifier(const QString& path);
  bool loadReferencePhases(const QString& path);  // a phase-library file, without the dialog
  // "Reference phases...": the dialog, open (not modal-blocking); what the user ticks there
  // becomes the project's reference phases when they press OK. Returned for scripted use.
  ReferencePhasesDialog* showReferencePhasesDialog();
  void askAndTrainClassifier();
  void chooseClassifier();
  bool refine(const core::RefinementSettings& settings, int candidate, bool preview = false);
  bool exportRefined(const QString& path);
  // Library unmixing of every phase with the reference phases (Analysis > Unmix phases).
  bool unmixPhases();
  // Writes a plot to PNG/PDF/SVG: "patterns", "map", "phase" or "heat" (synchronous: it is quick).
  bool exportFigure(const QString& which, const QString& path);
  // The built-in example through the whole pipeline: open, decompose (K = 4), train a quick
  // classifier on the example's reference phases, refine every phase. Runs job after job.
  void runExamplePipeline();
  // Whether a chained pipeline still has steps to run.
  [[nodiscard]] bool pipelineRunning() const { return !pipeline_.empty() || jobs_->running(); }
  // Runs the event loop until the running job and any chained pipeline are done; false on
  // timeout. For scripted use (--screenshot, --bench) and tests.
  bool waitUntilIdle(int milliseconds);

  void log(const QString& message);
  // Analysis > Keep phases with elements the library lacks.
  [[nodiscard]] QAction* keepForeignAction() const { return keep_foreign_; }

  // Crash recovery: autosaves of sessions that did not end normally, newest first; recovering
  // one opens it as the current project with its runs marked unsaved, and removes it.
  [[nodiscard]] std::vector<OrphanedAutosave> recoverableAutosaves() const;
  bool recoverAutosave(const OrphanedAutosave& orphan);
  // Asks the user about the newest recoverable autosave, if there is one (interactive start).
  void offerRecovery();
  [[nodiscard]] Autosave* autosave() const { return autosave_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  bool startJob(const QString& title, const std::function<JobWork()>& make);
  void jobFinished(bool succeeded, const QString& message);
  void createMenus();
  void createFileMenu();
  void createAnalysisMenu();
  void createChemistryAction(QMenu* analysis);
  void noteForeignReferencePhases();
  void updateActions();
  void rememberRecent(const QString& path);
  void rebuildRecentMenu();
  void describeLibrary();
  void showAbout();
  // Before unsaved runs would be lost (closing, opening another file): save, discard or
  // cancel. True when it is fine to go on.
  bool confirmDiscardingRuns(const QString& action);
  [[nodiscard]] QCustomPlot* plotNamed(const QString& which) const;

  const core::FormatRegistry& registry_;
  ProjectDocument* document_;
  CompositionMapView* map_;
  HeatMapView* heat_map_;
  PhaseMapsView* phase_maps_;
  PatternView* patterns_;
  PhasesPanel* phases_;
  QPlainTextEdit* log_;
  JobController* jobs_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  Autosave* autosave_;
  QMenu* recent_menu_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* decompose_with_references_ = nullptr;  // enabled when reference phases are loaded
  QAction* keep_foreign_ = nullptr;
  std::vector<QAction*> needs_library_;
  std::vector<std::function<void()>> pipeline_;  // steps still to run, in order
};

}  // namespace phasewise::gui
