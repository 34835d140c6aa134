#include "decompose_controller.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrent>

#include "decompose/decomposer.h"
#include "project_document.h"
#include "util/error.h"

namespace phasewise::gui {

DecomposeController::DecomposeController(ProjectDocument* document, QObject* parent)
    : QObject(parent), document_(document) {
  connect(&watcher_, &QFutureWatcher<DecomposeOutcome>::progressValueChanged, this,
          [this](int value) { emit progress(value, watcher_.progressText()); });
  connect(&watcher_, &QFutureWatcher<DecomposeOutcome>::finished, this, &DecomposeController::collect);
}

void DecomposeController::start(const core::DecompositionSettings& settings) {
  if (running() || !document_->hasLibrary()) return;
  // The worker gets a snapshot: the document may change while it runs.
  watcher_.setFuture(QtConcurrent::run(
      [settings](QPromise<DecomposeOutcome>& promise, core::Library library) {
        promise.setProgressRange(0, 100);
        DecomposeOutcome outcome;
        try {
          outcome.result = core::decompose(library, settings, [&promise](double fraction, std::string_view stage) {
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
      },
      document_->library()));
}

void DecomposeController::cancel() { watcher_.cancel(); }

void DecomposeController::collect() {
  const QFuture<DecomposeOutcome> future = watcher_.future();
  if (future.resultCount() == 0) {
    emit finished(false, tr("The decomposition was cancelled; the previous result is kept."));
    return;
  }
  DecomposeOutcome outcome = future.result();
  if (outcome.result) {
    const int phases = outcome.result->phases;
    const double seconds = outcome.result->seconds;
    document_->setDecomposition(std::move(*outcome.result));
    emit finished(true, tr("Decomposed into %1 phases in %2 s.").arg(phases).arg(seconds, 0, 'f', 2));
  } else if (outcome.cancelled) {
    emit finished(false, tr("The decomposition was cancelled; the previous result is kept."));
  } else {
    emit finished(false, tr("The decomposition failed: %1").arg(outcome.error));
  }
}

}  // namespace phasewise::gui
