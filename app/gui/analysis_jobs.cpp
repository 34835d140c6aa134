#include "analysis_jobs.h"

#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <memory>
#include <thread>

#include "decompose/decomposer.h"
#include "decompose/library_fit.h"
#include "decompose/nmf.h"
#include "example/synthetic_library.h"
#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/phasewise_contents.h"
#include "format_hdf5/project_file.h"
#include "io/registry.h"
#include "learn/candidates.h"
#include "learn/unmixing.h"
#include "project_document.h"
#include "simulate/example_phases.h"
#include "simulate/reference_render.h"
#include "util/error.h"

namespace phasewise::gui {
namespace {
std::string utf8(const QString& text) { return text.toUtf8().toStdString(); }

// The document may be gone by the time a job completes (window closed); results then go nowhere.
template <typename F>
std::function<void()> onDocument(ProjectDocument* document, F f) {
  return [doc = QPointer<ProjectDocument>(document), f = std::move(f)]() mutable {
    if (doc) f(*doc);
  };
}

// Background jobs leave one core to the GUI thread: with every core busy computing, the event
// loop is starved and the window stutters (measured by `phasewise --bench`).
unsigned backgroundThreads() { return std::max(1U, std::thread::hardware_concurrency() - 1); }

std::string sourceOf(const ProjectDocument& document) {
  return utf8(document.fileName().isEmpty() ? QStringLiteral("unsaved library") : document.fileName());
}
}  // namespace

JobWork openFileJob(ProjectDocument* document, const core::FormatRegistry& registry, const QString& path) {
  return [document, &registry, path](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "reading");
    const std::string file = path.toStdString();
    const QString name = QFileInfo(path).fileName();
    const plugins::PhasewiseContents contents = plugins::phasewiseContents(file);
    if (contents.phases && !contents.library) {  // a phase library: the reference phases, not samples
      auto phases = std::make_shared<core::PhaseLibrary>(plugins::readPhaseLibraryFile(file));
      const QString message = QObject::tr("%1 is a phase library: loaded its %2 phases as the reference phases")
                                  .arg(name)
                                  .arg(phases->size());
      return {
          onDocument(document, [phases, path](ProjectDocument& d) { d.setReferencePhases(std::move(*phases), path); }),
          message};
    }
    if (contents.project()) {
      auto project = std::make_shared<plugins::Project>(plugins::readProject(file));
      const QString message = QObject::tr("Opened %1: %2 samples%3")
                                  .arg(name)
                                  .arg(project->library.samples)
                                  .arg(project->decomposition ? QObject::tr(", with its decomposition") : QString());
      return {onDocument(document,
                         [project, path](ProjectDocument& d) {
                           d.setProject(std::move(project->library), std::move(project->phases),
                                        std::move(project->decomposition), std::move(project->refinement), path,
                                        project->keep_foreign_phases);
                         }),
              message};
    }
    auto result = std::make_shared<core::ReadResult>(registry.read(file));
    QString message = QObject::tr("Opened %1: %2 samples x %3 points")
                          .arg(name)
                          .arg(result->library.samples)
                          .arg(result->library.points());
    for (const std::string& w : result->warnings) message += QStringLiteral("; ") + QString::fromStdString(w);
    return {
        onDocument(document, [result, path](ProjectDocument& d) { d.setLibrary(std::move(result->library), path); }),
        message};
  };
}

JobWork openExampleJob(ProjectDocument* document) {
  return [document](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "generating the example");
    auto example = std::make_shared<core::SyntheticLibrary>(core::makeSyntheticLibrary(core::SyntheticLibrarySpec{}));
    auto phases = std::make_shared<core::PhaseLibrary>(core::exampleReferencePhases(*example));
    return {onDocument(document,
                       [example, phases](ProjectDocument& d) {
                         d.setLibrary(std::move(example->library), QObject::tr("built-in example"));
                         d.setReferencePhases(std::move(*phases), QObject::tr("built-in example phases"));
                       }),
            QObject::tr("Opened the built-in example: 231 samples of a generated Fe-Co-Ni spread, 4 true phases; "
                        "12 reference phases (4 true, 8 decoys)")};
  };
}

