#pragma once
// Nothing lost on a crash: the open project's current run (and the reference phases chosen)
// is written, as an ordinary Phasewise project, to the user's data folder after every run or
// choice of reference phases and every few minutes while there are unsaved changes. Each
// session holds a lock file beside its autosave; a session that ends normally removes both,
// so an autosave whose lock is stale (its process died: a crash, kill -9, a power cut) is
// what the next start offers to recover.
//
// Writes run off the GUI thread on a snapshot of the document and are atomic (the project
// writer's temporary-and-rename), so a kill during a write leaves the previous autosave.

#include <QDateTime>
#include <QFutureWatcher>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

namespace phasewise::gui {

class ProjectDocument;

// An autosave left by a session that did not end normally.
struct OrphanedAutosave {
  QString project;  // the autosaved project (.h5)
  QString source;   // the file the session had open ("built-in example", a library, a project)
  QString run;      // the run that was current ("decomposition, K = 6")
  QDateTime saved;  // when it was written
};

class Autosave : public QObject {
  Q_OBJECT

 public:
  // `folder`: where autosaves live (created when needed); defaultFolder() normally.
  Autosave(ProjectDocument* document, QString folder, QObject* parent = nullptr);
  ~Autosave() override;
  Autosave(const Autosave&) = delete;
  Autosave& operator=(const Autosave&) = delete;

  // $PHASEWISE_AUTOSAVE_DIR if set, else "autosave" in the user's application data folder.
  [[nodiscard]] static QString defaultFolder();
  // Autosaves in `folder` whose session is gone, newest first.
  [[nodiscard]] static std::vector<OrphanedAutosave> orphans(const QString& folder);
  // Removes an orphan's files (after it was recovered, or when the user declines it).
  static void remove(const OrphanedAutosave& orphan);

  [[nodiscard]] const QString& projectPath() const { return project_path_; }
  [[nodiscard]] const QString& folder() const { return folder_; }
  // Writes now if there are unsaved runs (in the background; a request during a write is
  // served when it ends).
  void saveNow();
  // Blocks until no write is under way (tests, closing).
  void waitForIdle();

 signals:
  void saved(const QString& path);
  void failed(const QString& message);

 private:
  void writeFinished();
  void removeOwnFiles();

  ProjectDocument* document_;
  QString folder_, project_path_, info_path_;
  std::unique_ptr<QLockFile> lock_;
  QTimer debounce_, periodic_;
  QFutureWatcher<QString> writer_;  // the error message, empty on success
  bool writing_ = false, again_ = false, dirty_ = false;
};

}  // namespace phasewise::gui
