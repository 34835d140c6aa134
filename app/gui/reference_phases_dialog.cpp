#include "reference_phases_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <memory>

#include "model/chemistry.h"
#include "simulate/phase_library.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {

enum Column { kName, kFormula, kSpaceGroup, kCell, kElements, kSource, kColumns };

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QString joined(const std::vector<std::string>& items, const QString& separator = QStringLiteral(", ")) {
  QStringList list;
  for (const std::string& item : items) list << fromStd(item);
  return list.join(separator);
}

QString cellText(const core::ReferencePhase& phase) {
  if (!phase.structure) return QStringLiteral("-");
  const core::UnitCell& c = phase.structure->cell;
  return QStringLiteral("%1, %2, %3 \u00c5; %4, %5, %6\u00b0")
      .arg(c.a, 0, 'f', 4)
      .arg(c.b, 0, 'f', 4)
      .arg(c.c, 0, 'f', 4)
      .arg(c.alpha, 0, 'f', 2)
      .arg(c.beta, 0, 'f', 2)
      .arg(c.gamma, 0, 'f', 2);
}

QString spaceGroupText(const core::ReferencePhase& phase) {
  if (!phase.structure) return QObject::tr("stick list (%1 lines)").arg(static_cast<qulonglong>(phase.sticks.size()));
  const auto& s = *phase.structure;
  return s.space_group_number > 0 ? QStringLiteral("%1 (%2)").arg(fromStd(s.space_group)).arg(s.space_group_number)
                                  : fromStd(s.space_group);
}

// The readers' messages start with the file's path, which the list shows in its own column.
QString withoutPath(const QString& reason, const QString& file) {
  const QString prefix = file + QStringLiteral(": ");
  return reason.startsWith(prefix) ? reason.mid(prefix.size()) : reason;
}

}  // namespace

ReferencePhasesDialog::ReferencePhasesDialog(std::vector<std::string> library_elements, QWidget* parent)
    : QDialog(parent), library_elements_(std::move(library_elements)), reader_(this) {
  setWindowTitle(tr("Reference phases"));
  resize(1000, 680);
  QLayout* sources_row = createSourcesRow();
  QLayout* progress_row = createProgressRow();
  QLayout* elements_row = createElementsRow();
  createLists();
  summary_ = new QLabel(this);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Use ticked phases"));
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &ReferencePhasesDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Sources"), this));
  layout->addLayout(sources_row);
  layout->addLayout(progress_row);
  layout->addLayout(elements_row);
  layout->addWidget(table_, 1);
  layout->addWidget(new QLabel(tr("Files not read, and notes"), this));
  layout->addWidget(failures_);
  layout->addWidget(summary_);
  layout->addWidget(buttons_);
  updateSummary();
}

QLayout* ReferencePhasesDialog::createSourcesRow() {
  source_list_ = new QListWidget(this);
  source_list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  source_list_->setMaximumHeight(100);
  source_list_->setToolTip(tr("Folders of CIFs, CIF files, stick tables (.tsv, .txt, .csv) and phase libraries (.h5)"));
  auto* add_folder = new QPushButton(tr("Add &folder of CIFs..."), this);
  auto* add_files = new QPushButton(tr("Add f&iles..."), this);
  auto* remove = new QPushButton(tr("&Remove"), this);
  connect(add_folder, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder of CIF files"));
    if (!folder.isEmpty()) addSources({folder});
  });
  connect(add_files, &QPushButton::clicked, this, [this] {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Reference phase files"), QString(),
        tr("Reference phases (*.cif *.h5 *.hdf5 *.tsv *.txt *.csv);;CIF (*.cif);;Phase library (*.h5 *.hdf5);;"
           "Stick table (*.tsv *.txt *.csv);;All files (*)"));
    if (!files.isEmpty()) addSources(files);
  });
  connect(remove, &QPushButton::clicked, this, &ReferencePhasesDialog::removeSelectedSources);
  auto* source_buttons = new QVBoxLayout;
  source_buttons->addWidget(add_folder);
  source_buttons->addWidget(add_files);
  source_buttons->addWidget(remove);
  source_buttons->addStretch();
  auto* sources_row = new QHBoxLayout;
  sources_row->addWidget(source_list_, 1);
  sources_row->addLayout(source_buttons);
  return sources_row;
}

