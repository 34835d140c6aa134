#include "project_document.h"

#include <QtConcurrent/QtConcurrent>

#include <algorithm>

#include "learn/candidates.h"
#include "learn/class_chemistry.h"

namespace phasewise::gui {
namespace {
const std::optional<core::DecompositionResult> kNoDecomposition;
const std::optional<RefinementRun> kNoRefinement;
}  // namespace

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent) {
  connect(&identification_, &QFutureWatcher<Identification>::finished, this, &ProjectDocument::finishIdentification);
}

void ProjectDocument::setUnsaved(bool unsaved) {
  if (unsaved == unsaved_) return;
  unsaved_ = unsaved;
  emit unsavedChanged(unsaved);
}

void ProjectDocument::markSaved(const QString& path) {
  file_name_ = path;
  setUnsaved(false);
}

void ProjectDocument::markUnsaved() { setUnsaved(true); }

void ProjectDocument::setLibrary(core::Library library, const QString& file_name) {
  library_ = std::move(library);
  file_name_ = file_name;
  runs_.clear();
  current_ = -1;
  ++generation_;
  setKeepForeignPhases(false);  // another library, another chemistry: the rule applies again
  setUnsaved(false);
  selected_ = library_.samples > 0 ? 0 : -1;
  selected_samples_.clear();
  if (selected_ >= 0) selected_samples_.push_back(selected_);
  selected_phase_ = -1;
  emit libraryChanged();
  announceRun();
  emit selectionChanged(selected_);
  emit phaseSelectionChanged(selected_phase_);
}

const std::optional<core::DecompositionResult>& ProjectDocument::decomposition() const {
  return current_ >= 0 ? runs_[static_cast<std::size_t>(current_)].decomposition : kNoDecomposition;
}

const std::optional<RefinementRun>& ProjectDocument::refinement() const {
  return current_ >= 0 ? runs_[static_cast<std::size_t>(current_)].refinement : kNoRefinement;
}

void ProjectDocument::pushRun(Run run) {
  runs_.resize(static_cast<std::size_t>(current_ + 1));  // a new run drops the undone ones
  runs_.push_back(std::move(run));
  current_ = static_cast<int>(runs_.size()) - 1;
  ++generation_;
  setUnsaved(true);
  announceRun();
}

void ProjectDocument::identifyCandidates() {
  if (current_ < 0 || !classifier_) return;
  const Run& run = runs_[static_cast<std::size_t>(current_)];
  if (!run.decomposition || (run.refinement && run.refinement->class_names == classifier_->phaseNames())) return;
  if (identifying_) {  // one at a time; the current run is looked at again when it is done
    identify_again_ = true;
    return;
  }
  // A snapshot: the document may change while the classifier reads the candidates.
  auto classifier = classifier_;
  auto candidates = std::make_shared<core::Candidates>(
      core::candidatesFromDecomposition(*run.decomposition, file_name_.toStdString()));
  const std::string description = classifier_description_.toStdString();
  const std::vector<char> allowed = allowedClasses(*classifier);
  identifying_ = true;
  identification_generation_ = generation_;
  identification_run_ = current_;
  identification_.setFuture(QtConcurrent::run([classifier, candidates, description, allowed]() -> Identification {
    try {
      return {core::identifyCandidates(*classifier, *candidates, description, 3, allowed), {}};
    } catch (const std::exception& e) {
      return {std::nullopt, QString::fromUtf8(e.what())};
    }
  }));
}

void ProjectDocument::finishIdentification() {
  if (!identifying_) return;  // already taken by waitForIdentification
  identifying_ = false;
  const QFuture<Identification> future = identification_.future();
  if (future.resultCount() > 0 && identification_generation_ == generation_) {
    Identification outcome = future.result();
    if (outcome.record) {
      runs_[static_cast<std::size_t>(identification_run_)].refinement = std::move(outcome.record);
      if (identification_run_ == current_) emit refinementChanged();
    } else {
      // Not fatal (the decomposition stands), but never silent.
      emit problem(tr("The classifier could not identify the phases: %1").arg(outcome.error));
    }
  }
  if (identify_again_ || identification_generation_ != generation_) {
    identify_again_ = false;
    identifyCandidates();
  }
}

void ProjectDocument::waitForIdentification() {
  while (identifying_) {
    identification_.waitForFinished();
    finishIdentification();
  }
}

void ProjectDocument::announceRun() {
  identifyCandidates();
  kept_.assign(decomposition() ? static_cast<std::size_t>(decomposition()->phases) : 0, 0);
  emit keptPhasesChanged();
  const auto& d = decomposition();
  if (selected_phase_ >= (d ? d->phases : 0)) {
    selected_phase_ = d && d->phases > 0 ? 0 : -1;
    emit phaseSelectionChanged(selected_phase_);
  }
  emit decompositionChanged();
  emit refinementChanged();
  emit runsChanged();
}

