// phasewise: the desktop application.
//   phasewise [FILE]                        open a library or project
//   phasewise --example                     the built-in example taken through the whole pipeline
//   phasewise --screenshot OUT.png [FILE]   render the window to a PNG without a display
//   phasewise --bench [BI_CU_V_FOLDER]      time to first paint, redraws, event-loop blocking

#include <QApplication>
#include <QFileInfo>

#include <cstdio>
#include <cstring>

#include "builtin_formats.h"
#include "gui_bench.h"
#include "io/registry.h"
#include "job_controller.h"
#include "main_window.h"
#include "project_document.h"

namespace {
bool has(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0) return true;
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace phasewise;
  const bool headless = has(argc, argv, "--screenshot") || has(argc, argv, "--bench");
  // Rendering for documentation or measuring needs no display: Qt's offscreen platform.
  if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Phasewise"));
  QApplication::setOrganizationName(QStringLiteral("Phasewise"));
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const QStringList args = QApplication::arguments();

  if (has(argc, argv, "--bench")) {
    const int at = static_cast<int>(args.indexOf(QStringLiteral("--bench")));
    const QString folder = at + 1 < args.size()
                               ? args.at(at + 1)
                               : QStringLiteral(PHASEWISE_SHARED_DATA) + QStringLiteral("/drnets/Bi-Cu-V-307");
    return gui::runGuiBenchmark(registry, folder);
  }

  gui::MainWindow window(registry);
  if (has(argc, argv, "--screenshot")) {
    const int at = static_cast<int>(args.indexOf(QStringLiteral("--screenshot")));
    if (at + 1 >= args.size()) {
      std::fprintf(stderr, "phasewise: --screenshot needs an output file (PNG)\n");
      return 2;
    }
    const QString out = args.at(at + 1);
    window.resize(1500, 920);
    window.show();
    if (at + 2 < args.size()) {
      if (!window.openFile(args.at(at + 2))) return 1;
    } else {
      window.runExamplePipeline();
    }
    if (!window.waitUntilIdle(900000)) {
      std::fprintf(stderr, "phasewise: the pipeline did not finish\n");
      return 1;
    }
    if (!window.document()->hasLibrary()) {
      std::fprintf(stderr, "phasewise: nothing to show:\n%s\n", window.logText().toLocal8Bit().constData());
      return 1;
    }
    if (window.document()->library().samples > 100) window.document()->setSelectedSample(100);
    QApplication::processEvents();
    if (!window.grab().save(out)) {
      std::fprintf(stderr, "phasewise: cannot write %s\n", out.toLocal8Bit().constData());
      return 1;
    }
    std::printf("wrote %s\n%s\n", out.toLocal8Bit().constData(), window.logText().toLocal8Bit().constData());
    return 0;
  }

  window.show();
  // A session that crashed left an autosave: offer it before anything else.
  if (!window.recoverableAutosaves().empty()) window.offerRecovery();
  if (has(argc, argv, "--example"))
    window.runExamplePipeline();
  else if (args.size() > 1)
    window.openFile(args.at(1));
  return QApplication::exec();
}
