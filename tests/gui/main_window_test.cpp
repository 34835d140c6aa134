// The desktop application driven without a display (QT_QPA_PLATFORM=offscreen): open the
// example or Al-Li-Fe, decompose, identify, refine, preview, undo, export, cancel; the item
// model checked by QAbstractItemModelTester; screenshots of the main views kept as artefacts.

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QTableView>
#include <QTableWidget>
#include <QTreeWidget>

#include <map>
#include <set>

#include "analysis_jobs.h"
#include "composition_map_view.h"
#include "decompose/sample_quantities.h"
#include "example/synthetic_library.h"
#include "format_hdf5/phase_library_file.h"
#include "gui_test_support.h"
#include "heat_map_view.h"
#include "job_controller.h"
#include "main_window.h"
#include "pattern_view.h"
#include "phase_maps_view.h"
#include "phase_sources/phase_sources.h"
#include "phase_table_model.h"
#include "phases_panel.h"
#include "project_document.h"
#include "reference_phases_dialog.h"
#include "small_cifs.h"
#include "test_support.h"

namespace phasewise::gui {
namespace {

QString readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// Library-guided decomposition from the GUI: the example's 12 reference phases (4 true, 8
// look-alike decoys with a 3.5 % larger lattice) fitted to every sample; the four true phases
// are found by name, the table shows the names and the fit's confidence, and the project
// keeps them.
TEST(MainWindowTest, DecomposesWithTheReferencePhases) {
  MainWindow window(registry());
  window.show();
  EXPECT_FALSE(window.decomposeWithReferences({})) << "no library, no reference phases";
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->referencePhases());
  ASSERT_TRUE(window.decomposeWithReferences({}));
  ASSERT_TRUE(settle(window)) << window.logText().toStdString();
  const auto& d = window.document()->decomposition();
  ASSERT_TRUE(d) << window.logText().toStdString();
  const core::SyntheticLibrary example = core::makeSyntheticLibrary(core::SyntheticLibrarySpec{});
  std::set<std::string> truth, found(d->phase_names.begin(), d->phase_names.end());
  for (const auto& phase : example.phases) truth.insert(phase.name);
  EXPECT_EQ(found, truth) << window.logText().toStdString();
  EXPECT_TRUE(window.logText().contains(QStringLiteral("Fitted the 12 reference phases: 4 found")))
      << window.logText().toStdString();
  PhaseTableModel model(window.document());
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  ASSERT_EQ(model.rowCount(), 4);
  for (int r = 0; r < 4; ++r) {
    const QString name = model.data(model.index(r, PhaseTableModel::Phase)).toString();
    EXPECT_TRUE(truth.count(name.section(QStringLiteral(": "), 1).toStdString())) << name.toStdString();
    EXPECT_NE(model.data(model.index(r, PhaseTableModel::FitConfidence)).toString(), QStringLiteral("-"));
    EXPECT_EQ(model.data(model.index(r, PhaseTableModel::MeanWeight)).toString(), QStringLiteral("-"))
        << "stick cards give no weight fractions";
  }
  ASSERT_TRUE(window.grab().save(artefact(QStringLiteral("gui-library-guided.png"))));
  MainWindow again(registry());
  reopenDecomposition(window, QStringLiteral("gui-library-guided.h5"), again);
  if (HasFatalFailure()) return;
  EXPECT_EQ(again.document()->decomposition()->phase_names, d->phase_names);
}

// Reference phases that explain nothing (one card whose peaks lie beyond the library's range):
// a message, and the earlier results stay; no empty run (the map's legend code indexed past
// the phases of an empty result).
TEST(MainWindowTest, ReferencePhasesThatExplainNothingLeaveTheResultsAlone) {
  MainWindow window(registry());
  window.show();
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.decompose(4));
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->decomposition());
  const std::size_t runs = window.document()->runs().size();
  core::PhaseLibrary far;
  core::ReferencePhase card;
  card.name = "far away";
  card.sticks = {{200.0, 100.0, std::nullopt}, {230.0, 50.0, std::nullopt}};
  far.phases = {card};
  window.document()->setReferencePhases(far, QStringLiteral("a card beyond the range"));
  ASSERT_TRUE(window.decomposeWithReferences({}));
  ASSERT_TRUE(settle(window)) << window.logText().toStdString();
  EXPECT_TRUE(window.logText().contains(QStringLiteral("None of the 1 reference phases explains any sample")))
      << window.logText().toStdString();
  EXPECT_EQ(window.document()->runs().size(), runs);
  ASSERT_TRUE(window.document()->decomposition());
  EXPECT_EQ(window.document()->decomposition()->phases, 4);
}

