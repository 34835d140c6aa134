#pragma once
// Candidate phase patterns to identify and refine, wherever they come from (a decomposition's
// phases, any library's samples), put on the classifier's grid; and the refined result with
// its provenance as a library for export. Shared by the CLI and the desktop app.
// Free of LibTorch.

#include <string>
#include <vector>

#include "decompose/decomposition.h"
#include "learn/classifier.h"
#include "learn/refinement_record.h"
#include "learn/refiner.h"
#include "model/library.h"

namespace phasewise::core {

struct Candidates {
  Axis axis;
  std::vector<float> patterns;  // count x axis points
  std::vector<std::string> labels;
  std::string source;
  // The elements of the library the candidates come from (its composition space), when known:
  // the chemistry that rules phases out (learn/class_chemistry.h).
  std::vector<std::string> elements;
  [[nodiscard]] std::size_t count() const { return labels.size(); }
};

// A decomposition's phase patterns ("phase 1" ...), on the library's axis.
[[nodiscard]] Candidates candidatesFromDecomposition(const DecompositionResult& decomposition,
                                                     const std::string& source);
// Every sample of a library ("sample 1" ...).
[[nodiscard]] Candidates candidatesFromLibrary(const Library& library, const std::string& source);

// The candidates on the classifier's grid (count x grid points), each scaled to a maximum of 1.
[[nodiscard]] std::vector<float> prepareCandidates(const PhaseClassifier& classifier, const Candidates& candidates);

// A warning when the candidates' peaks (model/peak_width.h) are much broader or narrower than
// those the classifier was trained on (outside its FWHM range by more than a factor 1.5): its
// open-set score then calls their phases unknown, however right the names. Empty otherwise,
// and when the widths cannot be measured.
[[nodiscard]] std::string peakWidthWarning(const PhaseClassifier& classifier, const Candidates& candidates);

// "lambda 1, entropy, L1, per pattern" (what provenance records).
[[nodiscard]] std::string describe(const RefinementSettings& settings, const PhaseClassifier& classifier);

// The candidates identified but not yet refined (pattern: the prepared original; after =
// before; done = 0), to be refined one by one or all at once.
// `allowed`: as RefinableClassifier::predict's.
[[nodiscard]] RefinementRecord identifyCandidates(const PhaseClassifier& classifier, const Candidates& candidates,
                                                  const std::string& classifier_description, int top_k = 3,
                                                  const std::vector<char>& allowed = {});
// Puts refined candidates into a record: `indices[i]` is the candidate refined[i] belongs to.
void mergeRefinement(RefinementRecord& record, const std::vector<std::size_t>& indices,
                     const std::vector<RefinedPattern>& refined, const RefinementSettings& settings,
                     const PhaseClassifier& classifier);
// A record of candidates that were all refined (the CLI's refine).
[[nodiscard]] RefinementRecord recordRefinement(const PhaseClassifier& classifier, std::vector<RefinedPattern> refined,
                                                const RefinementSettings& settings,
                                                const std::string& classifier_description);

// The record's refined candidates (only those refined, or all when none are) as a library for
// the registered writers: one sample per pattern on the classifier's grid, named refined_1 ...;
// per sample the candidate it was, the identity and probability before and after, the change
// and the physical edit in words; library-wide the source, the classifier and the settings.
[[nodiscard]] Library refinedLibrary(const RefinementRecord& record, const Candidates& candidates);

}  // namespace phasewise::core
