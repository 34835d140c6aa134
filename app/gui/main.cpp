// phasewise: the desktop application.

#include <QApplication>

#include "builtin_formats.h"
#include "io/registry.h"
#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Phasewise"));
  phasewise::core::FormatRegistry registry;
  phasewise::plugins::registerBuiltinFormats(registry);
  phasewise::gui::MainWindow window(registry);
  const QStringList arguments = QApplication::arguments();
  if (arguments.size() > 1) window.openFile(arguments.at(1));
  window.show();
  return QApplication::exec();
}
