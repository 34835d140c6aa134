#include "phase_table_model.h"

#include <QColor>

#include <algorithm>

#include "plot_style.h"
#include "project_document.h"

namespace phasewise::gui {
namespace {
QString guesses(const core::Prediction& p, const std::vector<std::string>& names) {
  QStringList lines;
  if (p.typicality)
    lines << PhaseTableModel::tr("typicality %1 (unknown below %2)")
                 .arg(static_cast<double>(*p.typicality), 0, 'f', 3)
                 .arg(core::Prediction::kUnknownBelow);
  for (std::size_t j = 0; j < p.top.size(); ++j)
    lines << QStringLiteral("%1  %2")
                 .arg(QString::fromStdString(names[static_cast<std::size_t>(p.top[j])]))
                 .arg(p.probability[j], 0, 'f', 3);
  return lines.join(QLatin1Char('\n'));
}
}  // namespace

PhaseTableModel::PhaseTableModel(ProjectDocument* document, QObject* parent)
    : QAbstractTableModel(parent), document_(document) {
  auto reset = [this] {
    beginResetModel();
    endResetModel();
  };
  connect(document_, &ProjectDocument::decompositionChanged, this, reset);
  connect(document_, &ProjectDocument::refinementChanged, this, reset);
}

int PhaseTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !document_->decomposition()) return 0;
  return document_->decomposition()->phases;
}

int PhaseTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PhaseTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !document_->decomposition() || index.row() >= rowCount()) return {};
  const core::DecompositionResult& d = *document_->decomposition();
  const int p = index.row();
  const auto& refinement = document_->refinement();
  const core::RefinedPattern* refined = refinement && static_cast<int>(refinement->count()) == d.phases
                                            ? &refinement->refined[static_cast<std::size_t>(p)]
                                            : nullptr;
  const bool done = refined && refinement->done[static_cast<std::size_t>(p)];
  if (role == Qt::DecorationRole && index.column() == Phase) return phaseColour(p);
  if (role == Qt::CheckStateRole && index.column() == Phase)
    return document_->phaseKept(p) ? Qt::Checked : Qt::Unchecked;
  if (role == Qt::ToolTipRole && index.column() == Phase) {
    QString tip = tr("Check to keep this phase pattern in the next decomposition (seeded, optionally frozen)");
    const auto at = static_cast<std::size_t>(p);
    if (at < d.also_drawn_as.size() && !d.also_drawn_as[at].empty())
      tip += tr("\nAlso drawn as %1 (one phase: the same peaks in the samples that hold both)")
                 .arg(QString::fromStdString(d.also_drawn_as[at]));
    return tip;
  }
  if (role == Qt::ToolTipRole && index.column() == FitConfidence &&
      d.support.size() == d.samples * static_cast<std::size_t>(d.phases) && d.samples == 1) {
    QString tip = tr("The data holds %1 % of the intensity this phase is fitted with (support)")
                      .arg(100.0 * d.support[static_cast<std::size_t>(p)], 0, 'f', 0);
    if (d.chance.size() == d.support.size())
      tip += tr("; data unrelated to it would hold as many of its peaks with a chance of %1")
                 .arg(static_cast<double>(d.chance[static_cast<std::size_t>(p)]), 0, 'g', 2);
    return tip;
  }
  if (role == Qt::ToolTipRole && refined) {
    if (index.column() == IdentityBefore) return guesses(refined->before, refinement->class_names);
    if (index.column() == IdentityAfter && done) return guesses(refined->after, refinement->class_names);
  }
  if (role == Qt::ForegroundRole && index.column() == IdentityAfter && done &&
      refined->after.top.front() != refined->before.top.front())
    return QColor(0, 110, 0);  // the refinement changed the identity
  if (role != Qt::DisplayRole) return {};
  // "unknown" where the classifier's open-set score refuses its own top-1 (the closest phase
  // stays in brackets and in the tooltip).
  auto identity = [&](const core::Prediction& pr) {
    const QString name = QString::fromStdString(refinement->class_names[static_cast<std::size_t>(pr.top.front())]);
    if (pr.unknown()) return tr("unknown (closest: %1)").arg(name);
    return QStringLiteral("%1 (%2)").arg(name).arg(pr.probability.front(), 0, 'f', 2);
  };
  switch (index.column()) {
    case Phase:
      return phaseLabel(d, p);
    case IdentityBefore:
      return refined ? identity(refined->before) : QStringLiteral("-");
    case IdentityAfter:
      return done ? identity(refined->after) : QStringLiteral("-");
    case Change:
      return done ? QStringLiteral("%1 %").arg(100.0 * refined->relative_change, 0, 'f', 1) : QStringLiteral("-");
    default:
      break;
  }
  int present = 0;
  double share = 0, weight = 0, confidence = 0, low = 1e9, high = -1e9;
  const std::size_t k = static_cast<std::size_t>(d.phases);
  const bool weights = d.weight_fractions.size() == d.samples * k;
  const bool confidences = d.confidence.size() == d.samples * k;
  for (std::size_t s = 0; s < d.samples; ++s) {
    const float f = d.fraction(s, p);
    if (f <= 0.01F) continue;
    ++present;
    share += f;
    if (weights) weight += d.weight_fractions[s * k + static_cast<std::size_t>(p)];
    if (confidences) confidence += d.confidence[s * k + static_cast<std::size_t>(p)];
    const double shift = d.shifts[s * k + static_cast<std::size_t>(p)];
    low = std::min(low, shift);
    high = std::max(high, shift);
  }
  switch (index.column()) {
    case Samples:
      return present;
    case MeanShare:
      return present ? QString::number(100.0 * share / present, 'f', 1) + QStringLiteral(" %") : QStringLiteral("-");
    case MeanWeight:
      return present && weights ? QString::number(100.0 * weight / present, 'f', 1) + QStringLiteral(" wt %")
                                : QStringLiteral("-");
    case FitConfidence:
      return present && confidences ? QString::number(confidence / present, 'f', 2) : QStringLiteral("-");
    case Shift:
      return present
                 ? QStringLiteral("%1 .. %2 %").arg(100.0 * (low - 1.0), 0, 'f', 2).arg(100.0 * (high - 1.0), 0, 'f', 2)
                 : QStringLiteral("-");
    default:
      return {};
  }
}

