#pragma once
// The composition map: every sample at its composition (ternary triangle for three elements,
// wafer x/y otherwise), coloured by the dominant phase once a decomposition exists, else by
// total intensity. A click selects the nearest sample.

#include <QWidget>

class QCustomPlot;
class QMouseEvent;

namespace phasewise::gui {

class ProjectDocument;

class CompositionMapView : public QWidget {
  Q_OBJECT

 public:
  explicit CompositionMapView(ProjectDocument* document, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }
  [[nodiscard]] int pointCount() const;

 private:
  void rebuild();
  void showSelection(int sample);
  void pick(QMouseEvent* event);

  ProjectDocument* document_;
  QCustomPlot* plot_;
  std::vector<double> x_, y_;
};

}  // namespace phasewise::gui
