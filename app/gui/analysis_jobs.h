#pragma once
// The GUI's long jobs, each a snapshot of what it needs taken when it is created (on the GUI
// thread) and a result applied to the document when it completes (JobController). All the
// work is the core's; these only connect it to the document.

#include <QPointer>
#include <QString>

#include "decompose/decomposition.h"
#include "decompose/library_fit.h"
#include "decompose/phase_identification.h"
#include "job_controller.h"
#include "learn/classifier.h"
#include "learn/refiner.h"

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::gui {

class ProjectDocument;

// Any library the registry reads, a project (.h5 with /library: decomposition and refinement
// come along), or the built-in example (path empty) with its reference phases.
JobWork openFileJob(ProjectDocument* document, const core::FormatRegistry& registry, const QString& path);
JobWork openExampleJob(ProjectDocument* document);
// A phase-library file (phasewise-cli library build) as the reference phases.
JobWork loadReferencePhasesJob(ProjectDocument* document, const QString& path);

JobWork decomposeJob(ProjectDocument* document, const core::DecompositionSettings& settings);
// The library-guided decomposition: the document's reference phases, drawn on the library's
// axis with `radiation` (simulate/reference_render.h: "" for the library's wavelength), fitted
// to every sample (decompose/library_fit.h). Identities, confidences and weight fractions
// come with the result.
JobWork libraryGuidedJob(ProjectDocument* document, const core::LibraryFitSettings& settings,
                         const std::string& radiation);
// Every phase in a library of one pattern (decompose/phase_identification.h): the reference
// phases fitted to it, what they leave reported as the unexplained share and peaks; shown as a
// one-sample decomposition.
JobWork identifyPatternJob(ProjectDocument* document, const core::PhaseIdentificationSettings& settings,
                           const std::string& radiation);
// Human in the loop: the settings with the document's kept phases as the first starting
// patterns (frozen when `freeze`), taken from the current decomposition.
core::DecompositionSettings withKeptPhases(const ProjectDocument& document, core::DecompositionSettings settings,
                                           bool freeze);
// Trains on the document's reference phases.
JobWork trainJob(ProjectDocument* document, const core::ClassifierSettings& settings);
JobWork loadClassifierJob(ProjectDocument* document, const QString& path);
// Refines one candidate (`candidate` >= 0; `preview` replaces an earlier preview in the run
// history) or all of them (-1).
JobWork refineJob(ProjectDocument* document, const core::RefinementSettings& settings, int candidate, bool preview);
// Library unmixing of every candidate (learn/unmixing.h): the document's reference phases,
// drawn on the classifier's grid, fitted to each; every phase found but the classifier's first
// guess is taken away with the background, and the classifier names what is left.
JobWork unmixJob(ProjectDocument* document);
JobWork saveProjectJob(ProjectDocument* document, const QString& path);
// The refined candidates with provenance (any format the registry writes: .csv, .h5, .xy for one pattern).
JobWork exportRefinedJob(ProjectDocument* document, const core::FormatRegistry& registry, const QString& path);

// The classifier settings the GUI trains with by default: the library's own Q range (or
// 15-80 nm^-1), 1024 points, a few minutes at most on two cores.
core::ClassifierSettings defaultClassifierSettings(const ProjectDocument& document);

}  // namespace phasewise::gui
