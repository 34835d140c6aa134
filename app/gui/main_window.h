#pragma once
// The main window: wires the document, the views and the controllers; no data logic here.

#include <QMainWindow>

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::gui {

class ProjectDocument;
class CompositionMapView;
class PatternView;
class DecomposeController;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const core::FormatRegistry& registry, QWidget* parent = nullptr);

  [[nodiscard]] ProjectDocument* document() const { return document_; }
  [[nodiscard]] CompositionMapView* compositionMap() const { return map_; }
  [[nodiscard]] PatternView* patternView() const { return patterns_; }
  [[nodiscard]] DecomposeController* decomposeController() const { return decompose_; }

  bool openFile(const QString& path);     // false (with a message) when the file cannot be read
  bool saveProject(const QString& path);  // library + decomposition, atomically
  void openExample();
  void decompose(int phases);

 private:
  void createMenus();
  void describeLibrary();

  const core::FormatRegistry& registry_;
  ProjectDocument* document_;
  CompositionMapView* map_;
  PatternView* patterns_;
  DecomposeController* decompose_;
};

}  // namespace phasewise::gui