TEST(MainWindowTest, OpensTheExampleDecomposesSavesAndReopens) {
  MainWindow window(registry());
  window.show();
  ASSERT_TRUE(window.openExample());
  ASSERT_TRUE(settle(window));
  EXPECT_EQ(window.compositionMap()->pointCount(), 231);
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 1);  // the data alone
  ASSERT_TRUE(window.decompose(4));
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->decomposition()) << window.logText().toStdString();
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 7);  // data, model, four phases, residual
  window.document()->setSelectedSample(100);
  EXPECT_EQ(window.document()->selectedSample(), 100);
  PhaseTableModel model(window.document());
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  EXPECT_EQ(model.rowCount(), 4);
  int total = 0;
  for (int r = 0; r < 4; ++r) total += model.data(model.index(r, PhaseTableModel::Samples)).toInt();
  EXPECT_GE(total, 231);  // every sample holds at least one phase
  MainWindow again(registry());
  saveAndReopen(window, QStringLiteral("gui-example-project.h5"), again);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(again.document()->decomposition());
  EXPECT_EQ(again.document()->decomposition()->activations, window.document()->decomposition()->activations);
  EXPECT_TRUE(again.document()->referencePhases());  // the example's reference phases travel with the project
}

// The chemistry rule from the desktop app: a reference card holding an element the Fe-Co-Ni
// example lacks (a copy of a true phase's pattern, so that it would be fitted) is named when
// chosen, left out of the library-guided fit by default, kept once Analysis > Keep phases
// with elements the library lacks is on, and the rule is back when another library opens.
TEST(MainWindowTest, ExamplePipelineIdentifiesRefinesPreviewsUndoesAndExports) {
  MainWindow window(registry());
  window.resize(1500, 920);
  window.show();
  window.runExamplePipeline();  // open, decompose (K = 4), train, refine all
  ASSERT_TRUE(settle(window, 600000));
  const auto& refinement = window.document()->refinement();
  ASSERT_TRUE(refinement) << window.logText().toStdString();
  ASSERT_EQ(refinement->count(), 4U);
  for (char done : refinement->done) EXPECT_TRUE(done);
  // The phases panel: identities before and after in the table, a well-behaved model.
  PhaseTableModel* model = window.phasesPanel()->model();
  QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  for (int r = 0; r < 4; ++r)
    EXPECT_NE(model->data(model->index(r, PhaseTableModel::IdentityAfter)).toString(), QStringLiteral("-"));
  // The probability after a refinement is raised by the refinement itself: the header says which is calibrated.
  EXPECT_TRUE(model->headerData(PhaseTableModel::IdentityAfter, Qt::Horizontal, Qt::ToolTipRole)
                  .toString()
                  .contains(QStringLiteral("calibrated one is the one before")));
  // Identified as the example's true phases (not the decoys), at least for most candidates.
  int true_phases = 0;
  for (const auto& r : refinement->refined) {
    const std::string name = refinement->class_names[static_cast<std::size_t>(r.after.top[0])];
    true_phases += name.find("decoy") == std::string::npos && name.find("look-alike") == std::string::npos;
  }
  EXPECT_GE(true_phases, 3) << window.logText().toStdString();
  // Selecting a phase shows original, refined and the reference sticks; the cubic phases carry hkl.
  int labelled = 0;
  for (int p = 0; p < 4; ++p) {
    window.document()->setSelectedPhase(p);
    EXPECT_GE(window.phasesPanel()->plot()->graphCount(), 2);
    labelled += window.phasesPanel()->hklLabelCount() > 0;
  }
  EXPECT_GE(labelled, 1);
  // A live preview of one phase at another lambda is a run; a second preview replaces it.
  const std::size_t runs = window.document()->runs().size();
  window.document()->setSelectedPhase(1);
  window.phasesPanel()->setLambda(3.0);
  ASSERT_TRUE(window.refine(window.phasesPanel()->settings(), 1, true));
  ASSERT_TRUE(settle(window));
  EXPECT_EQ(window.document()->runs().size(), runs + 1);
  window.phasesPanel()->setLambda(0.3);
  ASSERT_TRUE(window.refine(window.phasesPanel()->settings(), 1, true));
  ASSERT_TRUE(settle(window));
  EXPECT_EQ(window.document()->runs().size(), runs + 1);
  EXPECT_NEAR(window.document()->refinement()->settings.lambda, 0.3, 0.05);
  // Undo goes back to the refinement of all phases; redo returns to the preview.
  window.document()->undoRun();
  EXPECT_NEAR(window.document()->refinement()->settings.lambda, window.phasesPanel()->settings().lambda, 10.0);
  EXPECT_TRUE(window.document()->canRedoRun());
  window.document()->redoRun();
  EXPECT_NEAR(window.document()->refinement()->settings.lambda, 0.3, 0.05);
  // Export: text with its provenance header, and HDF5 that reads back as a library.
  const QString csv = artefact(QStringLiteral("gui-refined.csv"));
  ASSERT_TRUE(window.exportRefined(csv));
  ASSERT_TRUE(settle(window));
  const QString text = readAll(csv);
  EXPECT_TRUE(text.contains(QStringLiteral("# Phasewise refined patterns"))) << text.left(300).toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("# refinement: lambda")));
  EXPECT_TRUE(text.contains(QStringLiteral("# refined_1: candidate=phase 1;"))) << text.left(600).toStdString();
  const QString h5 = artefact(QStringLiteral("gui-refined.h5"));
  ASSERT_TRUE(window.exportRefined(h5));
  ASSERT_TRUE(settle(window));
  const core::ReadResult back = registry().read(h5.toStdString());
  EXPECT_EQ(back.library.samples, 4U);
  EXPECT_EQ(back.library.sample_metadata.at("identity_after").size(), 4U);
  // Figures in every format, and the window itself, for looking at.
  for (const char* ext : {"png", "pdf", "svg"}) {
    const QString figure = artefact(QStringLiteral("gui-phase.") + QLatin1String(ext));
    ASSERT_TRUE(window.exportFigure(QStringLiteral("phase"), figure));
    EXPECT_GT(QFileInfo(figure).size(), 1000) << ext;
  }
  ASSERT_TRUE(window.exportFigure(QStringLiteral("map"), artefact(QStringLiteral("gui-map.png"))));
  window.document()->setSelectedSample(100);
  QApplication::processEvents();
  ASSERT_TRUE(window.grab().save(artefact(QStringLiteral("phasewise-main-window.png"))));
  // Library unmixing with the example's reference phases: every phase unmixed, the edit says
  // what was removed, and the run can be undone.
  ASSERT_TRUE(window.unmixPhases());
  ASSERT_TRUE(settle(window));
  const core::RefinementRecord& unmixed = *window.document()->refinement();
  EXPECT_EQ(unmixed.description.rfind("library unmixing with 12 reference phases", 0), 0U) << unmixed.description;
  for (std::size_t i = 0; i < unmixed.count(); ++i) {
    EXPECT_TRUE(unmixed.done[i]);
    EXPECT_TRUE(unmixed.refined[i].edit.applied);
    EXPECT_GE(unmixed.refined[i].edit.removed_fraction, 0.0);
    EXPECT_LT(unmixed.refined[i].edit.removed_fraction, 1.0);
  }
  EXPECT_TRUE(window.logText().contains(QStringLiteral("Unmixed all phases"))) << window.logText().toStdString();
  // The phase shown: the unmixed curve (no lambda in its name), what went shaded down to it.
  window.document()->setSelectedPhase(0);
  QApplication::processEvents();
  QCPGraph* unmixed_curve = nullptr;
  for (int g = 0; g < window.phasesPanel()->plot()->graphCount(); ++g)
    if (window.phasesPanel()->plot()->graph(g)->name() == QStringLiteral("unmixed"))
      unmixed_curve = window.phasesPanel()->plot()->graph(g);
  ASSERT_NE(unmixed_curve, nullptr);
  ASSERT_NE(unmixed_curve->channelFillGraph(), nullptr);
  EXPECT_TRUE(unmixed_curve->channelFillGraph()->name().endsWith(QStringLiteral(", original")));
  window.document()->undoRun();
  EXPECT_EQ(window.document()->refinement()->description.rfind("library unmixing", 0), std::string::npos);
  // The project keeps the refinement.
  MainWindow again(registry());
  saveAndReopen(window, QStringLiteral("gui-pipeline-project.h5"), again);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(again.document()->refinement());
  EXPECT_EQ(again.document()->refinement()->refined[1].pattern, window.document()->refinement()->refined[1].pattern);
  // The finer settings: amortised refinement of every phase with the entropy loss.
  core::RefinementSettings finer;
  finer.mode = core::RefinementMode::Amortised;
  finer.steps = 5;
  window.phasesPanel()->setFinerSettings(finer);
  core::RefinementSettings all = window.phasesPanel()->settings();
  all.loss = core::EvaluationLoss::Entropy;
  ASSERT_TRUE(window.refine(all, -1));
  ASSERT_TRUE(settle(window));
  EXPECT_NE(window.document()->refinement()->description.find("amortised"), std::string::npos)
      << window.document()->refinement()->description;
  // The projection (the settings dialog's "keep only what the target phase explains"): the
  // physical refiner takes the background away and says so.
  core::RefinementSettings projection;
  projection.refiner = core::RefinerKind::Physical;
  projection.steps = 5;
  projection.physical.restore = false;
  window.phasesPanel()->setFinerSettings(projection);
  ASSERT_TRUE(window.refine(window.phasesPanel()->settings(), 0));
  ASSERT_TRUE(settle(window));
  const core::RefinementRecord& projected = *window.document()->refinement();
  EXPECT_NE(projected.description.find("projection"), std::string::npos) << projected.description;
  EXPECT_TRUE(projected.refined[0].edit.applied);
}

