#include "learn/refiner.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/optim/adam.h>

#include <cmath>

#include "learn/network.h"
#include "learn/physical_refiner.h"
#include "learn/refinement_losses.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
// The small residual network of the amortised mode: delta(x), the shape of x. Three
// convolutions (1-D for patterns, 2-D for images), the last starting at zero so that training
// starts from the identity refinement (delta = 0).
torch::nn::Sequential deltaNetwork(std::size_t spatial_dims) {
  torch::nn::Sequential net;
  if (spatial_dims == 1) {
    using torch::nn::Conv1dOptions;
    net->push_back(torch::nn::Conv1d(Conv1dOptions(1, 16, 9).padding(4)));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Conv1d(Conv1dOptions(16, 16, 9).padding(4)));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Conv1d(Conv1dOptions(16, 1, 9).padding(4)));
  } else if (spatial_dims == 2) {
    using torch::nn::Conv2dOptions;
    net->push_back(torch::nn::Conv2d(Conv2dOptions(1, 16, 3).padding(1)));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Conv2d(Conv2dOptions(16, 16, 3).padding(1)));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Conv2d(Conv2dOptions(16, 1, 3).padding(1)));
  } else {
    throw Error("amortised refinement handles 1-D patterns and 2-D images");
  }
  torch::NoGradGuard no_grad;
  for (auto& p : net[net->size() - 1]->parameters()) p.zero_();
  return net;
}

// R(x) = max(0, x + delta), capped at the ceiling when there is one (image intensities).
torch::Tensor applyDelta(const torch::Tensor& x, const torch::Tensor& delta, const RefinementSettings& s) {
  return s.ceiling ? torch::clamp(x + delta, 0.0, *s.ceiling) : torch::relu(x + delta);
}

// Per-candidate objective of the additive refiner: evaluation loss + lambda * discrepancy.
torch::Tensor objective(ClassifierNetwork& n, const torch::Tensor& refined, const torch::Tensor& original,
                        const torch::Tensor& original_features, const RefinementSettings& s, const RefinementAim& aim,
                        bool with_discrepancy = true) {
  torch::Tensor features;
  const torch::Tensor evaluation = evaluationLoss(n, refined, aim, &features);
  if (!with_discrepancy) return evaluation;
  torch::Tensor discrepancy;
  // Summed over every non-batch dimension, so patterns and images are measured alike.
  const torch::Tensor difference = (refined - original).flatten(1), base = original.flatten(1);
  switch (s.discrepancy) {
    case Discrepancy::L1:
      discrepancy = difference.abs().sum(1) / base.abs().sum(1).clamp_min(1e-12);
      break;
    case Discrepancy::L2:
      discrepancy = difference.pow(2).sum(1).sqrt() / base.pow(2).sum(1).sqrt().clamp_min(1e-12);
      break;
    case Discrepancy::Features:
      discrepancy =
          (features - original_features).pow(2).sum(1).sqrt() / original_features.pow(2).sum(1).sqrt().clamp_min(1e-12);
      break;
  }
  return evaluation + s.lambda * discrepancy;
}

// Freezes the classifier for the duration of a refinement and restores it afterwards.
struct FrozenClassifier {
  explicit FrozenClassifier(ClassifierNetwork& n) : net(n) {
    net.net->eval();
    for (auto& p : net.net->parameters()) p.set_requires_grad(false);
  }
  ~FrozenClassifier() {
    for (auto& p : net.net->parameters()) p.set_requires_grad(true);
  }
  FrozenClassifier(const FrozenClassifier&) = delete;
  FrozenClassifier& operator=(const FrozenClassifier&) = delete;
  ClassifierNetwork& net;
};

// The candidates as a batch on the classifier's device, with what every refiner needs of them.
struct CandidateBatch {
  CandidateBatch(ClassifierNetwork& network, const std::vector<float>& candidates, std::int64_t values,
                 const std::vector<char>& allowed)
      : n(network),
        m(values),
        count(static_cast<std::int64_t>(candidates.size()) / values),
        class_offsets(classOffsets(network, allowed)) {
    shape = {count};
    shape.insert(shape.end(), n.input_shape.begin(), n.input_shape.end());
    row_shape.assign(shape.size(), 1);
    row_shape[0] = count;
    x = torch::from_blob(const_cast<float*>(candidates.data()), shape, torch::kFloat32).clone().to(n.device);
    torch::NoGradGuard no_grad;
    (void)n.net->forward(x, &x_features);
  }
  ClassifierNetwork& n;
  std::int64_t m, count;
  std::vector<std::int64_t> shape, row_shape;  // a batch, and one value per row broadcast over it
  torch::Tensor class_offsets;                 // the classes ruled out (classOffsets)
  torch::Tensor x, x_features;
};