JobWork loadReferencePhasesJob(ProjectDocument* document, const QString& path) {
  return [document, path](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "reading reference phases");
    auto phases = std::make_shared<core::PhaseLibrary>(plugins::readPhaseLibraryFile(path.toStdString()));
    const QString message = QObject::tr("Loaded %1 reference phases from %2").arg(phases->size()).arg(path);
    return {
        onDocument(document, [phases, path](ProjectDocument& d) { d.setReferencePhases(std::move(*phases), path); }),
        message};
  };
}

JobWork decomposeJob(ProjectDocument* document, const core::DecompositionSettings& settings) {
  // The job works on a snapshot: the document may change while it runs.
  auto library = std::make_shared<core::Library>(document->library());
  core::DecompositionSettings s = settings;
  if (s.threads == 0) s.threads = backgroundThreads();
  return [document, settings = s, library](const core::ProgressCallback& progress) -> JobResult {
    auto result = std::make_shared<core::DecompositionResult>(core::decompose(*library, settings, progress));
    QString message = QObject::tr("Decomposed into %1 phases in %2 s (%3 iterations")
                          .arg(result->phases)
                          .arg(result->seconds, 0, 'f', 2)
                          .arg(result->iterations);
    // The final objective lets runs be compared (Edit > Undo run goes back to the previous one).
    if (!result->loss_history.empty()) message += QObject::tr(", loss %1").arg(result->loss_history.back(), 0, 'g', 5);
    if (!settings.seed_patterns.empty()) {
      const std::size_t seeded = settings.seed_patterns.size() / library->points();
      const bool frozen = std::any_of(settings.frozen.begin(), settings.frozen.end(), [](char f) { return f != 0; });
      message +=
          QObject::tr(", %1 kept phase(s) %2").arg(seeded).arg(frozen ? QObject::tr("frozen") : QObject::tr("seeded"));
    }
    message += QLatin1String(").");
    return {onDocument(document, [result](ProjectDocument& d) { d.setDecomposition(std::move(*result)); }), message};
  };
}

JobWork libraryGuidedJob(ProjectDocument* document, const core::LibraryFitSettings& settings,
                         const std::string& radiation) {
  if (!document->referencePhases() || document->referencePhases()->size() == 0)
    throw core::Error("load reference phases first (File > Reference phases...)");
  auto library = std::make_shared<core::Library>(document->library());
  auto phases = std::make_shared<core::PhaseLibrary>(*document->referencePhases());
  core::LibraryFitSettings s = settings;
  if (s.threads == 0) s.threads = backgroundThreads();
  s.keep_foreign = document->keepsForeignPhases();
  return [document, settings = s, library, phases, radiation](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "drawing the reference phases");
    const core::ReferencePatterns references = core::renderReferencesFor(*phases, library->axis, radiation);
    auto fit = std::make_shared<core::LibraryDecomposition>(
        core::decomposeWithLibrary(*library, references, settings, progress));
    const core::DecompositionResult& r = fit->result;
    if (r.phases == 0)  // nothing to show as a run: the earlier results stay
      return {nullptr, QObject::tr("None of the %1 reference phases explains any sample; the earlier results are "
                                   "kept. Are the reference phases those of this system, and the radiation right?")
                           .arg(phases->size())};
    QStringList names;
    for (const std::string& name : r.phase_names) names << QString::fromStdString(name);
    QString message =
        QObject::tr("Fitted the %1 reference phases: %2 found (%3), %4 rounds (%5)")
            .arg(phases->size())
            .arg(r.phases)
            .arg(names.join(QStringLiteral(", ")))
            .arg(fit->rounds)
            .arg(fit->changed_last_round == 0 ? QObject::tr("converged") : QObject::tr("round cap reached"));
    if (fit->foreign_left_out > 0)
      message += QObject::tr(
                     "; %1 left out for elements the library does not hold (Analysis > Keep phases with "
                     "elements the library lacks keeps them)")
                     .arg(fit->foreign_left_out);
    if (fit->fitted_as_batch)
      message += QObject::tr("; no neighbour graph (a batch of scans): each sample fitted as a single pattern");
    if (fit->refit_rejected)
      message += QObject::tr(
                     "; measured with the cards' own patterns (adapted to the data they stopped being "
                     "their cards: cosine %1)")
                     .arg(fit->refit_rejected_cosine, 0, 'f', 2);
    for (std::size_t p = 0; p < fit->also_drawn_as.size(); ++p) {
      if (fit->also_drawn_as[p].empty()) continue;
      QStringList also;
      for (int card : fit->also_drawn_as[p])
        also << QString::fromStdString(phases->phases[static_cast<std::size_t>(card)].name);
      message += QObject::tr(
                     "; %1 is one phase drawn also by %2 (the same peaks where both were fitted: a solid "
                     "solution), shown as one")
                     .arg(names[static_cast<int>(p)], also.join(QStringLiteral(", ")));
    }
    message += r.weight_fractions.empty() ? QObject::tr("; intensity fractions (not every phase has a structure)")
                                          : QObject::tr("; weight fractions (Hill-Howard) and intensity fractions");
    message += QLatin1Char('.');
    return {onDocument(document, [fit](ProjectDocument& d) { d.setDecomposition(std::move(fit->result)); }), message};
  };
}

