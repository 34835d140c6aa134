#pragma once
// Every phase in one measured pattern (a powder, a reaction product): the pattern is fitted as
// a sparse non-negative combination of candidate phases, each with its own lattice scale and
// peak width, plus a smooth background (the library-guided fit applied to one sample). Each
// phase found comes with its intensity fraction, its weight fraction where it has a structure
// (Hill-Howard: W proportional to scale x Z M V), its lattice scale and a confidence; what no
// candidate explains is reported as the unexplained share of the diffracted intensity with the
// positions of the unexplained peaks, instead of being forced onto a wrong phase.

#include <optional>
#include <string>
#include <vector>

#include "decompose/decomposition.h"
#include "decompose/library_fit.h"
#include "model/axis.h"
#include "model/reference_patterns.h"

namespace phasewise::core {

struct PhaseIdentificationSettings {
  // singlePatternFit (library_fit.h): strain 1 %, gain 0.2 % of |y|^2 (a minor phase, e.g.
  // 10 wt % NiO beside 70 % of a phase the library lacks, may stay), support >= 0.65, chance
  // <= 0.02, the lower-envelope background, every candidate, 16 per step, a log-Q grid of 3000
  // points (at most the pattern's own). On the dara mixtures (phasewise-bench identify): false
  // phases 20 -> 1-2, recall 84 -> 94.7 %.
  LibraryFitSettings fit = singlePatternFit({});
  int max_phases = 4;  // phases per pattern at most
  // An unexplained peak rises this far above its valleys (of the maximum), and at least five
  // times the noise (measured with the lower-envelope background).
  double min_peak = 0.05;
  // The sample's elements (a chemist knows what went in): candidates with any other element
  // than these and the light non-metals (model/chemistry.h: O, C, H, N, ...) are not tried.
  // Empty: every candidate. Candidates of unknown composition always stay.
  std::vector<std::string> elements;
};

struct IdentifiedPhase {
  std::string name;
  int reference = -1;
  double intensity_fraction = 0;          // of the intensity the phases explain
  std::optional<double> weight_fraction;  // Hill-Howard, when every phase found has a structure
  double lattice_scale = 1;               // d-spacings x this (1 / the Q scale)
  double confidence = 0;                  // 0..1 (near-twins among the candidates lower it)
  double support = 0;                     // share of its fitted intensity the data holds
  double chance = 1;                      // that as many of its peaks are held by chance
};

struct UnexplainedPeak {
  double q_nm = 0;
  double d_angstrom = 0;
  std::optional<double> two_theta;  // when the pattern has a wavelength
  double height = 0;                // of the pattern's maximum
};

struct PatternIdentification {
  std::vector<IdentifiedPhase> phases;  // by intensity fraction, largest first
  double unexplained_share = 0;         // of the diffracted intensity (background excluded)
  int left_out = 0;                     // candidates the chemistry (settings.elements) ruled out
  std::vector<UnexplainedPeak> unexplained_peaks;
  // The fit itself, for display: on its log-Q grid (Q in nm^-1), in the pattern's units,
  // each phase's contribution (phases x grid, in the order of `phases`) and the background.
  Axis grid;
  std::vector<float> contributions, background;
};

// pattern: values on `axis` (2-theta needs the axis' wavelength).
[[nodiscard]] PatternIdentification identifyPhases(const Axis& axis, const float* pattern,
                                                   const ReferencePatterns& references,
                                                   const PhaseIdentificationSettings& settings = {});

// The identification as a one-sample decomposition on the pattern's own axis, so that the
// views made for decompositions show it: each phase's contribution, the model (phases plus
// background), names, confidences, lattice scales and weight fractions. Its fractions are the
// identification's intensity fractions (of the intensity the phases explain).
[[nodiscard]] DecompositionResult asDecomposition(const PatternIdentification& identification, const Axis& axis,
                                                  const float* pattern);

}  // namespace phasewise::core