TEST(MainWindowTest, CancellingKeepsThePreviousResult) {
  MainWindow window(registry());
  ASSERT_NO_FATAL_FAILURE(openExampleDecomposed(window));
  const std::vector<float> before = window.document()->decomposition()->activations;
  core::DecompositionSettings settings;
  settings.phases = 5;
  ASSERT_TRUE(window.decompose(settings));
  EXPECT_FALSE(window.decompose(settings)) << "one job at a time";
  window.jobs()->cancel();
  ASSERT_TRUE(settle(window));
  ASSERT_TRUE(window.document()->decomposition());
  EXPECT_EQ(window.document()->decomposition()->phases, 4);
  EXPECT_EQ(window.document()->decomposition()->activations, before);
  EXPECT_TRUE(window.logText().contains(QStringLiteral("cancelled")));
}

TEST(MainWindowTest, KeptPhasesSeedAndFreezeTheNextRun) {
  MainWindow window(registry());
  ASSERT_NO_FATAL_FAILURE(openExampleDecomposed(window));
  const core::DecompositionResult first = *window.document()->decomposition();
  // Check phases 2 and 4 in the table: they are kept for the next run.
  PhaseTableModel* model = window.phasesPanel()->model();
  ASSERT_TRUE(model->flags(model->index(1, PhaseTableModel::Phase)) & Qt::ItemIsUserCheckable);
  ASSERT_TRUE(model->setData(model->index(1, PhaseTableModel::Phase), Qt::Checked, Qt::CheckStateRole));
  ASSERT_TRUE(model->setData(model->index(3, PhaseTableModel::Phase), Qt::Checked, Qt::CheckStateRole));
  EXPECT_EQ(window.document()->keptPhases(), (std::vector<int>{1, 3}));
  core::DecompositionSettings settings;
  settings.phases = 4;
  ASSERT_TRUE(window.decompose(withKeptPhases(*window.document(), settings, true)));
  ASSERT_TRUE(settle(window));
  const core::DecompositionResult& second = *window.document()->decomposition();
  ASSERT_EQ(window.document()->runs().size(), 2U);
  EXPECT_TRUE(window.logText().contains(QStringLiteral("2 kept phase(s) frozen"))) << window.logText().toStdString();
  // The frozen phases come back first and unchanged (up to the log-Q round trip).
  const std::size_t m = first.axis.values.size();
  auto cosine = [&](const float* a, const float* b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t j = 0; j < m; ++j) {
      ab += a[j] * b[j];
      aa += a[j] * a[j];
      bb += b[j] * b[j];
    }
    return ab / std::sqrt(aa * bb);
  };
  EXPECT_GT(cosine(&first.bases[1 * m], &second.bases[0]), 0.99);
  EXPECT_GT(cosine(&first.bases[3 * m], &second.bases[m]), 0.99);
  EXPECT_TRUE(window.document()->keptPhases().empty()) << "a new run starts with nothing kept";
  window.document()->undoRun();  // compare with the first run
  EXPECT_EQ(window.document()->decomposition()->bases, first.bases);
}