namespace {
// "In2O3 59 wt %, ZnO 41 wt %; 22.4 % of the diffracted intensity unexplained, peaks at ...".
QString describeIdentification(const core::PatternIdentification& id, bool two_theta) {
  QStringList phases;
  // Support: how much of the intensity the phase is fitted with the data holds (a card whose
  // peaks the data lacks would score low; the fit refuses those below its threshold).
  for (const core::IdentifiedPhase& p : id.phases)
    phases << (p.weight_fraction ? QObject::tr("%1 %2 wt %")
                                       .arg(QString::fromStdString(p.name))
                                       .arg(100.0 * *p.weight_fraction, 0, 'f', 0)
                                 : QObject::tr("%1 %2 % of the intensity")
                                       .arg(QString::fromStdString(p.name))
                                       .arg(100.0 * p.intensity_fraction, 0, 'f', 0)) +
                  QObject::tr(" (%1 % of its peaks' intensity found, chance %2)")
                      .arg(100.0 * p.support, 0, 'f', 0)
                      .arg(p.chance, 0, 'g', 2);
  QString text = phases.isEmpty() ? QObject::tr("no reference phase found") : phases.join(QStringLiteral(", "));
  text += QObject::tr("; %1 % of the diffracted intensity unexplained").arg(100.0 * id.unexplained_share, 0, 'f', 1);
  QStringList peaks;
  for (const core::UnexplainedPeak& u : id.unexplained_peaks)
    peaks << (two_theta && u.two_theta ? QStringLiteral("%1\u00B0").arg(*u.two_theta, 0, 'f', 2)
                                       : QStringLiteral("Q %1").arg(u.q_nm, 0, 'f', 2));
  if (!peaks.isEmpty())
    text += QObject::tr(", peaks at %1%2")
                .arg(two_theta ? QStringLiteral("2\u03B8 ") : QString(), peaks.join(QStringLiteral(", ")));
  if (id.left_out > 0) text += QObject::tr("; %1 reference phases left out by the sample's elements").arg(id.left_out);
  return text;
}
}  // namespace