void checkSettings(const RefinementSettings& s, std::int64_t count, int classes, const std::vector<int>& targets) {
  const bool uses_target = s.loss == EvaluationLoss::Targeted || s.loss == EvaluationLoss::Prototype;
  if (s.loss == EvaluationLoss::Targeted && targets.empty() && (s.target < 0 || s.target >= classes))
    throw Error("the targeted loss needs a target class of the classifier");
  if (uses_target && !targets.empty() && targets.size() != static_cast<std::size_t>(count))
    throw Error("give one target per candidate (" + std::to_string(count) + ")");
  if (uses_target)
    for (int t : targets)
      if (t < 0 || t >= classes) throw Error("target " + std::to_string(t) + " is not a class of the classifier");
  if (s.loss == EvaluationLoss::Prototype && s.target >= classes)
    throw Error("target " + std::to_string(s.target) + " is not a class of the classifier");
  if (s.loss == EvaluationLoss::BestTarget && s.mode != RefinementMode::PerPattern)
    throw Error("the best-target loss needs per-pattern refinement");
  if (s.refiner == RefinerKind::Physical && s.mode != RefinementMode::PerPattern)
    throw Error("the physical refiner works per pattern");
  if (!(s.lambda >= 0 && s.lambda <= 1e6)) throw Error("lambda must be a number from 0 to 1e6");
  if (s.steps < 1) throw Error("refinement needs at least one step");
  if (s.ceiling && !(*s.ceiling > 0)) throw Error("the ceiling of refined values must be positive");
}

// What the refinement aims at (all but best-target, which tries several aims).
RefinementAim aimOf(const CandidateBatch& b, const RefinementSettings& s, const std::vector<int>& targets) {
  const auto int64 = torch::TensorOptions().dtype(torch::kInt64).device(b.n.device);
  RefinementAim aim;
  aim.prototype = s.loss == EvaluationLoss::Prototype;
  aim.class_offsets = b.class_offsets;
  if (s.loss == EvaluationLoss::Entropy) return aim;
  if (!targets.empty())
    aim.classes = torch::tensor(std::vector<std::int64_t>(targets.begin(), targets.end()), int64);
  else if (s.target >= 0)
    aim.classes = torch::full({b.count}, s.target, int64);
  else  // prototype loss without a target: the nearest prototype
    aim.classes = nearestPrototype(b.n, b.x, b.class_offsets);
  return aim;
}

// Best-target: one aim per first guess of the classifier.
std::vector<RefinementAim> guessAims(const RefinableClassifier& classifier, const CandidateBatch& b,
                                     const std::vector<float>& candidates, int candidate_targets,
                                     const std::vector<char>& allowed) {
  const auto classes =
      allowed.empty() ? static_cast<std::ptrdiff_t>(b.n.names.size()) : std::count(allowed.begin(), allowed.end(), 1);
  const int k = std::max(1, std::min<int>(candidate_targets, static_cast<int>(classes)));
  const auto guesses = classifier.predict(candidates, k, RefinableClassifier::Temperature::PerInput, allowed);
  std::vector<RefinementAim> aims;
  for (int j = 0; j < k; ++j) {
    std::vector<std::int64_t> target(static_cast<std::size_t>(b.count));
    for (std::size_t i = 0; i < target.size(); ++i) target[i] = guesses[i].top[static_cast<std::size_t>(j)];
    aims.push_back({torch::tensor(target, torch::TensorOptions().dtype(torch::kInt64).device(b.n.device)), false,
                    b.class_offsets});
  }
  return aims;
}