TEST(MainWindowTest, BadFilesAreReportedNotFatal) {
  MainWindow window(registry());
  EXPECT_FALSE(window.openFile(QStringLiteral("/nonexistent/library.h5")));
  const QString bad = artefact(QStringLiteral("gui-bad.xy"));
  {
    QFile file(bad);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("10 1\n11 oops\n");
  }
  ASSERT_TRUE(window.openFile(bad));
  ASSERT_TRUE(settle(window));
  EXPECT_FALSE(window.document()->hasLibrary());
  EXPECT_TRUE(window.logText().contains(QStringLiteral("'oops' is not a number"))) << window.logText().toStdString();
  // Refining without a classifier explains itself instead of starting.
  EXPECT_FALSE(window.refine(core::RefinementSettings{}, -1));
  EXPECT_TRUE(window.logText().contains(QStringLiteral("classifier")));
}

TEST(MainWindowTest, MapColouringRubberBandWaterfallAndAxes) {
  MainWindow window(registry());
  window.show();
  ASSERT_NO_FATAL_FAILURE(openExampleDecomposed(window));
  CompositionMapView* map = window.compositionMap();
  // A true ternary plot: frame, grid every 0.2 for each element, the elements at the corners,
  // and the composition under the cursor.
  ASSERT_TRUE(map->ternary());
  EXPECT_EQ(map->plot()->itemCount(), 3 * (1 + 4 + 1) + 1);  // per element: edge, 4 grid lines, label; read-out
  EXPECT_TRUE(map->compositionAt(0.9, 0.6).isEmpty()) << "outside the triangle";
  const auto& lib = window.document()->library();
  const QPointF sample = map->position(17);
  const QString here = map->compositionAt(sample.x(), sample.y());
  EXPECT_TRUE(here.contains(QStringLiteral("nearest: sample 18"))) << here.toStdString();
  EXPECT_TRUE(here.contains(QString::fromStdString(lib.elements[0]) + QStringLiteral(" ") +
                            QString::number(lib.fraction(17, 0), 'f', 2)))
      << here.toStdString();
  map->setColouring(core::SampleQuantity::PhaseShare, 1);
  EXPECT_EQ(map->colouring(), core::SampleQuantity::PhaseShare);
  EXPECT_GT(map->plot()->graphCount(), 40);  // colour classes
  map->setColouring(core::SampleQuantity::Residual);
  map->setColouring(core::SampleQuantity::DominantPhase);
  EXPECT_EQ(map->plot()->graphCount(), 5);  // four phases and the selection
  // A drag over the whole triangle selects every sample: a waterfall of the first 60.
  map->selectInside(-1, -1, 2, 2);
  EXPECT_EQ(window.document()->selectedSamples().size(), 231U);
  window.patternView()->setWaterfall(true);
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 120);  // data and model for 60 samples
  window.patternView()->setWaterfall(false);
  EXPECT_EQ(window.patternView()->plot()->legend->elementCount(), 7) << "the waterfall's legend note is gone";
  // Axis units: Q data shown in 2-theta at the user's wavelength (said on the axis), and d.
  window.patternView()->setDisplayWavelength(1.540562);
  window.patternView()->setDisplayAxis(core::DisplayAxis::TwoThetaDegree);
  EXPECT_TRUE(window.patternView()->plot()->xAxis->label().contains(QStringLiteral("1.54056")));
  window.patternView()->setDisplayAxis(core::DisplayAxis::DSpacingAngstrom);
  EXPECT_TRUE(window.patternView()->plot()->xAxis->label().startsWith(QStringLiteral("d")));
  ASSERT_TRUE(window.exportFigure(QStringLiteral("patterns"), artefact(QStringLiteral("gui-patterns-d.png"))));
}

