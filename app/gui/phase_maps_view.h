#pragma once
// One small composition map per decomposed phase, each sample coloured by that phase's share
// of it (0 to 1, one colour scale for all): where every phase lives, side by side. Samples sit
// where the composition map puts them. A click on a map selects its phase and the nearest
// sample. Built only while in view (it shares a place with the composition map).

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPAxisRect;

namespace phasewise::gui {

class ProjectDocument;
class CompositionMapView;

class PhaseMapsView : public QWidget {
  Q_OBJECT

 public:
  PhaseMapsView(ProjectDocument* document, const CompositionMapView* positions, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }
  // How many phase maps are drawn (the decomposition's phases; 0 without one).
  [[nodiscard]] int mapCount() const { return maps_; }
  // Selects the phase of the map under a widget point, and that map's nearest sample.
  void clickAt(const QPoint& pixel);

 private:
  void rebuild();
  void rebuildNow();
  void showEvent(QShowEvent* event) override;
  void keepShapes();  // equal scale on both axes of every map, after a layout change
  bool eventFilter(QObject* watched, QEvent* event) override;

  ProjectDocument* document_;
  const CompositionMapView* positions_;
  QCustomPlot* plot_;
  std::vector<QCPAxisRect*> rects_;  // one per phase
  int maps_ = 0;
  bool stale_ = true;
};

}  // namespace phasewise::gui
