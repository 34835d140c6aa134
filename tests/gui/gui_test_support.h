#pragma once
// What the desktop application's tests share: the format registry, where artefacts go, and
// the steps many tests take (run the window's jobs to the end, open the example decomposed,
// save and reopen a project).

#include <gtest/gtest.h>

#include <QString>

#include "builtin_formats.h"
#include "io/registry.h"
#include "main_window.h"
#include "project_document.h"

namespace phasewise::gui {

inline core::FormatRegistry& registry() {
  static core::FormatRegistry* r = [] {
    auto* made = new core::FormatRegistry();
    plugins::registerBuiltinFormats(*made);
    return made;
  }();
  return *r;
}

inline QString artefact(const QString& name) {
  return QStringLiteral(PHASEWISE_GUI_ARTEFACTS) + QLatin1Char('/') + name;
}

// Runs the window's jobs (and any chained pipeline) to the end.
inline bool settle(MainWindow& window, int milliseconds = 300000) { return window.waitUntilIdle(milliseconds); }

// The built-in example, decomposed into its four phases.
inline void openExampleDecomposed(MainWindow& window) {
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.decompose(4));
  ASSERT_TRUE(settle(window)) << window.logText().toStdString();
  ASSERT_TRUE(window.document()->decomposition()) << window.logText().toStdString();
}

// Saves the window's project as the artefact `name` and opens that file in `again`.
inline void saveAndReopen(MainWindow& window, const QString& name, MainWindow& again) {
  const QString project = artefact(name);
  ASSERT_TRUE(window.saveProject(project));
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(again.openFile(project));
  ASSERT_TRUE(settle(again));
}

// The same, for a window with a decomposition: the reopened one has it too.
inline void reopenDecomposition(MainWindow& window, const QString& name, MainWindow& again) {
  ASSERT_TRUE(window.document()->decomposition());
  saveAndReopen(window, name, again);
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_TRUE(again.document()->decomposition());
}

}  // namespace phasewise::gui