TEST(MainWindowTest, HeatMapOrdersRowsMarksPhaseBoundariesAndSelects) {
  MainWindow window(registry());
  window.resize(1500, 920);
  window.show();
  ASSERT_NO_FATAL_FAILURE(openExampleDecomposed(window));
  HeatMapView* heat = window.heatMap();
  // Built when its tab is in view (hidden tabs wait): the user opens it.
  window.findChild<QDockWidget*>(QStringLiteral("heat-map"))->raise();  // the user opens its tab
  QApplication::processEvents();
  ASSERT_EQ(heat->rows().size(), 231U);
  EXPECT_EQ(heat->columns(), static_cast<int>(window.document()->library().points()));
  // By dominant phase: rows grouped, one boundary between consecutive groups.
  heat->setOrder(HeatMapView::Order::DominantPhase);
  const auto dominant = core::sampleQuantity(window.document()->library(), &*window.document()->decomposition(),
                                             core::SampleQuantity::DominantPhase);
  std::set<double> groups(dominant.begin(), dominant.end());
  EXPECT_EQ(heat->boundaries().size(), groups.size() - 1);
  for (std::size_t r = 1; r < heat->rows().size(); ++r)
    EXPECT_LE(dominant[static_cast<std::size_t>(heat->rows()[r - 1])],
              dominant[static_cast<std::size_t>(heat->rows()[r])]);
  // A click on a row selects its sample everywhere.
  heat->selectRowAt(100.2);
  EXPECT_EQ(window.document()->selectedSample(), heat->rows()[100]);
  // The map's selection becomes the row order (a path through the composition space).
  heat->setOrder(HeatMapView::Order::Selection);
  window.document()->setSelectedSamples({5, 3, 200, 42});
  EXPECT_EQ(heat->rows(), (std::vector<int>{5, 3, 200, 42}));
  heat->setOrder(HeatMapView::Order::DominantPhase);
  ASSERT_TRUE(window.exportFigure(QStringLiteral("heat"), artefact(QStringLiteral("gui-heat-map.png"))));
  // One small map per phase; a click on the third selects phase 3 and the nearest sample.
  window.findChild<QDockWidget*>(QStringLiteral("phase-maps"))->raise();
  QApplication::processEvents();
  PhaseMapsView* maps = window.phaseMaps();
  ASSERT_EQ(maps->mapCount(), 4);
  maps->plot()->replot(QCustomPlot::rpImmediateRefresh);  // lays the maps out
  auto* third = maps->plot()->axisRects().at(2);
  maps->clickAt(third->rect().center());
  EXPECT_EQ(window.document()->selectedPhase(), 2);
  ASSERT_TRUE(window.exportFigure(QStringLiteral("phase-maps"), artefact(QStringLiteral("gui-phase-maps.png"))));
}

