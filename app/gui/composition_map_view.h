#pragma once
// The composition map: every sample at its composition (a true ternary plot for three
// elements: triangle frame, element names at the corners, fraction grid lines every 0.2 and a
// hover read-out of the composition under the cursor; wafer x/y otherwise), coloured by a chosen quantity (dominant
// phase, total intensity, a phase's share or shift, the residual) with a colour scale. A click selects the nearest
// sample; a drag selects every sample inside the rectangle (shown as a waterfall).

#include <QWidget>

#include <vector>

#include "decompose/sample_quantities.h"

class QCustomPlot;
class QCPGraph;
class QColor;
class QCPColorScale;
class QCPItemText;
class QComboBox;
class QSpinBox;
class QMouseEvent;

namespace phasewise::gui {

class ProjectDocument;

class CompositionMapView : public QWidget {
  Q_OBJECT

 public:
  explicit CompositionMapView(ProjectDocument* document, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }
  [[nodiscard]] int pointCount() const;

  void setColouring(core::SampleQuantity quantity, int phase = 0);
  [[nodiscard]] core::SampleQuantity colouring() const;
  // Selects the samples inside a rectangle given in plot coordinates (what a drag does).
  void selectInside(double x0, double y0, double x1, double y1);
  // Position of a sample on the map, in plot coordinates.
  [[nodiscard]] QPointF position(int sample) const;
  // Redraws at once (not queued); for the redraw benchmark.
  void replotNow();
  [[nodiscard]] bool ternary() const { return ternary_; }
  // The composition at a point of the ternary plot ("Fe 0.20  Ni 0.50  Cu 0.30", and the
  // nearest sample), empty outside the triangle or when the map is not ternary; what hovering
  // shows.
  [[nodiscard]] QString compositionAt(double x, double y) const;

 private:
  void rebuild();
  void recolour();
  QCPGraph* addScatter(const QColor& colour, const QString& name);
  void showDominantPhases(const std::vector<double>& values, const core::DecompositionResult& d);
  void showScale(const std::vector<double>& values, core::SampleQuantity q);
  void showSelection();
  void selectionRectangle(const QRect& rect, QMouseEvent* event);
  void fitAxes();  // data in view, equal scale on both axes where they share a unit
  void drawTernaryFrame();
  bool eventFilter(QObject* watched, QEvent* event) override;

  ProjectDocument* document_;
  QCustomPlot* plot_;
  QCPColorScale* scale_;
  QComboBox* quantity_;
  QSpinBox* phase_;
  std::vector<double> x_, y_;
  bool ternary_ = false;
  QCPItemText* hover_ = nullptr;
};

}  // namespace phasewise::gui
