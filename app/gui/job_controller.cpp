#include "job_controller.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPromise>
#include <QTimer>
#include <QtConcurrent/QtConcurrent>

#include "util/error.h"

namespace phasewise::gui {

JobController::JobController(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<JobOutcome>::progressValueChanged, this,
          [this](int value) { emit progress(value, watcher_.progressText()); });
  connect(&watcher_, &QFutureWatcher<JobOutcome>::finished, this, &JobController::collect);
}

bool JobController::start(const QString& title, JobWork work) {
  if (running()) return false;
  title_ = title;
  watcher_.setFuture(QtConcurrent::run([work = std::move(work)](QPromise<JobOutcome>& promise) {
    promise.setProgressRange(0, 100);
    JobOutcome outcome;
    try {
      outcome.result = work([&promise](double fraction, std::string_view stage) {
        promise.setProgressValueAndText(static_cast<int>(fraction * 100),
                                        QString::fromUtf8(stage.data(), static_cast<int>(stage.size())));
        return !promise.isCanceled();
      });
    } catch (const core::CancelledError&) {
      outcome.cancelled = true;
    } catch (const std::exception& e) {
      outcome.error = QString::fromUtf8(e.what());
    }
    promise.addResult(std::move(outcome));
  }));
  emit started(title);
  return true;
}

void JobController::cancel() { watcher_.cancel(); }

bool JobController::waitForFinished(int milliseconds) {
  QElapsedTimer timer;
  timer.start();
  while (running() && timer.elapsed() < milliseconds) {
    QEventLoop loop;
    QTimer::singleShot(10, &loop, &QEventLoop::quit);
    loop.exec();
  }
  QCoreApplication::processEvents();  // deliver `finished`
  return !running();
}

void JobController::collect() {
  const QFuture<JobOutcome> future = watcher_.future();
  last_cancelled_ = future.resultCount() == 0 || future.result().cancelled;
  if (future.resultCount() == 0) {
    emit finished(false, tr("%1 was cancelled; the earlier results are kept.").arg(title_));
    return;
  }
  JobOutcome outcome = future.result();
  if (outcome.result) {
    if (outcome.result->apply) outcome.result->apply();
    emit finished(true, outcome.result->message);
  } else if (outcome.cancelled) {
    emit finished(false, tr("%1 was cancelled; the earlier results are kept.").arg(title_));
  } else {
    emit finished(false, tr("%1 failed: %2").arg(title_, outcome.error));
  }
}

}  // namespace phasewise::gui