// Per pattern: every candidate's delta is its own parameter, so one batched optimisation is
// the same as optimising each alone (Adam works per parameter) and much faster.
torch::Tensor additivePerPattern(const CandidateBatch& b, const RefinementSettings& s, const RefinementAim& aim,
                                 const ProgressCallback& progress, double from, double span, torch::Tensor& cost) {
  ClassifierNetwork& n = b.n;
  const torch::Tensor& x = b.x;
  const torch::Tensor l1_scale = x.flatten(1).abs().sum(1).clamp_min(1e-12);
  torch::Tensor delta = torch::zeros_like(x).set_requires_grad(true);
  torch::optim::Adam optimizer({delta}, torch::optim::AdamOptions(s.learning_rate));
  const bool proximal = s.sparse_changes && s.discrepancy == Discrepancy::L1;
  for (int step = 0; step < s.steps; ++step) {
    // The step size decays linearly to zero, so Adam's fixed-size steps settle instead of
    // leaving an oscillation (a change nobody asked for) on every point.
    const double lr = s.learning_rate * (1.0 - static_cast<double>(step) / s.steps);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    if (proximal) {
      // Proximal gradient descent: a gradient step on the classifier's loss, scaled per
      // candidate so that its most-pushed value moves `lr`, then the L1 change as a
      // soft-threshold. Values the classifier pushes only weakly stay exactly as they were
      // (Adam would scale every value's step up to the same size: a haze of small changes).
      if (delta.grad().defined()) delta.grad().zero_();
      objective(n, applyDelta(x, delta, s), x, b.x_features, s, aim, false).sum().backward();
      torch::NoGradGuard no_grad;
      const torch::Tensor g = delta.grad();
      const torch::Tensor step_size = (lr / g.flatten(1).abs().amax(1).clamp_min(1e-12)).view(b.row_shape);
      const torch::Tensor threshold = step_size * (s.lambda / l1_scale).view(b.row_shape);
      const torch::Tensor moved = delta - step_size * g;
      delta.copy_(torch::sign(moved) * torch::relu(moved.abs() - threshold));
    } else {
      optimizer.zero_grad();
      objective(n, applyDelta(x, delta, s), x, b.x_features, s, aim).sum().backward();
      optimizer.step();
    }
    if (step % 10 == 0) reportProgress(progress, from + span * static_cast<double>(step) / s.steps, "refining");
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor r = applyDelta(x, delta, s);
  cost = objective(n, r, x, b.x_features, s, aim);
  return r;
}

// Amortised: a small residual network delta(x) trained over all candidates.
torch::Tensor additiveAmortised(const CandidateBatch& b, const RefinementSettings& s, const RefinementAim& aim,
                                const ProgressCallback& progress) {
  torch::nn::Sequential delta = deltaNetwork(b.n.input_shape.size() - 1);
  delta->to(b.n.device);
  torch::optim::Adam optimizer(delta->parameters(), torch::optim::AdamOptions(s.learning_rate * 0.1));
  const std::int64_t batch = 64;
  for (int epoch = 0; epoch < s.steps; ++epoch) {
    const torch::Tensor order = torch::randperm(b.count, torch::TensorOptions().dtype(torch::kInt64)).to(b.n.device);
    for (std::int64_t first = 0; first < b.count; first += batch) {
      const torch::Tensor idx = order.slice(0, first, std::min(b.count, first + batch));
      const torch::Tensor xb = b.x.index_select(0, idx), fb = b.x_features.index_select(0, idx);
      const RefinementAim ab{aim.classes.defined() ? aim.classes.index_select(0, idx) : torch::Tensor(), aim.prototype,
                             aim.class_offsets};
      optimizer.zero_grad();
      objective(b.n, applyDelta(xb, delta->forward(xb), s), xb, fb, s, ab).mean().backward();
      optimizer.step();
    }
    reportProgress(progress, static_cast<double>(epoch + 1) / s.steps, "training the refiner");
  }
  torch::NoGradGuard no_grad;
  return applyDelta(b.x, delta->forward(b.x), s);
}

// The additive refiner per pattern over several aims: per candidate, the cheapest result wins.
torch::Tensor additiveCheapest(const CandidateBatch& b, const RefinementSettings& s,
                               const std::vector<RefinementAim>& aims, const ProgressCallback& progress) {
  torch::Tensor result, best_cost;
  const double span = 1.0 / static_cast<double>(aims.size());
  for (std::size_t j = 0; j < aims.size(); ++j) {
    torch::Tensor cost;
    const torch::Tensor r = additivePerPattern(b, s, aims[j], progress, span * static_cast<double>(j), span, cost);
    torch::NoGradGuard no_grad;
    if (j == 0) {
      result = r;
      best_cost = cost;
    } else {
      result = torch::where((cost < best_cost).view(b.row_shape), r, result);
      best_cost = torch::minimum(cost, best_cost);
    }
  }
  return result;
}

// The physical refiner over several aims: per candidate, the cheapest edit wins.
torch::Tensor physicalCheapest(const CandidateBatch& b, const std::vector<double>& q, const RefinementSettings& s,
                               const std::vector<RefinementAim>& aims, const ProgressCallback& progress,
                               std::vector<PhysicalEdit>& edits) {
  const PhysicalRefiner refiner(b.x.view({b.count, b.m}), q, s.physical, b.n.ideals);
  const auto evaluation = [&](const RefinementAim& aim) {
    return [&b, aim](const torch::Tensor& r) { return evaluationLoss(b.n, r.view(b.shape), aim); };
  };
  // Peaks are priced against the aimed class' ideal pattern, or the classifier's first guess.
  torch::Tensor first_guess;
  {
    torch::NoGradGuard no_grad;
    torch::Tensor logits = b.n.net->forward(b.x);
    if (b.class_offsets.defined()) logits = logits + b.class_offsets;
    first_guess = logits.argmax(1);
  }
  PhysicalSolution best;
  const double span = 1.0 / static_cast<double>(aims.size());
  for (std::size_t j = 0; j < aims.size(); ++j) {
    const torch::Tensor reference = aims[j].classes.defined() ? aims[j].classes : first_guess;
    PhysicalSolution solution =
        refiner.solve(evaluation(aims[j]), reference, s.lambda, s.steps, progress, span * static_cast<double>(j), span);
    if (j == 0)
      best = std::move(solution);
    else
      PhysicalRefiner::keepCheaper(best, solution);
  }
  edits = refiner.describe(best);
  return refiner.apply(best).view(b.shape);
}
}  // namespace

