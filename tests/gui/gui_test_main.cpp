// The desktop application's tests run without a display (Qt's offscreen platform).

#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  // No display is needed: Qt's offscreen platform renders into memory.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("PhasewiseTests"));
  QStandardPaths::setTestModeEnabled(true);  // settings go to a test location, not the user's
  // Autosaves too (tests that look at them set their own folder).
  qputenv("PHASEWISE_AUTOSAVE_DIR", (QStringLiteral(PHASEWISE_GUI_ARTEFACTS) + QStringLiteral("/autosave")).toUtf8());
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