TEST(ReferencePhasesDialogTest, ReadsACifFolderFiltersByElementsAndKeepsThePhasesInTheProject) {
  const auto dir = test::freshTempDir();
  test::writeSmallCifFolder(dir);  // copper, iron, rutile, a broken CIF, a note
  MainWindow window(registry());
  window.show();
  ASSERT_TRUE(window.openExample());  // Fe-Co-Ni
  ASSERT_TRUE(settle(window));
  ReferencePhasesDialog* dialog = window.showReferencePhasesDialog();
  dialog->addSources({QString::fromStdString(dir.string()), QStringLiteral("/nonexistent/cifs")});
  ASSERT_TRUE(dialog->waitUntilRead(60000));
  EXPECT_EQ(dialog->phaseCount(), 3);
  EXPECT_EQ(dialog->failureCount(), 2);  // broken.cif, and the folder that is not there
  ASSERT_EQ(dialog->failureList()->topLevelItemCount(), 2);
  EXPECT_EQ(dialog->chosenCount(), 1);  // iron: copper and rutile are outside Fe-Co-Ni (+ light non-metals)
  QTableWidget* table = dialog->phaseTable();
  ASSERT_EQ(table->rowCount(), 3);
  EXPECT_EQ(table->item(0, 1)->text(), QStringLiteral("Cu"));
  EXPECT_TRUE(table->item(0, 4)->text().contains(QStringLiteral("Cu"))) << table->item(0, 4)->text().toStdString();
  EXPECT_TRUE(table->item(2, 2)->text().contains(QStringLiteral("136"))) << table->item(2, 2)->text().toStdString();
  EXPECT_TRUE(table->item(2, 3)->text().contains(QStringLiteral("4.5937"))) << table->item(2, 3)->text().toStdString();
  dialog->setIncludeOtherElements(true);
  EXPECT_EQ(dialog->chosenCount(), 3);
  table->item(0, 0)->setCheckState(Qt::Unchecked);  // the user leaves copper out by hand...
  dialog->setAlsoAllowedElements(QStringLiteral("O N"));
  EXPECT_EQ(dialog->chosenCount(), 2);  // ...and it stays out when the filter changes
  ASSERT_TRUE(dialog->grab().save(artefact(QStringLiteral("gui-reference-phases.png"))));
  dialog->accept();
  QApplication::processEvents();
  ASSERT_TRUE(window.document()->referencePhases());
  ASSERT_EQ(window.document()->referencePhases()->size(), 2U);
  EXPECT_TRUE(window.document()->hasUnsavedRuns()) << "the choice is not in a file yet";
  EXPECT_EQ(window.document()->referencePhases()->phases[0].formula, "Fe");
  EXPECT_EQ(window.document()->referencePhases()->phases[1].formula, "Ti O2");
  // Kept in the project.
  MainWindow again(registry());
  saveAndReopen(window, QStringLiteral("reference-phases-project.h5"), again);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(again.document()->referencePhases()) << again.logText().toStdString();
  EXPECT_EQ(again.document()->referencePhases()->size(), 2U);
  // File > Open on a phase library (decided by its content) loads reference phases, not samples.
  core::PhaseLibrary one;
  one.phases.push_back(again.document()->referencePhases()->phases[0]);
  const QString phases_file = artefact(QStringLiteral("one-phase.h5"));
  plugins::writePhaseLibraryFile(one, phases_file.toStdString());
  ASSERT_TRUE(again.openFile(phases_file));
  ASSERT_TRUE(settle(again));
  EXPECT_EQ(again.document()->library().samples, 231U) << again.logText().toStdString();
  ASSERT_TRUE(again.document()->referencePhases());
  EXPECT_EQ(again.document()->referencePhases()->size(), 1U);
}