std::vector<RefinedPattern> refine(const RefinableClassifier& classifier, const std::vector<float>& candidates,
                                   const RefinementSettings& s, const ProgressCallback& progress,
                                   const std::vector<int>& per_candidate_targets) {
  ClassifierNetwork& n = classifier.network();
  const auto m = static_cast<std::int64_t>(classifier.inputSize());
  if (candidates.empty() || candidates.size() % static_cast<std::size_t>(m) != 0)
    throw Error("candidates do not match the classifier's input of " + std::to_string(m) + " values");
  checkSettings(s, static_cast<std::int64_t>(candidates.size()) / m, static_cast<int>(n.names.size()),
                per_candidate_targets);
  std::vector<double> q;
  if (s.refiner == RefinerKind::Physical && (q = classifier.inputQ()).empty())
    throw Error("the physical refiner needs a diffraction-pattern classifier (use the additive refiner for images)");
  if (s.target >= 0 && static_cast<std::size_t>(s.target) < s.allowed_classes.size() &&
      !s.allowed_classes[static_cast<std::size_t>(s.target)])
    throw Error("the target " + n.names[static_cast<std::size_t>(s.target)] + " is among the classes ruled out");
  torch::manual_seed(s.seed);
  const FrozenClassifier frozen(n);
  const CandidateBatch batch(n, candidates, m, s.allowed_classes);
  const std::vector<RefinementAim> aims =
      s.loss == EvaluationLoss::BestTarget
          ? guessAims(classifier, batch, candidates, s.candidate_targets, s.allowed_classes)
          : std::vector<RefinementAim>{aimOf(batch, s, per_candidate_targets)};
  std::vector<PhysicalEdit> edits;
  torch::Tensor result;
  if (s.refiner == RefinerKind::Physical)
    result = physicalCheapest(batch, q, s, aims, progress, edits);
  else if (s.mode == RefinementMode::PerPattern)
    result = additiveCheapest(batch, s, aims, progress);
  else
    result = additiveAmortised(batch, s, aims.front(), progress);
  result = result.to(torch::kCPU).contiguous();
  const float* r = result.data_ptr<float>();
  const std::vector<float> all_refined(r, r + result.numel());
  const auto before =
      classifier.predict(candidates, s.top_k, RefinableClassifier::Temperature::PerInput, s.allowed_classes);
  const auto after =
      classifier.predict(all_refined, s.top_k, RefinableClassifier::Temperature::PerInput, s.allowed_classes);
  std::vector<RefinedPattern> out(static_cast<std::size_t>(batch.count));
  for (std::size_t i = 0; i < out.size(); ++i) {
    RefinedPattern& p = out[i];
    const auto first = static_cast<std::ptrdiff_t>(i) * m;
    p.pattern.assign(all_refined.begin() + first, all_refined.begin() + first + m);
    p.before = before[i];
    p.after = after[i];
    if (!edits.empty()) p.edit = edits[i];
    double change = 0, base = 0;
    for (std::int64_t j = 0; j < m; ++j) {
      change +=
          std::abs(double(p.pattern[static_cast<std::size_t>(j)]) - candidates[static_cast<std::size_t>(first + j)]);
      base += std::abs(double(candidates[static_cast<std::size_t>(first + j)]));
    }
    p.relative_change = base > 0 ? change / base : 0.0;
  }
  return out;
}

std::vector<LambdaSweepRow> sweepLambda(const RefinableClassifier& classifier, const std::vector<float>& candidates,
                                        RefinementSettings settings, const std::vector<double>& lambdas) {
  std::vector<LambdaSweepRow> rows;
  for (double lambda : lambdas) {
    settings.lambda = lambda;
    const auto refined = refine(classifier, candidates, settings);
    LambdaSweepRow row;
    row.lambda = lambda;
    for (const RefinedPattern& p : refined) {
      row.mean_entropy_before += p.before.entropy;
      row.mean_entropy_after += p.after.entropy;
      row.mean_relative_change += p.relative_change;
      row.changed_identity += p.before.top.front() != p.after.top.front();
    }
    const double n = static_cast<double>(refined.size());
    row.mean_entropy_before /= n;
    row.mean_entropy_after /= n;
    row.mean_relative_change /= n;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace phasewise::core
