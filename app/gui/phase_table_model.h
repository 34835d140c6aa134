#pragma once
// The decomposed phases (the candidates) as a table: how many samples hold each phase (above
// 1 %), its mean share there (and weight fraction, where known), the range of its lattice
// shift, the name and confidence the library-guided fit gave it, and once a classifier is at
// hand its identity before and after refinement with probabilities (top 3 in the tooltip)
// and the size of the refinement's change.

#include <QAbstractTableModel>

namespace phasewise::gui {

class ProjectDocument;

class PhaseTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    Phase,
    Samples,
    MeanShare,
    MeanWeight,  // Hill-Howard, where the fit gives weight fractions (library-guided, structures)
    Shift,
    FitConfidence,  // library-guided: the fit's confidence in the identity, mean where present
    IdentityBefore,
    IdentityAfter,
    Change,
    ColumnCount
  };

  explicit PhaseTableModel(ProjectDocument* document, QObject* parent = nullptr);

  [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                    int role = Qt::DisplayRole) const override;
  // The phase column is checkable: checked phases are kept for the next decomposition.
  [[nodiscard]] Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

 private:
  ProjectDocument* document_;
};

}  // namespace phasewise::gui
