#pragma once
// The selected samples' patterns: for one sample its data, the model's reconstruction, each
// phase's contribution and the residual; for several, a waterfall of data (and model). Shown
// in Q, 2-theta or d with the wavelength on screen, zoom and pan, and a cursor read-out.

#include <QWidget>

#include <optional>

#include "model/display_axis.h"

class QCustomPlot;
class QCPTextElement;
class QComboBox;
class QDoubleSpinBox;
class QCheckBox;
class QLabel;
class QMouseEvent;

namespace phasewise::gui {

class ProjectDocument;

class PatternView : public QWidget {
  Q_OBJECT

 public:
  explicit PatternView(ProjectDocument* document, QWidget* parent = nullptr);
  [[nodiscard]] QCustomPlot* plot() const { return plot_; }

  void setDisplayAxis(core::DisplayAxis unit);
  [[nodiscard]] core::DisplayAxis displayAxis() const;
  // The wavelength 2-theta is shown at when the data do not state one (the user's choice).
  void setDisplayWavelength(double angstrom);
  [[nodiscard]] std::optional<double> shownWavelength() const;
  void setWaterfall(bool on);
  [[nodiscard]] const QString& cursorText() const { return cursor_text_; }

 private:
  void rebuild();
  void updateWavelengthControls();
  void showCursor(QMouseEvent* event);

  ProjectDocument* document_;
  QCustomPlot* plot_;
  QComboBox* axis_;
  QDoubleSpinBox* wavelength_;
  QLabel* wavelength_label_ = nullptr;
  QLabel* wavelength_note_;
  QCheckBox* waterfall_;
  QLabel* cursor_;
  QString cursor_text_;
  QCPTextElement* waterfall_note_ = nullptr;
};

}  // namespace phasewise::gui
