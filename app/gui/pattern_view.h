#pragma once
// The selected sample's pattern with the model: data, reconstruction, each phase's
// contribution and the residual, on the library's own axis with its unit.

#include <QWidget>

class QCustomPlot;

namespace phasewise::gui {

class ProjectDocument;

class PatternView : public QWidget {
  Q_OBJECT

 public:
  explicit PatternView(ProjectDocument* document, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }

 private:
  void rebuild();

  ProjectDocument* document_;
  QCustomPlot* plot_;
};

}  // namespace phasewise::gui