JobWork identifyPatternJob(ProjectDocument* document, const core::PhaseIdentificationSettings& settings,
                           const std::string& radiation) {
  if (!document->referencePhases() || document->referencePhases()->size() == 0)
    throw core::Error("load reference phases first (File > Reference phases...)");
  if (document->library().samples != 1) throw core::Error("the single-pattern analysis takes a library of one pattern");
  auto library = std::make_shared<core::Library>(document->library());
  auto phases = std::make_shared<core::PhaseLibrary>(*document->referencePhases());
  return [document, settings, library, phases, radiation](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "drawing the reference phases");
    const core::ReferencePatterns references = core::renderReferencesFor(*phases, library->axis, radiation);
    core::reportProgress(progress, 0.5, "fitting the pattern");
    const core::PatternIdentification id =
        core::identifyPhases(library->axis, library->pattern(0), references, settings);
    const QString message = QObject::tr("Every phase in the pattern, against the %1 reference phases: %2.")
                                .arg(phases->size())
                                .arg(describeIdentification(id, library->axis.spec.kind == core::AxisKind::TwoTheta));
    if (id.phases.empty()) return {nullptr, message};  // nothing to show as a run: the earlier results stay
    auto result =
        std::make_shared<core::DecompositionResult>(core::asDecomposition(id, library->axis, library->pattern(0)));
    return {onDocument(document, [result](ProjectDocument& d) { d.setDecomposition(std::move(*result)); }), message};
  };
}

core::DecompositionSettings withKeptPhases(const ProjectDocument& document, core::DecompositionSettings settings,
                                           bool freeze) {
  const auto& d = document.decomposition();
  const std::vector<int> kept = document.keptPhases();
  if (!d || kept.empty()) return settings;
  const std::size_t m = d->axis.values.size();
  settings.seed_patterns.clear();
  settings.frozen.clear();
  for (int p : kept) {
    const auto first = d->bases.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(p) * m);
    settings.seed_patterns.insert(settings.seed_patterns.end(), first, first + static_cast<std::ptrdiff_t>(m));
    settings.frozen.push_back(freeze ? 1 : 0);
  }
  settings.phases = std::max(settings.phases, static_cast<int>(kept.size()));
  return settings;
}

core::ClassifierSettings defaultClassifierSettings(const ProjectDocument& document) {
  core::ClassifierSettings s;
  s.grid.spec = {core::AxisKind::Q, core::AxisUnit::InverseNanometre};
  double low = 15, high = 80;
  const core::Axis& axis = document.library().axis;
  if (!axis.values.empty() && axis.spec.kind == core::AxisKind::Q) {
    const double scale = axis.spec.unit == core::AxisUnit::InverseAngstrom ? 10.0 : 1.0;
    low = axis.values.front() * scale;
    high = axis.values.back() * scale;
  }
  for (int i = 0; i < 1024; ++i) s.grid.values.push_back(low + (high - low) * i / 1023.0);
  s.patterns_per_phase = 150;
  s.validation_per_phase = 30;
  s.epochs = 8;
  // Peaks as broad as the library's own (thin films are often several times broader than a
  // laboratory powder): a classifier that never met such widths calls every phase unknown.
  (void)s.setPeakWidthsLike(document.library());  // unmeasurable: the default range stays
  return s;
}

JobWork trainJob(ProjectDocument* document, const core::ClassifierSettings& settings) {
  if (!document->referencePhases()) throw core::Error("load reference phases before training a classifier");
  auto phases = std::make_shared<core::PhaseLibrary>(*document->referencePhases());
  const QString source = document->referenceSource();
  core::ClassifierSettings s = settings;
  if (s.threads == 0) s.threads = backgroundThreads();
  return [document, settings = s, phases, source](const core::ProgressCallback& progress) -> JobResult {
    core::TrainingReport report;
    auto classifier = std::make_shared<const core::PhaseClassifier>(
        core::PhaseClassifier::train(*phases, settings, &report, progress));
    const QString description = QObject::tr("trained on %1 (%2 phases), validation accuracy %3")
                                    .arg(source)
                                    .arg(phases->size())
                                    .arg(report.best_validation_accuracy, 0, 'f', 3);
    QString message = QObject::tr("Classifier trained in %1 s: %2 epochs, validation accuracy %3.")
                          .arg(report.seconds, 0, 'f', 1)
                          .arg(report.epochs_run)
                          .arg(report.best_validation_accuracy, 0, 'f', 3);
    if (report.restarts > 0)
      message += QObject::tr(" The network learnt nothing at first and was restarted %1 time(s); learning rate %2.")
                     .arg(report.restarts)
                     .arg(report.learning_rate, 0, 'g', 3);
    return {onDocument(document,
                       [classifier, description](ProjectDocument& d) { d.setClassifier(classifier, description); }),
            message};
  };
}

