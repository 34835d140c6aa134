#pragma once
// The decomposed phases as a table: how many samples hold each phase (above 1 %), its mean
// share where present, and the range of its lattice shift.

#include <QAbstractTableModel>

namespace phasewise::gui {

class ProjectDocument;

class PhaseTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit PhaseTableModel(ProjectDocument* document, QObject* parent = nullptr);

  [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                    int role = Qt::DisplayRole) const override;

 private:
  ProjectDocument* document_;
};

}  // namespace phasewise::gui
