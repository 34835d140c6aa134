#pragma once
// Library unmixing of a candidate phase pattern: the candidate is fitted as a sparse
// non-negative combination of the reference phases plus a smooth background (the
// single-pattern fit of decompose/phase_identification.h), and everything but the phase kept
// is taken away: the other phases' fitted intensity and the background. It is a physical
// edit in the sense (intensity is only ever removed, never invented: the result is
// at most the candidate everywhere), and it says what it removed in a chemist's words
// ("removed LiFeO2 (18 % of the intensity), Fe2O3 (6 %); background 40 %"). A decomposed
// candidate is imperfect mostly because it carries co-occurring phases' peaks; those phases
// are usually in the library, so the library says which peaks are not the candidate's.
// Torch-free.

#include <string>
#include <vector>

#include "decompose/phase_identification.h"
#include "learn/physical_edit.h"
#include "learn/refiner.h"
#include "model/axis.h"
#include "model/reference_patterns.h"

namespace phasewise::core {

struct UnmixingSettings {
  // The fit of phase_identification.h, with the lattice free within 3 % (a candidate's phase
  // carries the strain of the samples it came from) and up to four phases.
  PhaseIdentificationSettings fit = defaultFit();
  bool remove_background = true;  // false: only the other phases' intensity goes
  // A phase found beside the kept one whose fitted pattern agrees with the kept one's above this
  // cosine, at the best relative shift within twice the fit's strain bound, is a near-twin (the
  // decomposition's twin_cosine): the same structure at another composition or lattice, as a
  // solid-solution series spread over a library's samples gives. It is the candidate's own
  // phase, not a contaminant, so it stays (the kept phase's twins are listed).
  double twin_cosine = 0.85;
  static PhaseIdentificationSettings defaultFit();
};

struct RemovedPhase {
  std::string name;
  int reference = -1;
  double share = 0;  // of the candidate's intensity
};

struct UnmixedCandidate {
  std::vector<float> pattern;  // on the candidate's axis, 0 <= pattern <= candidate
  int kept = -1;               // the reference phase kept (the fit's largest), -1: none found
  std::string kept_name;
  std::vector<RemovedPhase> removed;  // the other phases found, largest first
  double kept_share = 0;              // of the candidate's intensity, the kept phase's fitted pattern
  std::vector<RemovedPhase> twins;    // near-twins of the kept phase, kept with it (share: as kept_share)
  double removed_fraction = 0;        // of the candidate's intensity, phases and background together
  double background_fraction = 0;     // the part of it that was background
  PatternIdentification fit;

  // The unmixing as a physical edit (what refine records, exports and shows): the phase kept,
  // its twins and the phases removed; target -1 (the caller knows its classes).
  [[nodiscard]] PhysicalEdit edit() const;
  // edit().describe(): "kept Li5AlO4 (with its near-twin Li5FeO4); removed phases LiFeO2 (18 %
  // of the intensity), Fe2O3 (6.0 %); background 40 %", or "no reference phase found: nothing
  // removed".
  [[nodiscard]] std::string describe() const;
};

// pattern: values on `axis` (a Q axis, or 2-theta with the axis' wavelength), as fitted with
// `references` rendered for that axis (simulate/reference_render.h: renderReferencesFor).
// keep: the reference phase to keep (e.g. a classifier's first guess) when the fit finds it,
// or the fit's phase that is its near-twin (the same phase under a look-alike card, or another
// member of its solid-solution series); -1, or neither found: the fit's largest.
[[nodiscard]] UnmixedCandidate unmixCandidate(const Axis& axis, const float* pattern,
                                              const ReferencePatterns& references,
                                              const UnmixingSettings& settings = {}, int keep = -1);

// The unmixing in words, for records and exports: "library unmixing with 159 reference phases
// (lattice within 3 %, up to 4 phases; background removed; near-twins above cosine 0.85 kept)".
[[nodiscard]] std::string describeUnmixing(const UnmixingSettings& settings, std::size_t reference_phases);

// Library unmixing as the refinement of a classifier's candidates (count x its input size, on
// its grid): each candidate is unmixed with `references` (rendered on the classifier's grid,
// renderReferencesFor), keeping the classifier's first guess where the fit finds a reference
// of that name (else the fit's largest), and is named by the classifier before and after,
// both at its calibrated per-input temperature: the edit is chosen by the library fit, not to
// make the classifier surer, so the probabilities after keep their calibration. The edit
// records the phases and the background removed (PhysicalEdit::phases; target: the kept
// phase's class, -1 when the classifier has no class of that name). `allowed`: as predict's;
// the fit tries only references allowed by settings.fit.elements. Throws CancelledError when
// progress says stop.
[[nodiscard]] std::vector<RefinedPattern> unmixCandidates(const RefinableClassifier& classifier,
                                                          const std::vector<float>& candidates,
                                                          const ReferencePatterns& references,
                                                          const UnmixingSettings& settings, int top_k = 3,
                                                          const std::vector<char>& allowed = {},
                                                          const ProgressCallback& progress = nullptr);

}  // namespace phasewise::core