QLayout* ReferencePhasesDialog::createProgressRow() {
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 100);
  progress_->setTextVisible(true);
  progress_->setFormat(tr("Nothing to read"));
  progress_->setValue(0);
  cancel_ = new QPushButton(tr("Cancel reading"), this);
  cancel_->setEnabled(false);
  connect(cancel_, &QPushButton::clicked, this, &ReferencePhasesDialog::cancelReading);
  auto* progress_row = new QHBoxLayout;
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(cancel_);
  connect(&reader_, &JobController::progress, this, [this](int percent, const QString& stage) {
    progress_->setValue(percent);
    progress_->setFormat(stage + QStringLiteral("  %p%"));
  });
  connect(&reader_, &JobController::finished, this, &ReferencePhasesDialog::readingFinished);
  return progress_row;
}

// The element filter: the library's elements, others allowed (O by default), include all.
QLayout* ReferencePhasesDialog::createElementsRow() {
  // By default the light non-metals, as the library-guided fit allows them.
  also_allowed_ = new QLineEdit(joined(core::lightNonMetals(), QStringLiteral(" ")), this);
  also_allowed_->setToolTip(
      tr("Elements a phase may contain besides the library's own: the composition of an oxide or nitride spread "
         "names its cations only. The default is the light non-metals, as for the library-guided fit."));
  also_allowed_->setMinimumWidth(160);
  include_other_ = new QCheckBox(tr("Include phases with other elements"), this);
  const QString elements_text = library_elements_.empty()
                                    ? tr("The library names no elements: no phase is left out by its elements.")
                                    : tr("Library elements: %1. Also allowed:").arg(joined(library_elements_));
  auto* elements_row = new QHBoxLayout;
  elements_row->addWidget(new QLabel(elements_text, this));
  elements_row->addWidget(also_allowed_);
  elements_row->addWidget(include_other_);
  elements_row->addStretch();
  also_allowed_->setVisible(!library_elements_.empty());
  include_other_->setVisible(!library_elements_.empty());
  connect(also_allowed_, &QLineEdit::editingFinished, this, &ReferencePhasesDialog::rebuildTable);
  connect(include_other_, &QCheckBox::toggled, this, [this] {
    user_ticks_.clear();  // the user asked for a new rule: it replaces earlier single choices
    rebuildTable();
  });
  return elements_row;
}

void ReferencePhasesDialog::createLists() {
  table_ = new QTableWidget(0, kColumns, this);
  table_->setHorizontalHeaderLabels({tr("Phase"), tr("Formula"), tr("Space group"),
                                     tr("Cell a, b, c; \u03b1, \u03b2, \u03b3"), tr("Elements"), tr("Source")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->setVisible(false);
  connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
    if (!rebuilding_ && item->column() == kName) rememberTicks();
  });

  failures_ = new QTreeWidget(this);
  failures_->setColumnCount(3);
  failures_->setHeaderLabels({tr("File"), tr("Outcome"), tr("Reason")});
  failures_->setRootIsDecorated(false);
  failures_->setColumnWidth(0, 220);
  failures_->setMaximumHeight(150);
}

// A read still running when the dialog goes is cancelled; its result is never applied (the
// job's watcher goes with the dialog).
ReferencePhasesDialog::~ReferencePhasesDialog() { cancelReading(); }

void ReferencePhasesDialog::reject() {
  cancelReading();
  QDialog::reject();
}

void ReferencePhasesDialog::addSources(const QStringList& paths) {
  for (const QString& path : paths)
    if (!path.isEmpty()) pending_ << path;
  readNext();
}

