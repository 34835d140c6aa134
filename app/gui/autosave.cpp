#include "autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrent>

#include <algorithm>
#include <atomic>

#include "format_hdf5/project_file.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {
constexpr int kDebounceMs = 300;          // runs often come in bursts (decompose, then identities)
constexpr int kPeriodMs = 2 * 60 * 1000;  // a failed write is retried this often
const QString kPrefix = QStringLiteral("autosave-");

QString lockPathOf(const QString& project) {
  return project.left(project.size() - 3) + QStringLiteral(".lock");  // "...h5" -> "...lock"
}
QString infoPathOf(const QString& project) { return project.left(project.size() - 3) + QStringLiteral(".txt"); }

// Several windows (tests) may share a process: one autosave each.
QString nextSessionId() {
  static std::atomic<int> counter{0};
  return QString::number(QCoreApplication::applicationPid()) + QLatin1Char('-') + QString::number(++counter);
}

// The sidecar: what the autosave is of, in "key<TAB>value" lines.
QByteArray infoText(const QString& source, const QString& run) {
  return (QStringLiteral("source\t") + source + QStringLiteral("\nrun\t") + run + QStringLiteral("\nsaved\t") +
          QDateTime::currentDateTimeUtc().toString(Qt::ISODate) + QLatin1Char('\n'))
      .toUtf8();
}
}  // namespace

Autosave::Autosave(ProjectDocument* document, QString folder, QObject* parent)
    : QObject(parent), document_(document), folder_(std::move(folder)) {
  project_path_ = QDir(folder_).filePath(kPrefix + nextSessionId() + QStringLiteral(".h5"));
  info_path_ = infoPathOf(project_path_);
  debounce_.setSingleShot(true);
  debounce_.setInterval(kDebounceMs);
  connect(&debounce_, &QTimer::timeout, this, &Autosave::saveNow);
  periodic_.setInterval(kPeriodMs);
  connect(&periodic_, &QTimer::timeout, this, [this] {
    if (dirty_) saveNow();
  });
  periodic_.start();
  connect(&writer_, &QFutureWatcher<QString>::finished, this, &Autosave::writeFinished);
  // Runs and the reference phases the user chose are work to keep (saveNow writes only while
  // the document holds unsaved changes).
  for (auto signal : {&ProjectDocument::runsChanged, &ProjectDocument::referencePhasesChanged})
    connect(document_, signal, this, [this] {
      dirty_ = true;
      debounce_.start();
    });
  connect(document_, &ProjectDocument::unsavedChanged, this, [this](bool unsaved) {
    if (unsaved) return;
    // Saved by the user, or a new file opened: nothing of this session is left to recover.
    waitForIdle();
    dirty_ = false;
    removeOwnFiles();
  });
}

Autosave::~Autosave() {
  // A session that ends normally leaves nothing behind (closing asked about unsaved runs).
  waitForIdle();
  removeOwnFiles();
  if (lock_) lock_->unlock();
}

QString Autosave::defaultFolder() {
  const QString forced = qEnvironmentVariable("PHASEWISE_AUTOSAVE_DIR");
  if (!forced.isEmpty()) return forced;
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("autosave"));
}

std::vector<OrphanedAutosave> Autosave::orphans(const QString& folder) {
  std::vector<OrphanedAutosave> out;
  const QDir dir(folder);
  for (const QString& name : dir.entryList({kPrefix + QStringLiteral("*.h5")}, QDir::Files)) {
    const QString project = dir.filePath(name);
    // A live session holds its lock; QLockFile takes a lock over only when its process is gone.
    QLockFile probe(lockPathOf(project));
    probe.setStaleLockTime(0);
    if (!probe.tryLock(0)) continue;
    probe.unlock();
    OrphanedAutosave orphan;
    orphan.project = project;
    orphan.saved = QFileInfo(project).lastModified();
    QFile info(infoPathOf(project));
    if (info.open(QIODevice::ReadOnly)) {
      for (const QString& line : QString::fromUtf8(info.readAll()).split(QLatin1Char('\n'))) {
        const auto tab = line.indexOf(QLatin1Char('\t'));
        if (tab < 0) continue;
        const QString key = line.left(tab), value = line.mid(tab + 1);
        if (key == QLatin1String("source")) orphan.source = value;
        if (key == QLatin1String("run")) orphan.run = value;
      }
    }
    out.push_back(orphan);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.saved > b.saved; });
  return out;
}

void Autosave::remove(const OrphanedAutosave& orphan) {
  QFile::remove(orphan.project);
  QFile::remove(infoPathOf(orphan.project));
  QFile::remove(lockPathOf(orphan.project));
}

void Autosave::saveNow() {
  if (!document_->hasLibrary() || !document_->hasUnsavedRuns()) return;
  if (!document_->decomposition() && !document_->referencePhases()) return;  // nothing beyond the file itself
  if (writing_) {
    again_ = true;
    return;
  }
  if (!lock_) {
    if (!QDir().mkpath(folder_)) {
      emit failed(tr("Autosave: cannot create %1").arg(folder_));
      return;
    }
    lock_ = std::make_unique<QLockFile>(lockPathOf(project_path_));
    lock_->setStaleLockTime(0);
    if (!lock_->tryLock(0)) {
      lock_.reset();
      emit failed(tr("Autosave: cannot lock %1").arg(lockPathOf(project_path_)));
      return;
    }
  }
  // A snapshot taken on the GUI thread: the document keeps changing while the file is written.
  auto project = std::make_shared<plugins::Project>();
  project->library = document_->library();
  project->phases = document_->referencePhases();
  project->decomposition = document_->decomposition();
  project->refinement = document_->refinement();
  project->keep_foreign_phases = document_->keepsForeignPhases();
  const auto& runs = document_->runs();
  const QString run = runs.empty() ? QString() : runs[static_cast<std::size_t>(document_->currentRun())].name;
  const QByteArray info = infoText(document_->fileName(), run);
  dirty_ = false;
  writing_ = true;
  writer_.setFuture(QtConcurrent::run([project, info, path = project_path_, info_path = info_path_]() -> QString {
    try {
      plugins::writeProject(*project, path.toStdString());
      QSaveFile sidecar(info_path);
      if (!sidecar.open(QIODevice::WriteOnly) || sidecar.write(info) != info.size() || !sidecar.commit())
        return QObject::tr("cannot write %1").arg(info_path);
      return {};
    } catch (const std::exception& e) {
      return QString::fromUtf8(e.what());
    }
  }));
}

void Autosave::writeFinished() {
  if (!writing_) return;
  writing_ = false;
  const QString error = writer_.future().resultCount() > 0 ? writer_.future().result() : tr("cancelled");
  if (error.isEmpty()) {
    emit saved(project_path_);
  } else {
    dirty_ = true;  // tried again by the periodic timer
    emit failed(tr("Autosave failed: %1").arg(error));
  }
  if (again_) {
    again_ = false;
    saveNow();
  }
}

void Autosave::waitForIdle() {
  while (writing_) {
    writer_.waitForFinished();
    writeFinished();
  }
}

void Autosave::removeOwnFiles() {
  QFile::remove(project_path_);
  QFile::remove(info_path_);
}

}  // namespace phasewise::gui