JobWork loadClassifierJob(ProjectDocument* document, const QString& path) {
  return [document, path](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "reading the classifier");
    auto classifier = std::make_shared<const core::PhaseClassifier>(core::PhaseClassifier::load(path.toStdString()));
    const QString message =
        QObject::tr("Loaded the classifier %1 (%2 phases).").arg(path).arg(classifier->phaseNames().size());
    return {onDocument(document, [classifier, path](ProjectDocument& d) { d.setClassifier(classifier, path); }),
            message};
  };
}

JobWork refineJob(ProjectDocument* document, const core::RefinementSettings& settings, int candidate, bool preview) {
  const auto classifier = document->classifier();
  if (!classifier) throw core::Error("train or load a classifier before refining");
  if (!document->decomposition()) throw core::Error("decompose the library before refining its phases");
  auto candidates = std::make_shared<core::Candidates>(
      core::candidatesFromDecomposition(*document->decomposition(), sourceOf(*document)));
  if (candidate >= static_cast<int>(candidates->count())) throw core::Error("no such candidate");
  // As the command line does by default: phases holding an element the library does not are
  // left out of every identity, guess and target.
  const std::vector<char> allowed = document->allowedClasses(*classifier);
  // Start from the current run's record when it belongs to this classifier.
  auto record = std::make_shared<core::RefinementRecord>();
  const auto& current = document->refinement();
  if (current && current->class_names == classifier->phaseNames() && current->count() == candidates->count())
    *record = *current;
  const std::string description = utf8(document->classifierDescription());
  return [=](const core::ProgressCallback& progress) -> JobResult {
    core::setComputeThreads(backgroundThreads());
    if (record->count() == 0) *record = core::identifyCandidates(*classifier, *candidates, description, 3, allowed);
    std::vector<float> x = core::prepareCandidates(*classifier, *candidates);
    std::vector<std::size_t> indices;
    const std::size_t m = classifier->points();
    if (candidate >= 0) {
      indices.push_back(static_cast<std::size_t>(candidate));
      x = std::vector<float>(x.begin() + static_cast<std::ptrdiff_t>(candidate * m),
                             x.begin() + static_cast<std::ptrdiff_t>((candidate + 1) * m));
    } else {
      for (std::size_t i = 0; i < candidates->count(); ++i) indices.push_back(i);
    }
    core::RefinementSettings s = settings;
    s.allowed_classes = allowed;
    // One candidate is refined per pattern; best-target works per pattern only.
    if (candidate >= 0 || s.loss == core::EvaluationLoss::BestTarget) s.mode = core::RefinementMode::PerPattern;
    const std::vector<core::RefinedPattern> refined = core::refine(*classifier, x, s, progress);
    core::mergeRefinement(*record, indices, refined, s, *classifier);
    const QString what = candidate >= 0 ? QObject::tr("phase %1").arg(candidate + 1) : QObject::tr("all phases");
    const QString name = (preview ? QObject::tr("preview: %1, lambda %2") : QObject::tr("refinement of %1, lambda %2"))
                             .arg(what)
                             .arg(settings.lambda);
    QString message = QObject::tr("Refined %1 (%2).").arg(what, QString::fromStdString(record->description));
    if (candidate >= 0) {
      const core::RefinedPattern& r = refined.front();
      message += QObject::tr(" %1 (%2) -> %3 (%4), change %5 %.")
                     .arg(QString::fromStdString(record->class_names[static_cast<std::size_t>(r.before.top[0])]))
                     .arg(r.before.probability[0], 0, 'f', 2)
                     .arg(QString::fromStdString(record->class_names[static_cast<std::size_t>(r.after.top[0])]))
                     .arg(r.after.probability[0], 0, 'f', 2)
                     .arg(100 * r.relative_change, 0, 'f', 1);
      if (r.after.unknown()) message += QObject::tr(" The classifier calls it unknown: unlike every phase it knows.");
    }
    if (const std::string warning = core::peakWidthWarning(*classifier, *candidates); !warning.empty())
      message += QObject::tr(" Note: %1.").arg(QString::fromStdString(warning));
    return {
        onDocument(document, [record, name, preview](ProjectDocument& d) { d.setRefinement(*record, name, preview); }),
        message};
  };
}