void ReferencePhasesDialog::readNext() {
  if (!reading_.isEmpty() || pending_.isEmpty()) {
    updateSummary();
    return;
  }
  reading_ = pending_.takeFirst();
  cancel_->setEnabled(true);
  const std::filesystem::path path = reading_.toStdString();
  auto read = std::make_shared<plugins::CollectedPhases>();
  reader_.start(tr("Reading %1").arg(reading_), [this, path, read](const core::ProgressCallback& progress) {
    plugins::PhaseSourceOptions options;
    options.keep_going = true;  // one bad CIF in a folder of hundreds is listed, not fatal
    const QString source = QString::fromStdString(path.string());
    try {
      *read = plugins::collectPhases({path}, options, progress);
    } catch (const core::CancelledError&) {
      throw;
    } catch (const std::exception& e) {  // a source that is not there or cannot be listed
      const QString reason = withoutPath(QString::fromUtf8(e.what()), source);
      return JobResult{[this, source, reason] {
                         unread_sources_.push_back({source, reason});
                       },
                       tr("%1 not read: %2").arg(QFileInfo(source).fileName(), reason)};
    }
    return JobResult{[this, source, read] {
                       sources_.push_back({source, std::move(*read)});
                     },
                     tr("%1 phases read").arg(static_cast<qulonglong>(read->library.size()))};
  });
  updateSummary();
}

void ReferencePhasesDialog::readingFinished(bool succeeded, const QString& message) {
  // Failures to read are results (the job applies them); what does not succeed was cancelled.
  if (!succeeded) unread_sources_.push_back({reading_, tr("reading was cancelled")});
  if (succeeded && !sources_.empty() && sources_.back().path == reading_) source_list_->addItem(reading_);
  progress_->setValue(succeeded ? 100 : 0);
  progress_->setFormat(succeeded ? message : tr("Cancelled"));
  reading_.clear();
  cancel_->setEnabled(false);
  rebuildTable();
  readNext();
}

void ReferencePhasesDialog::cancelReading() {
  pending_.clear();
  if (reader_.running()) reader_.cancel();
}

bool ReferencePhasesDialog::reading() const { return !reading_.isEmpty() || !pending_.isEmpty(); }

