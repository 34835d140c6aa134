#pragma once
// The phases panel: the candidates (the decomposition's phases) with their identities before
// and after refinement; the selected candidate's pattern, original and refined, over the
// identified phase's reference sticks with hkl labels; and the refinement controls (lambda,
// target, live preview of the selected candidate, refine all). It asks; MainWindow runs.

#include <QWidget>

#include "learn/refiner.h"
#include "model/axis.h"

class QCustomPlot;
class QCPGraph;
class QPen;
class QCPTextElement;
class QTableView;
class QSlider;
class QLabel;
class QComboBox;
class QCheckBox;
class QPushButton;
class QTimer;

namespace phasewise::gui {

class ProjectDocument;
class PhaseTableModel;

class PhasesPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PhasesPanel(ProjectDocument* document, QWidget* parent = nullptr);

  [[nodiscard]] QTableView* table() const { return table_; }
  [[nodiscard]] PhaseTableModel* model() const { return model_; }
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }
  // The refinement the controls describe (lambda, loss, target).
  [[nodiscard]] core::RefinementSettings settings() const;
  void setLambda(double lambda);
  // Steps, discrepancy, sparse changes and mode (Analysis > Refinement settings).
  void setFinerSettings(const core::RefinementSettings& settings) { finer_ = settings; }
  void setLivePreview(bool on);
  // Number of hkl labels drawn for the identified phase (for tests).
  [[nodiscard]] int hklLabelCount() const { return hkl_labels_; }

 signals:
  void refineRequested(const core::RefinementSettings& settings, int candidate, bool preview);
  void trainRequested();
  void loadClassifierRequested();
  void loadReferencePhasesRequested();

 private:
  void updateControls();
  void showCandidate();
  void schedulePreview();

  ProjectDocument* document_;
  PhaseTableModel* model_;
  QTableView* table_;
  QCustomPlot* plot_;
  QLabel* classifier_;
  QSlider* lambda_;
  QLabel* lambda_value_;
  QComboBox* target_;
  QCheckBox* live_;
  QPushButton* refine_one_;
  QPushButton* refine_all_;
  QPushButton* train_;
  QTimer* preview_timer_;
  QCPTextElement* title_ = nullptr;
  int hkl_labels_ = 0;
  core::RefinementSettings finer_;
  // Marks the peaks the physical refiner attenuated (red bands, darker the more was removed).
  void configureWidgets();
  void layOut(QPushButton* load_phases, QPushButton* load_classifier);
  void connectControls(QPushButton* load_phases, QPushButton* load_classifier);
  QCPGraph* addCurve(const QString& name, const std::vector<double>& x, const float* y, std::size_t n, const QPen& pen);
  void showReferenceSticks(const std::string& name, const core::Axis& grid);
  void shadeEditedPeaks(const core::PhysicalEdit& edit, const core::Axis& grid);
};

}  // namespace phasewise::gui
