// The desktop application driven without a display: open the example, decompose in the
// background with progress, see the map and the patterns, cancel, and take a screenshot.

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "builtin_formats.h"
#include "composition_map_view.h"
#include "decompose_controller.h"
#include "io/registry.h"
#include "main_window.h"
#include "pattern_view.h"
#include "phase_table_model.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {

core::FormatRegistry& registry() {
  static core::FormatRegistry* r = [] {
    auto* made = new core::FormatRegistry();
    plugins::registerBuiltinFormats(*made);
    return made;
  }();
  return *r;
}

bool waitUntilIdle(DecomposeController* controller, int milliseconds) {
  QElapsedTimer timer;
  timer.start();
  while (controller->running() && timer.elapsed() < milliseconds) QTest::qWait(20);
  QTest::qWait(50);  // let the finished signal be delivered
  return !controller->running();
}

TEST(MainWindowTest, OpensTheExampleDecomposesAndShowsTheResult) {
  MainWindow window(registry());
  window.show();
  window.openExample();
  EXPECT_EQ(window.compositionMap()->pointCount(), 231);
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 1);  // the data alone
  QSignalSpy finished(window.decomposeController(), &DecomposeController::finished);
  window.decompose(4);
  ASSERT_TRUE(waitUntilIdle(window.decomposeController(), 60000));
  ASSERT_EQ(finished.count(), 1);
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
  ASSERT_TRUE(window.document()->decomposition());
  // data, model, four phases, residual
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 7);
  window.document()->setSelectedSample(100);
  EXPECT_EQ(window.document()->selectedSample(), 100);
  // The phase table follows the document and is a well-behaved model.
  PhaseTableModel model(window.document());
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  EXPECT_EQ(model.rowCount(), 4);
  int total = 0;
  for (int r = 0; r < 4; ++r) total += model.data(model.index(r, 1)).toInt();
  EXPECT_GE(total, 231);  // every sample holds at least one phase
  // Saved and reopened, the project brings its decomposition back.
  const QString project = QStringLiteral(PHASEWISE_GUI_SCREENSHOT) + QStringLiteral(".h5");
  ASSERT_TRUE(window.saveProject(project));
  MainWindow again(registry());
  ASSERT_TRUE(again.openFile(project));
  ASSERT_TRUE(again.document()->decomposition());
  EXPECT_EQ(again.document()->decomposition()->activations, window.document()->decomposition()->activations);
  const QString shot = QStringLiteral(PHASEWISE_GUI_SCREENSHOT);
  ASSERT_TRUE(window.grab().save(shot));
  EXPECT_GT(QFileInfo(shot).size(), 10000);
}

TEST(MainWindowTest, CancellingKeepsThePreviousResult) {
  MainWindow window(registry());
  window.openExample();
  QSignalSpy finished(window.decomposeController(), &DecomposeController::finished);
  core::DecompositionSettings settings;
  settings.phases = 4;
  window.decomposeController()->start(settings);
  window.decomposeController()->cancel();
  ASSERT_TRUE(waitUntilIdle(window.decomposeController(), 60000));
  ASSERT_EQ(finished.count(), 1);
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_FALSE(window.document()->decomposition());
}

TEST(MainWindowTest, ABadFileIsReportedNotFatal) {
  MainWindow window(registry());
  EXPECT_FALSE(window.openFile(QStringLiteral("/nonexistent/library.h5")));
  EXPECT_FALSE(window.document()->hasLibrary());
}

}  // namespace
}  // namespace phasewise::gui

int main(int argc, char** argv) {
  // No display is needed: Qt's offscreen platform renders into memory.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
