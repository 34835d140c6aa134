#pragma once
// The physical refiner's edits of a diffraction pattern (see learn/refiner.h), in plain data:
// the bounds and costs that say what an edit may do and what it costs, and the edit made, in
// the terms a crystallographer reads ("removed peaks at Q = 23.6, 33.6 nm^-1 (12 % of the
// intensity), lattice -0.8 %"). Torch-free.

#include <string>
#include <vector>

#include "model/peaks.h"

namespace phasewise::core {

struct PhysicalEditSettings {
  // Strain and broadening are off by default: on every benchmark set they lowered the refined
  // patterns' cosine to the true pure pattern (the truth keeps its own strain and widths), and
  // the classifier is trained across strains and widths already. Set them to use them.
  double max_strain = 0.0;            // |lattice strain| at most (e.g. 0.03)
  double max_broadening = 0.0;        // added Gaussian sigma, in grid points, at most (e.g. 2)
  int background_terms = 4;           // Bernstein polynomial terms of the smooth background
  double min_peak_prominence = 0.03;  // of the maximum: what counts as a peak of its own
  // The change d: intensity removed (by attenuated peaks and background, as a share of the
  // observed intensity) + strain_cost |strain| + broadening_cost (diffusion time / its maximum).
  // 1 % strain costs as much as removing 10 % of the intensity: decomposition already follows
  // shifts, and a cheap strain lets the refiner slide peaks onto any look-alike's positions.
  double strain_cost = 10.0;
  double broadening_cost = 0.2;
  // Only what the target phase does not explain may go: a peak is kept at least at the share
  // of it that the target's ideal pattern supports (aligned over +-3 % strain, a few points'
  // tolerance; fully where the ideal, at the peak's maximum, reaches a third of the peak's
  // height above its valleys, heights as shares of each pattern's strongest peak), so that a
  // contaminant's peaks can be taken away and the phase's own cannot, however broad they are
  // or whatever background they sit on. Off: any peak may go.
  bool keep_target_peaks = true;
  // Start from the target's explained part (what its ideal pattern lacks taken away) and let
  // the classifier bring back what it needs (true), or keep that projection as it is (false):
  // a cleaner pattern, whether or not the classifier needed it cleaned.
  bool restore = true;
  double learning_rate = 0.05;  // of the edit parameters (each scaled to [0, 1] or [-1, 1])
};

struct EditedPeak {
  double position = 0;  // Q (nm^-1) of the peak's maximum
  double share = 0;     // of the candidate's intensity taken away
  double kept = 1;      // mask value left on the peak: 0 removed, 1 untouched
};

// A phase of the library unmixing (learn/unmixing.h): the one it kept, a near-twin of it that
// it kept too, or one it took away.
struct EditedPhase {
  enum class Role { Removed, Kept, Twin };
  std::string name;
  // Of the candidate's intensity: what was taken away (removed), or what the phase's fitted
  // pattern carries (kept, twin; 0 in project files written before it was recorded).
  double share = 0;
  Role role = Role::Removed;
};

struct PhysicalEdit {
  bool applied = false;             // false: the additive refiner (or no refinement)
  int target = -1;                  // the class whose ideal pattern decided what was kept (-1: none)
  double removed_fraction = 0;      // of the observed intensity, by peaks and background together
  double background_fraction = 0;   // the part of it removed as smooth background
  double strain = 0;                // lattice strain applied: R(x)(Q) = x(Q (1 + strain)), d-spacings x (1 + strain)
  double broadening = 0;            // added Gaussian sigma, grid points
  std::vector<EditedPeak> peaks;    // peaks losing >= 1 % of the intensity, by position
  std::vector<EditedPhase> phases;  // library unmixing: the phase kept, its twins, the phases removed (largest first)

  // "removed peaks at Q = 23.60, 33.60 nm^-1 (12 % of the intensity); weakened peaks at
  // Q = 41.20 nm^-1 (3.0 % of the intensity); background 4.0 %; lattice -0.80 %", or "no change";
  // unmixing: "kept Li5AlO4 (with its near-twin Li5FeO4); removed phases LiFeO2 (18 % of the
  // intensity), Fe2O3 (6.0 %); background 40 %".
  [[nodiscard]] std::string describe() const;
  // Library unmixing kept a phase that carries less of the candidate, with its near-twins, than
  // a phase it removed (the classifier's first guess against the fit's largest): the candidate
  // may be the other.
  [[nodiscard]] bool keptLessThanRemoved() const;
};

}  // namespace phasewise::core