JobWork unmixJob(ProjectDocument* document) {
  const auto classifier = document->classifier();
  if (!classifier) throw core::Error("train or load a classifier before unmixing the phases");
  if (!document->decomposition()) throw core::Error("decompose the library before unmixing its phases");
  if (!document->referencePhases() || document->referencePhases()->size() == 0)
    throw core::Error("load reference phases first (File > Reference phases...)");
  auto candidates = std::make_shared<core::Candidates>(
      core::candidatesFromDecomposition(*document->decomposition(), sourceOf(*document)));
  auto phases = std::make_shared<core::PhaseLibrary>(*document->referencePhases());
  const std::vector<char> allowed = document->allowedClasses(*classifier);
  core::UnmixingSettings settings;
  if (!document->keepsForeignPhases()) settings.fit.elements = document->library().elements;
  const std::string description = utf8(document->classifierDescription());
  return [=](const core::ProgressCallback& progress) -> JobResult {
    core::setComputeThreads(backgroundThreads());
    core::reportProgress(progress, 0.0, "drawing the reference phases");
    const core::ReferencePatterns references =
        core::renderReferencesFor(*phases, classifier->grid(), classifier->settings().radiation);
    const std::vector<float> x = core::prepareCandidates(*classifier, *candidates);
    auto record = std::make_shared<core::RefinementRecord>(core::recordRefinement(
        *classifier, core::unmixCandidates(*classifier, x, references, settings, 3, allowed, progress), {},
        description));
    record->description = core::describeUnmixing(settings, phases->size());
    int changed = 0, doubtful = 0;
    for (const core::RefinedPattern& r : record->refined) {
      changed += r.before.top[0] != r.after.top[0];
      doubtful += r.edit.keptLessThanRemoved();
    }
    QString message = QObject::tr("Unmixed all phases (%1); %2 of %3 changed identity.")
                          .arg(QString::fromStdString(record->description))
                          .arg(changed)
                          .arg(record->count());
    if (doubtful > 0)
      message += QObject::tr(
                     " %1 kept the classifier's first guess although the fit found a larger phase in them: "
                     "the phase may be that one (see the phases panel).")
                     .arg(doubtful);
    return {onDocument(document,
                       [record](ProjectDocument& d) { d.setRefinement(*record, QObject::tr("unmixing"), false); }),
            message};
  };
}

JobWork saveProjectJob(ProjectDocument* document, const QString& path) {
  auto project = std::make_shared<plugins::Project>();
  project->library = document->library();
  project->phases = document->referencePhases();
  project->decomposition = document->decomposition();
  project->refinement = document->refinement();
  project->keep_foreign_phases = document->keepsForeignPhases();
  return [document, project, path](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "saving");
    plugins::writeProject(*project, path.toStdString());
    return {onDocument(document, [path](ProjectDocument& d) { d.markSaved(path); }), QObject::tr("Saved %1").arg(path)};
  };
}

JobWork exportRefinedJob(ProjectDocument* document, const core::FormatRegistry& registry, const QString& path) {
  if (!document->decomposition() || !document->refinement())
    throw core::Error("there are no identified or refined phases to export yet");
  const core::Candidates candidates =
      core::candidatesFromDecomposition(*document->decomposition(), sourceOf(*document));
  auto refined = std::make_shared<core::Library>(core::refinedLibrary(*document->refinement(), candidates));
  return [refined, &registry, path](const core::ProgressCallback& progress) -> JobResult {
    core::reportProgress(progress, 0.0, "exporting");
    registry.writerFor(path.toStdString()).write(*refined, path.toStdString());
    return {nullptr, QObject::tr("Exported %1 refined patterns to %2").arg(refined->samples).arg(path)};
  };
}

}  // namespace phasewise::gui
