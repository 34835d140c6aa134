#include "gui_bench.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "composition_map_view.h"
#include "example/synthetic_library.h"
#include "format_hdf5/hdf5_format.h"
#include "heat_map_view.h"
#include "io/registry.h"
#include "main_window.h"
#include "pattern_view.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Row {
  QString name;
  double open_ms = 0, map_ms = 0, pattern_ms = 0, heat_ms = 0, blocked_ms = 0;
  std::size_t samples = 0, points = 0;
};

// Opens `path` (or, empty, a generated library written to a temporary file), then measures.
Row measure(const core::FormatRegistry& registry, const QString& name, const QString& path) {
  Row row;
  row.name = name;
  MainWindow window(registry);
  window.resize(1400, 860);
  window.show();
  QApplication::processEvents();
  QElapsedTimer timer;
  timer.start();
  window.openFile(path);
  window.jobs()->waitForFinished(600000);
  window.grab();  // the first complete paint of the window with the library in it
  row.open_ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  row.samples = window.document()->library().samples;
  row.points = window.document()->library().points();
  std::vector<double> map, pattern, heat;
  auto* map_dock = window.findChild<QDockWidget*>(QStringLiteral("composition-map"));
  auto* heat_dock = window.findChild<QDockWidget*>(QStringLiteral("heat-map"));
  for (int i = 0; i < 15; ++i) {
    window.document()->setSelectedSample(static_cast<int>((i * 7919) % std::max<std::size_t>(row.samples, 1)));
    map_dock->raise();  // the map and the heat map share a place: each measured in view
    QApplication::processEvents();
    timer.restart();
    window.compositionMap()->replotNow();
    map.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    timer.restart();
    window.patternView()->plot()->replot(QCustomPlot::rpImmediateRefresh);
    pattern.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    heat_dock->raise();  // built on first view (not timed), then only redrawn
    QApplication::processEvents();
    timer.restart();
    window.heatMap()->replotNow();
    heat.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
  }
  row.heat_ms = median(heat);
  map_dock->raise();
  row.map_ms = median(map);
  row.pattern_ms = median(pattern);
  // Let the redraws queued above drain first, so that what follows measures the decomposition.
  QElapsedTimer drain;
  drain.start();
  while (drain.elapsed() < 300) QApplication::processEvents(QEventLoop::AllEvents, 50);
  // The event loop while a decomposition runs: a 5 ms timer records the longest gap, from the
  // start of the job to its result shown.
  double longest = 0;
  QElapsedTimer gap;
  gap.start();
  QTimer tick;
  QObject::connect(&tick, &QTimer::timeout, [&] {
    longest = std::max(longest, static_cast<double>(gap.nsecsElapsed()) / 1e6);
    gap.restart();
  });
  tick.start(5);
  core::DecompositionSettings settings;
  settings.phases = 6;
  settings.max_iterations = 15;  // long enough to watch, short enough for a benchmark
  window.decompose(settings);
  window.jobs()->waitForFinished(600000);
  tick.stop();
  row.blocked_ms = longest;
  return row;
}
}  // namespace

int runGuiBenchmark(const core::FormatRegistry& registry, const QString& bi_cu_v_folder) {
  std::vector<Row> rows;
  if (!bi_cu_v_folder.isEmpty() && QFileInfo(bi_cu_v_folder).isDir())
    rows.push_back(measure(registry, QStringLiteral("Bi-Cu-V-307"), bi_cu_v_folder));
  else
    std::printf("Bi-Cu-V-307 not found (%s): skipped\n", bi_cu_v_folder.toLocal8Bit().constData());
  // A generated 10,000-sample library, written as a Phasewise file so the open is a real read.
  core::SyntheticLibrarySpec spec;
  spec.samples = 10000;
  spec.points = 1000;
  spec.phases = 8;
  const QString big = QDir::temp().filePath(QStringLiteral("phasewise-bench-10000.h5"));
  registry.writerFor(big.toStdString()).write(core::makeSyntheticLibrary(spec).library, big.toStdString());
  rows.push_back(measure(registry, QStringLiteral("generated 10,000 x 1,000"), big));
  // The heat map's size target: 5,000 samples x 4,000 points.
  spec.samples = 5000;
  spec.points = 4000;
  registry.writerFor(big.toStdString()).write(core::makeSyntheticLibrary(spec).library, big.toStdString());
  rows.push_back(measure(registry, QStringLiteral("generated 5,000 x 4,000"), big));
  QFile::remove(big);
  std::printf("\n%-26s %8s %7s %14s %13s %15s %12s %22s\n", "library", "samples", "points", "open+paint ms",
              "map redraw ms", "pattern redraw ms", "heat map ms", "longest loop block ms");
  for (const Row& r : rows)
    std::printf("%-26s %8zu %7zu %14.1f %13.1f %15.1f %12.1f %22.1f\n", r.name.toLocal8Bit().constData(), r.samples,
                r.points, r.open_ms, r.map_ms, r.pattern_ms, r.heat_ms, r.blocked_ms);
  std::printf(
      "targets: open < 1000 ms, map and pattern redraws < 30 ms, heat map redraw < 100 ms (5,000 x 4,000), event loop "
      "never blocked > 100 ms while decomposing\n");
  return 0;
}

}  // namespace phasewise::gui