TEST(ReferencePhasesDialogTest, CancellingAReadKeepsWhatWasReadBefore) {
  const auto small = test::freshTempDir() / "small";
  std::filesystem::create_directories(small);
  test::writeSmallCifFolder(small);
  const auto many = small.parent_path() / "many";
  std::filesystem::create_directories(many);
  for (int i = 0; i < 400; ++i)
    std::filesystem::copy_file(small / "rutile.cif", many / ("rutile-" + std::to_string(i) + ".cif"));
  ReferencePhasesDialog dialog({"Ti"});
  dialog.addSources({QString::fromStdString(small.string())});
  ASSERT_TRUE(dialog.waitUntilRead(60000));
  ASSERT_EQ(dialog.phaseCount(), 3);
  dialog.addSources({QString::fromStdString(many.string())});
  dialog.cancelReading();
  ASSERT_TRUE(dialog.waitUntilRead(60000));
  EXPECT_EQ(dialog.phaseCount(), 3);    // nothing of the cancelled folder, nothing lost
  EXPECT_EQ(dialog.failureCount(), 2);  // broken.cif, and the cancelled folder
  EXPECT_EQ(dialog.chosenCount(), 1);   // rutile: Ti with O
}

TEST(MainWindowRealDataTest, ReferencePhasesFromTheSharedCifs) {
  PHASEWISE_REQUIRE_DATA("cif");
  ReferencePhasesDialog dialog({"Fe", "Co", "Ni"});
  dialog.addSources({QString::fromStdString((test::sharedDataDir() / "cif").string())});
  ASSERT_TRUE(dialog.waitUntilRead(120000));
  EXPECT_EQ(dialog.phaseCount(), 45);
  EXPECT_EQ(dialog.failureCount(), 0);
  // Co, CoFe, CoFe2O4, CoO, alpha-Fe, gamma-Fe, Fe2O3, FeO, Ni, NiFe2O4, NiO (MANIFEST.tsv).
  EXPECT_EQ(dialog.chosenCount(), 11);
}

