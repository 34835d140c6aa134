#pragma once
// Training sets for the phase classifier: many realistic variants of each reference phase's
// ideal pattern, deterministic for a seed whatever the thread count. Each variant draws
// lattice strain (per cell axis for structures, one Q scale for stick lists), peak width and
// shape, texture (March-Dollase along a low-index direction for structures; for sticks, which
// carry no hkl, at an angle drawn per line), K-alpha2, zero offset, background (polynomial + exponential), counting
// (Poisson) and Gaussian noise, and is normalised to a maximum of 1.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"
#include "simulate/powder_pattern.h"
#include "util/progress.h"

namespace phasewise::core {

struct AugmentationSettings {
  double strain = 0.02;                                     // largest relative change of a cell length (or of Q)
  ProfileSettings profile{0.0, 0.0, 0.01, 0.5, 0.0, 12.0};  // base Caglioti width; window 12 FWHM
  double width_scale_min = 0.6, width_scale_max = 2.5;      // FWHM multiplier range
  double eta_min = 0.1, eta_max = 0.9;                      // Lorentzian fraction range
  double texture = 0.3;                                     // March-Dollase r in [1 - texture, 1]
  // Stick cards: each line scaled by 1 +- texture at random (false, the default), or
  // March-Dollase at an angle drawn per line (true: `train --stick-texture march-dollase`, for
  // strongly textured films; on the benchmarks it named no more real phases and 2-3 points
  // fewer synthetic candidates, README "Simulation, in brief").
  bool stick_march_dollase = false;             // by name: stickTextureIsMarchDollase, stickTextureName
  double background = 0.1;                      // largest background, relative to the strongest peak
  double counts_min = 300, counts_max = 30000;  // counts at the strongest peak (Poisson noise); 0: none
  double gaussian_noise = 0.005;                // largest Gaussian noise sigma, relative to the maximum
  double kalpha2_probability = 0.5;             // chance of adding the radiation's second line
  double zero_offset_deg = 0.05;                // largest 2-theta zero error
  // Off: the pattern keeps its absolute scale (structures: |F|^2 m LP per unit cell, drawn with
  // area-normalised peaks; stick lists: the strongest stick 100), which weight fractions need.
  bool normalise = true;

  // No augmentation at all: the ideal pattern (fixed width and shape, no noise, no shifts).
  static AugmentationSettings none();
};

// The stick-card texture's names: "scaling" (false) and "march-dollase" (true). Throws Error
// naming both for anything else.
bool stickTextureIsMarchDollase(const std::string& name);
const char* stickTextureName(bool march_dollase);

struct TrainingSet {
  Axis grid;
  std::vector<std::string> phase_names;
  std::size_t count = 0;
  std::vector<float> patterns;       // count x grid points
  std::vector<std::int32_t> labels;  // phase index of each pattern
};

class TrainingSetGenerator {
 public:
  // Prepares every phase (reflections are computed once). `radiation.lines[0]` is the main
  // line; a second line, if any, is the K-alpha2 the augmentation may add.
  TrainingSetGenerator(const PhaseLibrary& library, Axis grid, Radiation radiation, AugmentationSettings settings);
  ~TrainingSetGenerator();
  TrainingSetGenerator(const TrainingSetGenerator&) = delete;
  TrainingSetGenerator& operator=(const TrainingSetGenerator&) = delete;

  // Variant `index` of phase `phase` (deterministic in seed, phase, index), into `out`
  // (grid-size values). Index 0 with settings all zero is the ideal pattern.
  void augment(std::size_t phase, std::uint64_t index, std::uint64_t seed, float* out) const;

  // `per_phase` variants of every phase, on `threads` threads (0: all cores).
  [[nodiscard]] TrainingSet generate(std::size_t per_phase, std::uint64_t seed, unsigned threads = 0,
                                     const ProgressCallback& progress = nullptr) const;

  [[nodiscard]] const Axis& grid() const;
  [[nodiscard]] std::size_t phaseCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phasewise::core
