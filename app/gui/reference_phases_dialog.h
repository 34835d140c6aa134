#pragma once
// "Reference phases...": the CLI's `library build` as a dialog. The user adds folders of
// CIFs, CIF files, stick tables or phase-library files; each source is read in the background
// (progress, Cancel) and its phases are listed with formula, space group and cell, the files
// that failed with the reason. Phases with elements outside the library's chemical system
// are left out unless the user includes them. What is ticked becomes the project's
// reference phases.

#include <QDialog>
#include <QStringList>

#include <map>
#include <string>
#include <vector>

#include "job_controller.h"
#include "phase_sources/phase_sources.h"

class QCheckBox;
class QLabel;
class QLayout;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;
class QDialogButtonBox;

namespace phasewise::gui {

class ReferencePhasesDialog : public QDialog {
  Q_OBJECT

 public:
  // `library_elements`: the open library's elements (may be empty: nothing is ruled out).
  explicit ReferencePhasesDialog(std::vector<std::string> library_elements, QWidget* parent = nullptr);
  ~ReferencePhasesDialog() override;

  // Queues these files or folders for reading (in the background, one after another).
  void addSources(const QStringList& paths);
  // For scripted use and tests: runs the event loop until every queued source is read.
  bool waitUntilRead(int milliseconds);
  [[nodiscard]] bool reading() const;  // a source is being read or waits to be
  void cancelReading();

  // The ticked phases, in table order.
  [[nodiscard]] core::PhaseLibrary chosenPhases() const;
  // Where they came from, in a sentence for the project and the log.
  [[nodiscard]] QString description() const;
  [[nodiscard]] int phaseCount() const;    // phases read (ticked or not)
  [[nodiscard]] int chosenCount() const;   // phases ticked
  [[nodiscard]] int failureCount() const;  // files (or sources) that could not be read
  [[nodiscard]] QTableWidget* phaseTable() const { return table_; }
  [[nodiscard]] QTreeWidget* failureList() const { return failures_; }
  void setIncludeOtherElements(bool include);
  void setAlsoAllowedElements(const QString& symbols);  // blank- or comma-separated, e.g. "O N"
  void reject() override;                               // also stops reading

 private:
  struct Source {
    QString path;
    plugins::CollectedPhases read;
  };
  QLayout* createSourcesRow();
  QLayout* createProgressRow();
  QLayout* createElementsRow();
  void createLists();  // the phase table and the list of problems
  void readNext();
  void readingFinished(bool succeeded, const QString& message);
  void rebuildTable();
  void rememberTicks();
  void removeSelectedSources();
  void updateSummary();
  [[nodiscard]] std::vector<std::string> alsoAllowed() const;
  [[nodiscard]] static QString phaseKey(const core::ReferencePhase& phase);

  std::vector<std::string> library_elements_;
  std::vector<Source> sources_;
  QStringList pending_;
  QString reading_;  // the source being read
  struct Problem {
    QString source;
    QString reason;
  };
  std::vector<Problem> unread_sources_;  // sources that could not be listed, or whose reading was cancelled
  std::map<QString, bool> user_ticks_;   // phase key -> ticked by hand (overrides the filter)
  bool rebuilding_ = false;

  JobController reader_;
  QListWidget* source_list_ = nullptr;
  QTableWidget* table_ = nullptr;
  QTreeWidget* failures_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QCheckBox* include_other_ = nullptr;
  QLineEdit* also_allowed_ = nullptr;
  QLabel* summary_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace phasewise::gui
