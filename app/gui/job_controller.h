#pragma once
// Runs one long job at a time off the GUI thread (QtConcurrent with a QPromise): decompose,
// train, refine, open a large file. Reports progress, honours Cancel at once through the
// core's progress callback, and applies the job's result on the GUI thread only when it
// completes, so a cancelled or failed job leaves every earlier result as it was.

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

#include "util/progress.h"

namespace phasewise::gui {

// What a finished job hands back: how to apply its result (run on the GUI thread) and a
// sentence for the status bar and the log.
struct JobResult {
  std::function<void()> apply;
  QString message;
};
using JobWork = std::function<JobResult(const core::ProgressCallback& progress)>;

struct JobOutcome {
  std::optional<JobResult> result;
  QString error;  // empty on success or cancel
  bool cancelled = false;
};

class JobController : public QObject {
  Q_OBJECT

 public:
  explicit JobController(QObject* parent = nullptr);

  // Starts `work` in the background; false (nothing started) while another job runs.
  bool start(const QString& title, JobWork work);
  void cancel();
  [[nodiscard]] bool running() const { return watcher_.isRunning(); }
  [[nodiscard]] const QString& title() const { return title_; }
  // Whether the job that finished last was cancelled (rather than failed or done).
  [[nodiscard]] bool lastCancelled() const { return last_cancelled_; }
  // Blocks (running the event loop) until the job is done; for scripted use and tests.
  bool waitForFinished(int milliseconds);

 signals:
  void started(const QString& title);
  void progress(int percent, const QString& stage);
  void finished(bool succeeded, const QString& message);

 private:
  void collect();

  QFutureWatcher<JobOutcome> watcher_;
  QString title_;
  bool last_cancelled_ = false;
};

}  // namespace phasewise::gui
