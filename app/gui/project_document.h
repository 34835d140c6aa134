#pragma once
// The open project as the GUI sees it: the core's plain data (library, reference phases,
// classifier, and the results of successive runs) wrapped in a QObject that announces coarse
// changes. Views read from it; jobs write to it on the GUI thread. Every decomposition or
// refinement is a new entry in a run history the user can step back and forth in.

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "decompose/decomposition.h"
#include "learn/classifier.h"
#include "learn/refinement_record.h"
#include "model/library.h"
#include "simulate/phase_library.h"

namespace phasewise::gui {

// Identification and refinement of a decomposition's candidates (its phase patterns).
using RefinementRun = core::RefinementRecord;

struct Run {
  QString name;  // "decomposition, K = 6", "refinement, lambda 1"
  std::optional<core::DecompositionResult> decomposition;
  std::optional<RefinementRun> refinement;
  bool preview = false;  // a live preview: the next preview replaces it instead of adding a run
};

class ProjectDocument : public QObject {
  Q_OBJECT

 public:
  explicit ProjectDocument(QObject* parent = nullptr);

  [[nodiscard]] bool hasLibrary() const { return library_.samples > 0; }
  // Runs (decompositions, refinements) made since the project was opened or last saved.
  [[nodiscard]] bool hasUnsavedRuns() const { return unsaved_; }
  // The project was written to `path` (it becomes the document's file).
  void markSaved(const QString& path);
  // After recovering an autosave: the runs are not in any file the user chose.
  void markUnsaved();
  [[nodiscard]] const core::Library& library() const { return library_; }
  [[nodiscard]] const QString& fileName() const { return file_name_; }
  void setLibrary(core::Library library, const QString& file_name);
  // A saved project: library, reference phases, decomposition and refinement together.
  void setProject(core::Library library, std::optional<core::PhaseLibrary> phases,
                  std::optional<core::DecompositionResult> decomposition, std::optional<RefinementRun> refinement,
                  const QString& file_name, bool keep_foreign_phases = false);

  // The current run's results (the history's current entry).
  [[nodiscard]] const std::optional<core::DecompositionResult>& decomposition() const;
  [[nodiscard]] const std::optional<RefinementRun>& refinement() const;
  void setDecomposition(core::DecompositionResult result);  // a new run
  // A new run on the current decomposition; `replace` overwrites the current run instead (a
  // live preview replacing the previous preview of the same candidate).
  // A preview replaces the current run when that is a preview too (the slider is being dragged).
  void setRefinement(RefinementRun run, const QString& name, bool preview = false);

  // Run history: undo/redo move between runs; a new run drops the ones after the current.
  [[nodiscard]] const std::vector<Run>& runs() const { return runs_; }
  [[nodiscard]] int currentRun() const { return current_; }
  [[nodiscard]] bool canUndoRun() const { return current_ > 0; }
  [[nodiscard]] bool canRedoRun() const { return current_ + 1 < static_cast<int>(runs_.size()); }
  void undoRun();
  void redoRun();

  [[nodiscard]] const std::optional<core::PhaseLibrary>& referencePhases() const { return phases_; }
  void setReferencePhases(core::PhaseLibrary phases, const QString& source);
  [[nodiscard]] const QString& referenceSource() const { return phases_source_; }

  // The chemistry rule (model/chemistry.h): phases holding an element that is neither the
  // library's nor a light non-metal are left out of library-guided fits, identities, guesses
  // and targets, unless kept (the command line's --keep-foreign), e.g. for a substrate's phase
  // in a spread named by its metals. Back to the rule whenever another library is opened.
  [[nodiscard]] bool keepsForeignPhases() const { return keep_foreign_; }
  void setKeepForeignPhases(bool keep);
  // The classifier's phases the rule allows, for RefinementSettings::allowed_classes and
  // identifyCandidates: empty (every phase) when foreign phases are kept.
  [[nodiscard]] std::vector<char> allowedClasses(const core::PhaseClassifier& classifier) const;

  [[nodiscard]] std::shared_ptr<const core::PhaseClassifier> classifier() const { return classifier_; }
  [[nodiscard]] const QString& classifierDescription() const { return classifier_description_; }
  void setClassifier(std::shared_ptr<const core::PhaseClassifier> classifier, const QString& description);

  // Selection: the primary sample (pattern view), all selected samples (waterfall), a phase.
  [[nodiscard]] int selectedSample() const { return selected_; }
  [[nodiscard]] const std::vector<int>& selectedSamples() const { return selected_samples_; }
  [[nodiscard]] int selectedPhase() const { return selected_phase_; }
  void setSelectedSample(int sample);
  void setSelectedSamples(std::vector<int> samples);  // the first becomes the primary
  void setSelectedPhase(int phase);

  // The candidates' identities are computed off the GUI thread (LibTorch inference): whether
  // that is still under way, and waiting for it (jobs that read or use the classifier do).
  [[nodiscard]] bool identifying() const { return identifying_; }
  void waitForIdentification();

  // Human in the loop: phases of the current decomposition the user keeps for the next run
  // (seeded as starting patterns, optionally frozen). Reset whenever the current run changes.
  [[nodiscard]] bool phaseKept(int phase) const;
  [[nodiscard]] std::vector<int> keptPhases() const;
  void setPhaseKept(int phase, bool kept);

 signals:
  void libraryChanged();
  void decompositionChanged();
  void refinementChanged();
  void runsChanged();
  void referencePhasesChanged();
  void classifierChanged();
  void selectionChanged(int sample);
  void phaseSelectionChanged(int phase);
  void keptPhasesChanged();
  void keepForeignPhasesChanged(bool keep);
  void unsavedChanged(bool unsaved);
  // Something went wrong outside a job (e.g. the classifier could not read the candidates).
  void problem(const QString& message);

 private:
  void pushRun(Run run);
  void announceRun();
  // With a classifier and a decomposition but no refinement yet, the current run gets the
  // candidates' identities (fast: one prediction per candidate), so they show at once.
  void identifyCandidates();
  void finishIdentification();
  void setUnsaved(bool unsaved);

  struct Identification {
    std::optional<RefinementRun> record;
    QString error;
  };

  core::Library library_;
  QString file_name_;
  std::vector<Run> runs_;
  int current_ = -1;
  std::optional<core::PhaseLibrary> phases_;
  QString phases_source_;
  std::shared_ptr<const core::PhaseClassifier> classifier_;
  QString classifier_description_;
  int selected_ = -1;
  std::vector<int> selected_samples_;
  int selected_phase_ = -1;
  std::vector<char> kept_;
  bool keep_foreign_ = false;
  bool unsaved_ = false;
  // Bumped whenever the runs or the classifier change, so that an identification finishing
  // late never lands on a run it was not computed for.
  std::uint64_t generation_ = 0;
  QFutureWatcher<Identification> identification_;
  bool identifying_ = false, identify_again_ = false;
  std::uint64_t identification_generation_ = 0;
  int identification_run_ = -1;
};

}  // namespace phasewise::gui