// A library of one measured pattern with reference phases: the single-pattern analysis (every
// phase with its weight fraction, what is left unexplained), shown as a one-sample
// decomposition. ZnO 40 wt % + In2O3 60 wt % (the file name), both among the 45 CIFs.
TEST(MainWindowRealDataTest, EveryPhaseInOneMeasuredPattern) {
  PHASEWISE_REQUIRE_DATA("dara-powder/precursor_mixture");
  PHASEWISE_REQUIRE_DATA("cif");
  MainWindow window(registry());
  window.show();
  const auto scan = test::sharedDataDir() / "dara-powder/precursor_mixture/ZnO_0p4006-In2O3_0p6008--8min.xrdml";
  ASSERT_TRUE(window.openFile(QString::fromStdString(scan.string())));
  ASSERT_TRUE(settle(window));
  ASSERT_EQ(window.document()->library().samples, 1U);
  window.document()->setReferencePhases(plugins::collectPhases({test::sharedDataDir() / "cif"}, {}).library,
                                        QStringLiteral("the 45 shared CIFs"));
  LibraryGuidedSettings settings;
  settings.fit.max_strain = 0.01;
  settings.radiation = "Cu";  // the scan's K-alpha doublet is not stripped
  ASSERT_TRUE(window.decomposeWithReferences(settings));
  ASSERT_TRUE(settle(window)) << window.logText().toStdString();
  const auto& d = window.document()->decomposition();
  ASSERT_TRUE(d) << window.logText().toStdString();
  ASSERT_EQ(d->samples, 1U);
  ASSERT_EQ(d->weight_fractions.size(), static_cast<std::size_t>(d->phases));
  std::map<std::string, float> weight;
  for (int p = 0; p < d->phases; ++p) weight[d->phase_names[static_cast<std::size_t>(p)]] = d->weight_fractions[p];
  EXPECT_NEAR(weight["cod_In2O3"], 0.60, 0.05) << window.logText().toStdString();
  EXPECT_NEAR(weight["Zincite"], 0.40, 0.05) << window.logText().toStdString();
  EXPECT_TRUE(window.logText().contains(QStringLiteral("of the diffracted intensity unexplained")));
  EXPECT_TRUE(window.logText().contains(QStringLiteral("of its peaks' intensity found")));
  ASSERT_FALSE(d->unexplained_q_nm.empty());
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 4 + d->phases)
      << "data, model, each phase, residual, the unexplained peaks";
  ASSERT_TRUE(window.grab().save(artefact(QStringLiteral("gui-one-pattern.png"))));
  MainWindow again(registry());
  reopenDecomposition(window, QStringLiteral("gui-one-pattern.h5"), again);
  if (HasFatalFailure()) return;
  EXPECT_EQ(again.document()->decomposition()->unexplained_q_nm, d->unexplained_q_nm);
  EXPECT_EQ(again.document()->decomposition()->weight_fractions, d->weight_fractions);
  ASSERT_EQ(d->support.size(), static_cast<std::size_t>(d->phases));
  EXPECT_EQ(again.document()->decomposition()->support, d->support);
  ASSERT_EQ(d->chance.size(), static_cast<std::size_t>(d->phases));
  EXPECT_EQ(again.document()->decomposition()->chance, d->chance);
  for (float c : d->chance) EXPECT_LE(c, 0.02F) << "a phase found passed the chance test";
  // The sample's elements as the chemist gives them: with Zn and O only, In2O3 is not tried, so
  // ZnO alone is found and the log says how many phases the elements left out.
  settings.elements = {"Zn", "O"};
  ASSERT_TRUE(window.decomposeWithReferences(settings));
  ASSERT_TRUE(settle(window)) << window.logText().toStdString();
  const auto& zinc_only = window.document()->decomposition();
  ASSERT_TRUE(zinc_only);
  ASSERT_EQ(zinc_only->phases, 1) << window.logText().toStdString();
  EXPECT_EQ(zinc_only->phase_names[0], "Zincite");
  EXPECT_TRUE(window.logText().contains(QStringLiteral("reference phases left out by the sample's elements")));
}

TEST(MainWindowRealDataTest, AlLiFeDecomposesIntoSixPhases) {
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe");
  MainWindow window(registry());
  window.show();
  ASSERT_TRUE(window.openFile(QString::fromStdString((test::sharedDataDir() / "drnets/Al-Li-Fe").string())));
  ASSERT_TRUE(settle(window));
  ASSERT_EQ(window.document()->library().samples, 231U) << window.logText().toStdString();
  ASSERT_TRUE(window.decompose(6));
  ASSERT_TRUE(settle(window, 600000));
  ASSERT_TRUE(window.document()->decomposition()) << window.logText().toStdString();
  EXPECT_EQ(window.document()->decomposition()->phases, 6);
  window.document()->setSelectedSample(42);
  window.document()->setSelectedPhase(2);
  EXPECT_EQ(window.phasesPanel()->table()->currentIndex().row(), 2);
  EXPECT_EQ(window.patternView()->plot()->graphCount(), 9);  // data, model, six phases, residual
  ASSERT_TRUE(window.grab().save(artefact(QStringLiteral("phasewise-al-li-fe.png"))));
}

}  // namespace
}  // namespace phasewise::gui
