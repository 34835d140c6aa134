// Nothing lost on a crash: runs and chosen reference phases are autosaved until the project
// is saved, closing with unsaved runs asks first, and a session killed with SIGKILL is
// recovered by the next start (a real `phasewise --example` process).

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QThread>
#include <QTimer>

#include "autosave.h"
#include "format_hdf5/project_file.h"
#include "gui_test_support.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {

// A fresh, empty folder for autosaves under the build tree.
QString emptyFolder(const QString& name) {
  QDir dir(artefact(name));
  dir.removeRecursively();
  QDir().mkpath(dir.path());
  return dir.path();
}

// Lets the window's debounced, background autosave happen; false if none is written in 30 s.
bool waitForAutosave(MainWindow& window) {
  QElapsedTimer timer;
  timer.start();
  while (!QFile::exists(window.autosave()->projectPath()) && timer.elapsed() < 30000) {
    QApplication::processEvents();
    window.autosave()->waitForIdle();
    QThread::msleep(20);
  }
  return QFile::exists(window.autosave()->projectPath());
}

// Answers the next modal dialog (the unsaved-runs question) with `button` once it is shown.
void answerNextDialog(QMessageBox::StandardButton button) {
  QTimer::singleShot(50, [button] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (box && box->button(button)) box->button(button)->click();
  });
}

TEST(AutosaveTest, RunsAreAutosavedUntilTheProjectIsSaved) {
  qputenv("PHASEWISE_AUTOSAVE_DIR", emptyFolder(QStringLiteral("autosave-runs")).toUtf8());
  MainWindow window(registry());
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  EXPECT_FALSE(window.document()->hasUnsavedRuns());
  ASSERT_TRUE(window.decompose(4));
  ASSERT_TRUE(settle(window));
  EXPECT_TRUE(window.document()->hasUnsavedRuns());
  EXPECT_TRUE(window.isWindowModified());
  // The autosave follows the run (debounced, written in the background).
  ASSERT_TRUE(waitForAutosave(window)) << window.logText().toStdString();
  EXPECT_TRUE(window.recoverableAutosaves().empty()) << "a live session's autosave is not an orphan";
  // Saving the project leaves nothing to recover.
  ASSERT_TRUE(window.saveProject(artefact(QStringLiteral("gui-autosave-saved.h5"))));
  ASSERT_TRUE(settle(window));
  EXPECT_FALSE(window.document()->hasUnsavedRuns());
  EXPECT_FALSE(QFile::exists(window.autosave()->projectPath()));
}

// Reference phases chosen before any run are work too: autosaved, and recovered by the next
// session (they were lost: the autosave followed runs only).
TEST(AutosaveTest, ChosenReferencePhasesAreAutosavedBeforeAnyRun) {
  qputenv("PHASEWISE_AUTOSAVE_DIR", emptyFolder(QStringLiteral("autosave-phases")).toUtf8());
  MainWindow window(registry());
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  ASSERT_FALSE(window.document()->decomposition());
  core::PhaseLibrary chosen = *window.document()->referencePhases();
  chosen.phases.resize(3);
  // What File > Reference phases... does on OK.
  window.document()->setReferencePhases(chosen, QStringLiteral("3 chosen"));
  window.document()->markUnsaved();
  ASSERT_TRUE(waitForAutosave(window)) << window.logText().toStdString();
  const plugins::Project saved = plugins::readProject(window.autosave()->projectPath().toStdString());
  ASSERT_TRUE(saved.phases);
  EXPECT_EQ(saved.phases->size(), 3U);
}

TEST(AutosaveTest, ClosingWithUnsavedRunsAsksFirst) {
  qputenv("PHASEWISE_AUTOSAVE_DIR", emptyFolder(QStringLiteral("autosave-close")).toUtf8());
  MainWindow window(registry());
  window.show();
  ASSERT_NO_FATAL_FAILURE(openExampleDecomposed(window));
  answerNextDialog(QMessageBox::Cancel);
  EXPECT_FALSE(window.close()) << "Cancel keeps the window and its runs";
  EXPECT_TRUE(window.isVisible());
  answerNextDialog(QMessageBox::Cancel);
  EXPECT_FALSE(window.openExample()) << "opening another file asks too";
  EXPECT_TRUE(window.document()->decomposition());
  answerNextDialog(QMessageBox::Discard);
  EXPECT_TRUE(window.close());
}

// kill -9 during a session, start again, recover the last run: a real `phasewise --example`
// process is killed once its first run is autosaved.
TEST(AutosaveTest, AKilledSessionIsRecoveredOnTheNextStart) {
  const QString folder = emptyFolder(QStringLiteral("autosave-kill"));
  QProcess session;
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  environment.insert(QStringLiteral("PHASEWISE_AUTOSAVE_DIR"), folder);
  session.setProcessEnvironment(environment);
  session.setProcessChannelMode(QProcess::MergedChannels);
  session.start(QStringLiteral(PHASEWISE_GUI_BINARY), {QStringLiteral("--example")});
  ASSERT_TRUE(session.waitForStarted(30000));
  // The sidecar is written after the project: both there means the autosave is complete.
  QElapsedTimer timer;
  timer.start();
  auto written = [&] {
    return !QDir(folder).entryList({QStringLiteral("autosave-*.txt")}).isEmpty() &&
           !QDir(folder).entryList({QStringLiteral("autosave-*.h5")}).isEmpty();
  };
  while (!written() && timer.elapsed() < 300000 && session.state() == QProcess::Running) QThread::msleep(50);
  ASSERT_TRUE(written()) << session.readAll().toStdString();
  session.kill();  // SIGKILL: no clean-up code runs
  ASSERT_TRUE(session.waitForFinished(30000));

  qputenv("PHASEWISE_AUTOSAVE_DIR", folder.toUtf8());
  MainWindow window(registry());
  const std::vector<OrphanedAutosave> orphans = window.recoverableAutosaves();
  ASSERT_EQ(orphans.size(), 1U);
  EXPECT_EQ(orphans.front().source, QStringLiteral("built-in example"));
  EXPECT_TRUE(orphans.front().run.startsWith(QStringLiteral("decomposition"))) << orphans.front().run.toStdString();
  ASSERT_TRUE(window.recoverAutosave(orphans.front()));
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->decomposition()) << window.logText().toStdString();
  EXPECT_EQ(window.document()->decomposition()->phases, 4);
  EXPECT_EQ(window.document()->library().samples, 231U);
  EXPECT_TRUE(window.document()->referencePhases());
  EXPECT_TRUE(window.document()->hasUnsavedRuns()) << "recovered work is not in a file the user chose";
  EXPECT_TRUE(window.logText().contains(QStringLiteral("Recovered"))) << window.logText().toStdString();
  EXPECT_TRUE(window.recoverableAutosaves().empty()) << "the recovered autosave is gone";
  EXPECT_FALSE(QFile::exists(orphans.front().project));
}

}  // namespace
}  // namespace phasewise::gui
