#pragma once
// Imitation refinement (../shared/DESIGN.md): make the smallest change to a candidate phase
// pattern that lets the frozen classifier identify it,  min  l(C(R(x))) + lambda d(R(x), x).
// Two refiners R:
//  - additive (the seed paper's): R(x) = max(0, x + delta), per pattern (delta optimised
//    directly) or amortised (delta = a small residual network trained over all candidates);
//    written once against RefinableClassifier, 1-D patterns and 2-D images alike;
//  - physical (diffraction patterns only): R composes the edits a crystallographer accepts
//    (attenuate detected peaks by a mask in [0, 1], never inventing intensity; a bounded
//    lattice strain; peak broadening; a smooth background subtracted), and d is measured in
//    those terms (see learn/physical_edit.h).

#include <string>
#include <vector>

#include <optional>

#include "learn/physical_edit.h"
#include "learn/refinable_classifier.h"
#include "util/progress.h"

namespace phasewise::core {

enum class RefinementMode { PerPattern, Amortised };
// Entropy: non-targeted (the classifier's uncertainty). Targeted: cross-entropy to one phase.
// BestTarget: targeted refinement towards each of the classifier's `candidate_targets` first
// guesses, keeping the cheapest (lowest objective): "the simplest refinement that makes the
// classifier effective" decides the identity as well as the pattern. Per-pattern mode only.
// Prototype: squared distance of the refined pattern's embedding (the classifier's feature
// layer) to a class prototype (the mean embedding of that class' ideal patterns), relative to
// the prototype's norm: the later, prototypical version of the method. The prototype is the
// target's when one is given, else the nearest one to the candidate.
enum class EvaluationLoss { Entropy, Targeted, BestTarget, Prototype };
enum class RefinerKind { Additive, Physical };
enum class Discrepancy { L1, L2, Features };  // on the pattern, or on the classifier's features

struct RefinementSettings {
  RefinerKind refiner = RefinerKind::Additive;
  PhysicalEditSettings physical;  // the physical refiner's bounds and costs
  RefinementMode mode = RefinementMode::PerPattern;
  EvaluationLoss loss = EvaluationLoss::Entropy;
  int target = -1;            // class (phase) index for the targeted loss
  int candidate_targets = 3;  // guesses tried by BestTarget
  Discrepancy discrepancy = Discrepancy::L1;
  double lambda = 1.0;  // weight of the change against the classifier's certainty
  int steps = 150;      // optimiser steps (per pattern) or epochs (amortised)
  double learning_rate = 0.01;
  int top_k = 3;
  std::uint64_t seed = 1;
  // Per pattern with the L1 change: apply the change term as a proximal step (soft-thresholding
  // after each optimiser step) instead of through its gradient, so that values the classifier
  // does not need changed stay exactly as they were: sparse, stroke-like edits.
  bool sparse_changes = false;
  // Upper bound of a refined value (images: 1 = full ink); none for diffraction patterns.
  std::optional<double> ceiling;
  // Classes ruled out for these candidates (0), e.g. phases whose elements the library does not
  // hold (learn/class_chemistry.h): the identities before and after, the losses and the
  // best-target guesses see only the rest. Empty: every class.
  std::vector<char> allowed_classes;
};

// The lambda each refiner starts from. Physical: removing 10 % of a pattern's intensity costs
// as much as 1 nat of the evaluation loss. Additive: the seed paper's relative L1 at weight 1.
[[nodiscard]] constexpr double defaultLambda(RefinerKind refiner) {
  return refiner == RefinerKind::Physical ? 10.0 : 1.0;
}

struct RefinedPattern {
  std::vector<float> pattern;  // on the classifier's grid (its input shape)
  Prediction before, after;
  double relative_change = 0.0;  // sum |R(x) - x| / sum |x|
  PhysicalEdit edit;             // what the physical refiner did (empty for the additive one)
};

// candidates: count x the classifier's input size (prepared). The physical refiner needs the
// classifier's input positions in Q (RefinableClassifier::inputQ). Targeted refinement aims every
// candidate at settings.target, or at targets[i] when `targets` is given (one per candidate).
// Throws CancelledError when progress says stop.
[[nodiscard]] std::vector<RefinedPattern> refine(const RefinableClassifier& classifier,
                                                 const std::vector<float>& candidates,
                                                 const RefinementSettings& settings,
                                                 const ProgressCallback& progress = nullptr,
                                                 const std::vector<int>& targets = {});

struct LambdaSweepRow {
  double lambda = 0.0;
  double mean_entropy_before = 0.0, mean_entropy_after = 0.0;
  double mean_relative_change = 0.0;
  int changed_identity = 0;  // candidates whose top-1 changed
};
// Refines at each lambda and summarises: helps choose lambda for a data set.
[[nodiscard]] std::vector<LambdaSweepRow> sweepLambda(const RefinableClassifier& classifier,
                                                      const std::vector<float>& candidates, RefinementSettings settings,
                                                      const std::vector<double>& lambdas);

}  // namespace phasewise::core