bool ReferencePhasesDialog::waitUntilRead(int milliseconds) {
  // Until the last source's result is applied (its `finished` delivered), not merely until
  // the background read returns.
  QElapsedTimer timer;
  timer.start();
  while (reading()) {
    if (timer.elapsed() > milliseconds) return false;
    QEventLoop loop;
    QTimer::singleShot(5, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return true;
}

std::vector<std::string> ReferencePhasesDialog::alsoAllowed() const {
  std::vector<std::string> symbols;
  const QStringList words =
      also_allowed_->text().split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
  for (const QString& w : words) symbols.push_back(w.toStdString());
  return symbols;
}

QString ReferencePhasesDialog::phaseKey(const core::ReferencePhase& phase) {
  return fromStd(phase.source) + QLatin1Char('\n') + fromStd(phase.name);
}

void ReferencePhasesDialog::rebuildTable() {
  rebuilding_ = true;
  table_->setRowCount(0);
  failures_->clear();
  const std::vector<std::string> also = alsoAllowed();
  auto problem = [this](const QString& file, const QString& outcome, const QString& reason) {
    auto* row = new QTreeWidgetItem(failures_, {QFileInfo(file).fileName(), outcome, withoutPath(reason, file)});
    row->setToolTip(0, file);
    row->setToolTip(2, reason);
  };
  for (const Problem& p : unread_sources_) problem(p.source, tr("not read"), p.reason);
  for (const Source& source : sources_) {
    for (const core::ReferencePhase& phase : source.read.library.phases) {
      const int row = table_->rowCount();
      table_->insertRow(row);
      const std::vector<std::string> outside = core::elementsOutside(phase, library_elements_, also);
      auto* name = new QTableWidgetItem(fromStd(phase.name));
      name->setFlags(name->flags() | Qt::ItemIsUserCheckable);
      const auto choice = user_ticks_.find(phaseKey(phase));
      const bool ticked = choice != user_ticks_.end() ? choice->second : outside.empty() || include_other_->isChecked();
      name->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
      table_->setItem(row, kName, name);
      table_->setItem(row, kFormula, new QTableWidgetItem(fromStd(phase.formula)));
      table_->setItem(row, kSpaceGroup, new QTableWidgetItem(spaceGroupText(phase)));
      table_->setItem(row, kCell, new QTableWidgetItem(cellText(phase)));
      QString elements;
      if (phase.composition.empty())
        elements = tr("not stated");
      else if (outside.empty())
        elements = library_elements_.empty() ? tr("-") : tr("in the library's system");
      else
        elements = tr("%1 not in the library").arg(joined(outside));
      auto* elements_item = new QTableWidgetItem(elements);
      if (!outside.empty()) elements_item->setForeground(QColor(0xb0, 0x30, 0x20));
      table_->setItem(row, kElements, elements_item);
      auto* from = new QTableWidgetItem(QFileInfo(fromStd(phase.source)).fileName());
      from->setToolTip(fromStd(phase.source));
      table_->setItem(row, kSource, from);
    }
    for (const auto& failure : source.read.failures)
      problem(QString::fromStdString(failure.file.string()), tr("not read"), fromStd(failure.reason));
    for (const std::string& warning : source.read.warnings) problem(source.path, tr("note"), fromStd(warning));
  }
  table_->resizeColumnsToContents();
  rebuilding_ = false;
  updateSummary();
}

void ReferencePhasesDialog::rememberTicks() {
  int row = 0;
  for (const Source& source : sources_)
    for (const core::ReferencePhase& phase : source.read.library.phases) {
      if (const QTableWidgetItem* item = table_->item(row, kName))
        user_ticks_[phaseKey(phase)] = item->checkState() == Qt::Checked;
      ++row;
    }
  updateSummary();
}

void ReferencePhasesDialog::removeSelectedSources() {
  for (QListWidgetItem* item : source_list_->selectedItems()) {
    const QString path = item->text();
    sources_.erase(std::remove_if(sources_.begin(), sources_.end(), [&](const Source& s) { return s.path == path; }),
                   sources_.end());
    delete item;
  }
  rebuildTable();
}

core::PhaseLibrary ReferencePhasesDialog::chosenPhases() const {
  core::PhaseLibrary chosen;
  int row = 0;
  for (const Source& source : sources_)
    for (const core::ReferencePhase& phase : source.read.library.phases) {
      const QTableWidgetItem* item = table_->item(row++, kName);
      if (item && item->checkState() == Qt::Checked) chosen.phases.push_back(phase);
    }
  return chosen;
}

int ReferencePhasesDialog::phaseCount() const { return table_->rowCount(); }

int ReferencePhasesDialog::chosenCount() const {
  int ticked = 0;
  for (int row = 0; row < table_->rowCount(); ++row)
    if (const QTableWidgetItem* item = table_->item(row, kName)) ticked += item->checkState() == Qt::Checked;
  return ticked;
}

int ReferencePhasesDialog::failureCount() const {
  std::size_t failed = unread_sources_.size();
  for (const Source& source : sources_) failed += source.read.failures.size();
  return static_cast<int>(failed);
}

void ReferencePhasesDialog::setIncludeOtherElements(bool include) { include_other_->setChecked(include); }

void ReferencePhasesDialog::setAlsoAllowedElements(const QString& symbols) {
  also_allowed_->setText(symbols);
  rebuildTable();
}

QString ReferencePhasesDialog::description() const {
  QStringList paths;
  for (const Source& s : sources_) paths << s.path;
  const int left_out = phaseCount() - chosenCount();
  QString text = tr("%1 reference phases from %2").arg(chosenCount()).arg(paths.join(QStringLiteral(", ")));
  if (left_out > 0) text += tr(" (%1 left out)").arg(left_out);
  return text;
}

void ReferencePhasesDialog::updateSummary() {
  const bool busy = reading();
  QString text =
      tr("%1 phases read, %2 ticked, %3 files not read.").arg(phaseCount()).arg(chosenCount()).arg(failureCount());
  if (busy) text += tr(" Reading...");
  summary_->setText(text);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(!busy && chosenCount() > 0);
}

}  // namespace phasewise::gui
