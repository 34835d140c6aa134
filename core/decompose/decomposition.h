#pragma once
// Phase decomposition of a library: settings in, a result out (plain data, saved in project
// files and in the instance solution format).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/axis.h"

namespace phasewise::core {

enum class NmfLoss { Frobenius, KullbackLeibler };

// Starting patterns for the shift-aware model: the purest samples by successive projection
// ("spa"), NNDSVD + NMF on log-Q ("nmf"), or both with the lower final loss kept ("best").
enum class Initialisation { PurestSamples, Nmf, Best };

// The name used on the command line and in project files.
[[nodiscard]] inline std::string initialisationName(Initialisation init) {
  return init == Initialisation::Nmf ? "nmf" : init == Initialisation::Best ? "best" : "spa";
}
// nullopt for a name that is none of spa, nmf, best.
[[nodiscard]] inline std::optional<Initialisation> parseInitialisation(const std::string& name) {
  if (name == "spa") return Initialisation::PurestSamples;
  if (name == "nmf") return Initialisation::Nmf;
  if (name == "best") return Initialisation::Best;
  return std::nullopt;
}

struct DecompositionSettings {
  int phases = 6;              // K
  int shifts = 32;             // largest peak shift in log-Q bins each way; 0: plain NMF (no shifts)
  std::size_t log_points = 0;  // log-Q grid size; 0: the library's point count
  NmfLoss loss = NmfLoss::Frobenius;
  int max_iterations = 100;     // cap on outer iterations (shift-aware) or NMF iterations (plain)
  double tolerance = 1e-4;      // stop when the relative loss change falls below this
  double sparsity = 0.0;        // L1 weight on activations (plain NMF)
  bool gibbs = true;            // at most the sample's phase limit of phases per sample
  int default_phase_limit = 3;  // used when the library gives none (an E-cation system: E)
  bool connectivity = true;     // contiguous phase regions, smooth shifts on the neighbour graph
  bool background = true;       // a shared smooth background component
  // Per-sample peak broadening (shift-aware model): each sample may widen each phase's peaks
  // by one of a few Gaussian blurs (log-Q sigma 0.004, 0.008, 0.016, i.e. up to about twice the
  // width of a lab diffractometer's peaks), as grain size and microstrain change across a spread.
  bool broadening = true;
  // Starting patterns for the shift-aware model (see Initialisation).
  Initialisation init = Initialisation::PurestSamples;
  std::uint64_t seed = 1;
  // Human in the loop: patterns the user seeds (count x library points, on the library's
  // axis) start the first phases; `frozen` (one flag per seeded pattern) holds them fixed.
  std::vector<float> seed_patterns;
  std::vector<char> frozen;
  unsigned threads = 0;        // 0: all cores
  std::string device = "cpu";  // LibTorch device for the dense NMF stages ("cpu", "cuda")
};

struct DecompositionResult {
  DecompositionSettings settings;
  std::size_t samples = 0;
  int phases = 0;
  Axis axis;                                 // the library's axis
  Axis log_axis;                             // the log-Q grid the shift-aware model works on
  std::vector<float> bases;                  // phases x axis points, each scaled to a maximum of 1
  std::vector<float> bases_log;              // phases x log points
  std::vector<float> activations;            // samples x phases (summed over shifts), in the data's units
  std::vector<float> fractions;              // samples x phases: activation x basis maximum, per sample normalised
  std::vector<float> shifts;                 // samples x phases: multiplicative Q factor (1 = no shift)
  std::vector<float> reconstruction;         // samples x axis points
  std::vector<float> per_phase;              // samples x phases x axis points (each phase's contribution)
  std::vector<float> background;             // axis points (zero when no background component)
  std::vector<float> background_activation;  // samples
  std::vector<float> sample_loss;            // samples: L1 of the residual
  std::vector<double> loss_history;          // objective per iteration
  // Library-guided fits only (empty otherwise): each phase's reference name ("free N" for a
  // free component) and, per sample, the confidence in it (samples x phases, 0 where absent).
  std::vector<std::string> phase_names;
  std::vector<float> confidence;
  // Library-guided fits: per phase, the other cards that drew the same phase and were merged
  // into it (phase_merge.h), names joined by ", "; empty strings for most, empty without merging.
  std::vector<std::string> also_drawn_as;
  // Single-pattern analyses: samples x phases, the share of each phase's fitted intensity the
  // data holds (its support; the fit refuses cards below a threshold); empty otherwise.
  std::vector<float> support;
  // Single-pattern analyses: samples x phases, the chance that data unrelated to the phase holds
  // as many of its peaks (LibraryFitter::chanceOf); empty otherwise.
  std::vector<float> chance;
  // Library-guided fits with phases from structures: Hill-Howard weight fractions (samples x
  // phases, weight_fractions.h); empty otherwise (stick cards give intensity fractions only).
  std::vector<float> weight_fractions;
  // Single-pattern analyses (one sample): where the peaks no phase explains lie (Q in nm^-1)
  // and the share of the diffracted intensity left unexplained; empty and 0 otherwise.
  std::vector<double> unexplained_q_nm;
  double unexplained_share = 0;
  int iterations = 0;
  bool converged = false;   // stopped by the relative-change test, not by the cap
  double final_change = 0;  // the last relative change of the objective (the test's measure)
  double seconds = 0.0;

  [[nodiscard]] float fraction(std::size_t sample, int phase) const {
    return fractions[sample * static_cast<std::size_t>(phases) + static_cast<std::size_t>(phase)];
  }
};

}  // namespace phasewise::core
