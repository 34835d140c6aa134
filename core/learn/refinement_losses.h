#pragma once
// LibTorch internals of imitation refinement (learn/*.cpp only): the evaluation losses l(C(r))
// both refiners minimise, per row of a batch.

#include <torch/types.h>

#include "learn/network.h"

namespace phasewise::core {

// What a refinement aims at, one entry per row. Undefined `classes`: the entropy of the
// classifier's distribution (non-targeted). Defined: cross-entropy to each row's class, or
// with `prototype`, the relative squared distance of the embedding to that class' prototype.
struct RefinementAim {
  torch::Tensor classes;
  bool prototype = false;
  torch::Tensor class_offsets;  // classOffsets(): classes ruled out (undefined: none)
};

// l(C(refined)) per row (refined: a batch in the classifier's input shape). The classifier's
// feature layer goes to `features` when asked.
torch::Tensor evaluationLoss(ClassifierNetwork& n, const torch::Tensor& refined, const RefinementAim& aim,
                             torch::Tensor* features = nullptr);

// The class whose prototype is nearest to each row's embedding, among those `class_offsets`
// (classOffsets) does not rule out.
torch::Tensor nearestPrototype(ClassifierNetwork& n, const torch::Tensor& inputs,
                               const torch::Tensor& class_offsets = {});

}  // namespace phasewise::core