void ProjectDocument::setDecomposition(core::DecompositionResult result) {
  Run run;
  run.name = tr("decomposition, K = %1").arg(result.phases);
  run.decomposition = std::move(result);
  if (selected_phase_ < 0) selected_phase_ = 0;
  pushRun(std::move(run));
  emit phaseSelectionChanged(selected_phase_);
}

void ProjectDocument::setRefinement(RefinementRun refinement, const QString& name, bool preview) {
  if (preview && current_ >= 0 && runs_[static_cast<std::size_t>(current_)].preview) {
    Run& run = runs_[static_cast<std::size_t>(current_)];
    run.name = name;
    run.refinement = std::move(refinement);
    ++generation_;
    setUnsaved(true);
    announceRun();
    return;
  }
  Run run;
  run.name = name;
  run.decomposition = decomposition();
  run.refinement = std::move(refinement);
  run.preview = preview;
  pushRun(std::move(run));
}

void ProjectDocument::setProject(core::Library library, std::optional<core::PhaseLibrary> phases,
                                 std::optional<core::DecompositionResult> decomposition,
                                 std::optional<RefinementRun> refinement, const QString& file_name,
                                 bool keep_foreign_phases) {
  setLibrary(std::move(library), file_name);
  setKeepForeignPhases(keep_foreign_phases);
  if (phases) setReferencePhases(std::move(*phases), file_name);
  if (decomposition) {
    Run run;
    run.name = refinement ? tr("saved decomposition and refinement") : tr("saved decomposition");
    run.decomposition = std::move(decomposition);
    run.refinement = std::move(refinement);
    selected_phase_ = 0;
    pushRun(std::move(run));
    emit phaseSelectionChanged(selected_phase_);
  }
  setUnsaved(false);  // what was opened is what the file holds
}

void ProjectDocument::undoRun() {
  if (!canUndoRun()) return;
  --current_;
  announceRun();
}

void ProjectDocument::redoRun() {
  if (!canRedoRun()) return;
  ++current_;
  announceRun();
}

void ProjectDocument::setKeepForeignPhases(bool keep) {
  if (keep == keep_foreign_) return;
  keep_foreign_ = keep;
  if (hasLibrary()) setUnsaved(true);  // the project file keeps the setting
  emit keepForeignPhasesChanged(keep);
}

std::vector<char> ProjectDocument::allowedClasses(const core::PhaseClassifier& classifier) const {
  if (keep_foreign_) return {};
  return core::classesWithinChemistry(classifier.phaseFormulas(), library_.elements);
}

void ProjectDocument::setReferencePhases(core::PhaseLibrary phases, const QString& source) {
  phases_ = std::move(phases);
  phases_source_ = source;
  emit referencePhasesChanged();
}

void ProjectDocument::setClassifier(std::shared_ptr<const core::PhaseClassifier> classifier,
                                    const QString& description) {
  classifier_ = std::move(classifier);
  classifier_description_ = description;
  ++generation_;
  emit classifierChanged();
  identifyCandidates();
  emit refinementChanged();
}

void ProjectDocument::setSelectedSample(int sample) {
  if (sample < 0 || static_cast<std::size_t>(sample) >= library_.samples) return;
  if (sample == selected_ && selected_samples_ == std::vector<int>{sample}) return;
  selected_ = sample;
  selected_samples_ = {sample};
  emit selectionChanged(sample);
}

void ProjectDocument::setSelectedSamples(std::vector<int> samples) {
  samples.erase(std::remove_if(samples.begin(), samples.end(),
                               [this](int s) { return s < 0 || static_cast<std::size_t>(s) >= library_.samples; }),
                samples.end());
  if (samples.empty()) return;
  selected_samples_ = std::move(samples);
  selected_ = selected_samples_.front();
  emit selectionChanged(selected_);
}

bool ProjectDocument::phaseKept(int phase) const {
  return phase >= 0 && static_cast<std::size_t>(phase) < kept_.size() && kept_[static_cast<std::size_t>(phase)];
}

std::vector<int> ProjectDocument::keptPhases() const {
  std::vector<int> out;
  for (std::size_t p = 0; p < kept_.size(); ++p)
    if (kept_[p]) out.push_back(static_cast<int>(p));
  return out;
}

void ProjectDocument::setPhaseKept(int phase, bool kept) {
  if (phase < 0 || static_cast<std::size_t>(phase) >= kept_.size() || phaseKept(phase) == kept) return;
  kept_[static_cast<std::size_t>(phase)] = kept ? 1 : 0;
  emit keptPhasesChanged();
}

void ProjectDocument::setSelectedPhase(int phase) {
  const auto& d = decomposition();
  if (!d || phase < 0 || phase >= d->phases || phase == selected_phase_) return;
  selected_phase_ = phase;
  emit phaseSelectionChanged(phase);
}

}  // namespace phasewise::gui
