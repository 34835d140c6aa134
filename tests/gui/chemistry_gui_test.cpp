// The chemistry rule in the desktop app: reference phases holding an element the library lacks
// are left out of the library-guided fit unless Analysis > Keep phases with elements the
// library lacks says otherwise; the project keeps the setting.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gui_test_support.h"
#include "main_window.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {

TEST(MainWindowTest, ForeignReferencePhasesAreLeftOutUnlessKept) {
  MainWindow window(registry());
  window.show();
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->referencePhases());
  ASSERT_FALSE(window.document()->keepsForeignPhases());
  ASSERT_FALSE(window.keepForeignAction()->isChecked());
  core::PhaseLibrary phases = *window.document()->referencePhases();
  core::ReferencePhase substrate = phases.phases.front();
  substrate.name = "platinum copy";
  substrate.composition = {{"Pt", 1.0}};
  phases.phases.push_back(substrate);
  window.document()->setReferencePhases(phases, QStringLiteral("the example and a Pt card"));
  EXPECT_TRUE(window.logText().contains(QStringLiteral("1 of the reference phases hold elements the library lacks")))
      << window.logText().toStdString();
  EXPECT_TRUE(window.logText().contains(QStringLiteral("platinum copy")));
  const auto fitted = [&window]() -> std::set<std::string> {
    if (!window.decomposeWithReferences({}) || !settle(window) || !window.document()->decomposition()) return {};
    const auto& names = window.document()->decomposition()->phase_names;
    return {names.begin(), names.end()};
  };
  const std::set<std::string> ruled = fitted();
  ASSERT_FALSE(ruled.empty()) << window.logText().toStdString();
  EXPECT_EQ(ruled.count("platinum copy"), 0U);
  EXPECT_TRUE(window.logText().contains(QStringLiteral("1 left out for elements the library does not hold")))
      << window.logText().toStdString();
  window.keepForeignAction()->trigger();
  EXPECT_TRUE(window.document()->keepsForeignPhases());
  EXPECT_TRUE(window.logText().contains(QStringLiteral("kept from now on")));
  const std::set<std::string> kept = fitted();
  ASSERT_FALSE(kept.empty()) << window.logText().toStdString();
  // The card and the phase it copies are twins: the fit may take either, but no longer leaves one out.
  EXPECT_EQ(window.logText().count(QStringLiteral("left out for elements")), 1) << window.logText().toStdString();
  // The project keeps the setting.
  MainWindow again(registry());
  saveAndReopen(window, QStringLiteral("gui-keep-foreign-project.h5"), again);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(again.document()->keepsForeignPhases());
  EXPECT_TRUE(again.keepForeignAction()->isChecked());
  EXPECT_FALSE(again.document()->hasUnsavedRuns());
  // Another library (set directly: opening one would first ask about the unsaved runs).
  window.document()->setLibrary(window.document()->library(), QStringLiteral("another library"));
  EXPECT_FALSE(window.document()->keepsForeignPhases());
  EXPECT_FALSE(window.keepForeignAction()->isChecked());
}

}  // namespace
}  // namespace phasewise::gui
