#include "phase_table_model.h"

#include <algorithm>

#include "project_document.h"

namespace phasewise::gui {
namespace {
enum Column { Phase, Samples, MeanShare, Shift, ColumnCount };
}

PhaseTableModel::PhaseTableModel(ProjectDocument* document, QObject* parent)
    : QAbstractTableModel(parent), document_(document) {
  connect(document_, &ProjectDocument::decompositionChanged, this, [this] {
    beginResetModel();
    endResetModel();
  });
}

int PhaseTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !document_->decomposition()) return 0;
  return document_->decomposition()->phases;
}

int PhaseTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PhaseTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || role != Qt::DisplayRole || !document_->decomposition()) return {};
  const core::DecompositionResult& d = *document_->decomposition();
  const int p = index.row();
  int present = 0;
  double share = 0, low = 1e9, high = -1e9;
  for (std::size_t s = 0; s < d.samples; ++s) {
    const float f = d.fraction(s, p);
    if (f <= 0.01F) continue;
    ++present;
    share += f;
    const double shift = d.shifts[s * static_cast<std::size_t>(d.phases) + static_cast<std::size_t>(p)];
    low = std::min(low, shift);
    high = std::max(high, shift);
  }
  switch (index.column()) {
    case Phase:
      return tr("phase %1").arg(p + 1);
    case Samples:
      return present;
    case MeanShare:
      return present ? QString::number(100.0 * share / present, 'f', 1) + QStringLiteral(" %") : QStringLiteral("-");
    case Shift:
      return present
                 ? QStringLiteral("%1 .. %2 %").arg(100.0 * (low - 1.0), 0, 'f', 2).arg(100.0 * (high - 1.0), 0, 'f', 2)
                 : QStringLiteral("-");
    default:
      return {};
  }
}

QVariant PhaseTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
    return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Phase:
      return tr("Phase");
    case Samples:
      return tr("Samples");
    case MeanShare:
      return tr("Mean share");
    case Shift:
      return tr("Q shift");
    default:
      return {};
  }
}

}  // namespace phasewise::gui
