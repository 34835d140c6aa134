#pragma once
// The whole library at a glance: one row per sample, the diffraction axis across, intensity
// as colour (log scale by default). Rows follow the sample index, the composition map's
// selection (a path the user picked), or the decomposition's dominant phase; wherever the
// dominant phase changes from one row to the next a line marks the phase boundary. A click
// selects that row's sample everywhere; the selected sample's row is outlined.
//
// The colour image is built once per library, order or scale change (a non-uniform axis is
// resampled onto at most kColumns uniform columns), and only while the view is visible (a
// hidden tab catches up when shown); a new decomposition redraws only the boundary lines
// unless the rows are ordered by it. Redraws paint the cached image.

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemStraightLine;
class QComboBox;
class QCheckBox;

namespace phasewise::gui {

class ProjectDocument;

class HeatMapView : public QWidget {
  Q_OBJECT

 public:
  enum class Order { Index, Selection, DominantPhase };
  static constexpr int kColumns = 2048;

  explicit HeatMapView(ProjectDocument* document, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }

  void setOrder(Order order);
  [[nodiscard]] Order order() const;
  // The samples in row order (row 0 at the bottom).
  [[nodiscard]] const std::vector<int>& rows() const { return rows_; }
  // Rows after which the dominant phase changes (a boundary between row r and r + 1).
  [[nodiscard]] const std::vector<int>& boundaries() const { return boundaries_; }
  [[nodiscard]] int columns() const;
  // Selects the sample of the row at plot coordinate y (what a click does).
  void selectRowAt(double y);
  void replotNow();

 private:
  void rebuild();  // rows, image and lines, now if visible (else when shown)
  void rebuildNow();
  void drawBoundaries();  // the phase boundaries for the current rows and decomposition
  void showSelection();
  void showEvent(QShowEvent* event) override;

  ProjectDocument* document_;
  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPColorScale* scale_;
  QComboBox* order_;
  QCheckBox* log_;
  QCPItemStraightLine* selected_ = nullptr;
  std::vector<int> rows_, boundaries_;
  std::vector<QCPItemStraightLine*> boundary_lines_;
  bool stale_ = true;
};

}  // namespace phasewise::gui
