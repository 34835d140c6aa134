#pragma once
// Runs a decomposition off the GUI thread (QtConcurrent with a QPromise), reports progress,
// honours cancel at once through the core's progress callback, and hands the result to the
// document only when it completes: a cancelled or failed run leaves the previous result.

#include <QFutureWatcher>
#include <QObject>

#include <optional>

#include "decompose/decomposition.h"

namespace phasewise::gui {

class ProjectDocument;

struct DecomposeOutcome {
  std::optional<core::DecompositionResult> result;
  QString error;  // empty on success or cancel
  bool cancelled = false;
};

class DecomposeController : public QObject {
  Q_OBJECT

 public:
  explicit DecomposeController(ProjectDocument* document, QObject* parent = nullptr);

  void start(const core::DecompositionSettings& settings);
  void cancel();
  [[nodiscard]] bool running() const { return watcher_.isRunning(); }
  QFutureWatcher<DecomposeOutcome>& watcher() { return watcher_; }

 signals:
  void progress(int percent, const QString& stage);
  void finished(bool succeeded, const QString& message);

 private:
  void collect();

  ProjectDocument* document_;
  QFutureWatcher<DecomposeOutcome> watcher_;
};

}  // namespace phasewise::gui
