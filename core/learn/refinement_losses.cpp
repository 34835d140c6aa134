#include "learn/refinement_losses.h"

#include <limits>

#include "util/error.h"

namespace phasewise::core {
namespace F = torch::nn::functional;

torch::Tensor evaluationLoss(ClassifierNetwork& n, const torch::Tensor& refined, const RefinementAim& aim,
                             torch::Tensor* features) {
  torch::Tensor h;
  // The refiner's losses use the best single temperature: the distance-dependent part
  // (network.h) would let an edit lower the stated certainty by moving away from every
  // prototype, and entropy refinement would chase the distance instead of the identity.
  torch::Tensor logits = n.net->forward(refined, &h);
  if (aim.class_offsets.defined()) logits = logits + aim.class_offsets;
  logits = logits / n.one_temperature;
  if (features) *features = h;
  if (!aim.classes.defined()) {
    const torch::Tensor log_p = torch::log_softmax(logits, 1);
    return -(log_p.exp() * log_p).sum(1);
  }
  if (aim.prototype) {
    if (!n.prototypes.defined()) throw Error("this classifier has no class prototypes (train it again)");
    const torch::Tensor p = n.prototypes.index_select(0, aim.classes);
    return (h - p).pow(2).sum(1) / p.pow(2).sum(1).clamp_min(1e-12);
  }
  return F::cross_entropy(logits, aim.classes, F::CrossEntropyFuncOptions().reduction(torch::kNone));
}

torch::Tensor nearestPrototype(ClassifierNetwork& n, const torch::Tensor& inputs, const torch::Tensor& class_offsets) {
  if (!n.prototypes.defined()) throw Error("this classifier has no class prototypes (train it again)");
  torch::NoGradGuard no_grad;
  torch::Tensor h;
  (void)n.net->forward(inputs, &h);
  torch::Tensor distance = torch::cdist(h, n.prototypes);
  if (class_offsets.defined())
    distance = distance.masked_fill(class_offsets.lt(0).unsqueeze(0), std::numeric_limits<float>::infinity());
  return distance.argmin(1);
}

}  // namespace phasewise::core