Qt::ItemFlags PhaseTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() && index.column() == Phase) f |= Qt::ItemIsUserCheckable;
  return f;
}

bool PhaseTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.column() != Phase || role != Qt::CheckStateRole || index.row() >= rowCount())
    return false;
  document_->setPhaseKept(index.row(), value.toInt() == Qt::Checked);
  emit dataChanged(index, index, {Qt::CheckStateRole});
  return true;
}

QVariant PhaseTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
    if (section == MeanShare) return tr("Intensity fraction (peak-height share) where the phase is present");
    if (section == IdentityBefore)
      return tr("The classifier's identity of the candidate as decomposed, with its calibrated probability");
    if (section == IdentityAfter)
      return tr(
          "The classifier's reading of the refined pattern. Its probability is raised by the refinement "
          "itself (which makes the classifier more certain), so the calibrated one is the one before");
    if (section == MeanWeight)
      return tr(
          "Weight fraction (Hill-Howard: scale x Z M V) where present; only when every phase found "
          "comes from a crystal structure (stick cards give intensity fractions only)");
    if (section == FitConfidence)
      return tr(
          "How much better the reference phase explains its part of each sample than the best other "
          "candidate (library-guided fit; near-twins give low confidence)");
  }
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
    return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Phase:
      return tr("Phase");
    case Samples:
      return tr("Samples");
    case MeanShare:
      return tr("Mean share");
    case MeanWeight:
      return tr("Mean weight");
    case FitConfidence:
      return tr("Fit confidence");
    case Shift:
      return tr("Q shift");
    case IdentityBefore:
      return tr("Identity (p)");
    case IdentityAfter:
      return tr("Refined (p)");
    case Change:
      return tr("Change");
    default:
      return {};
  }
}

}  // namespace phasewise::gui
