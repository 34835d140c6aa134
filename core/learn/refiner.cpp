#include "learn/refiner.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/optim/adam.h>

#include <cmath>

#include "learn/network.h"
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

// Per-candidate objective: evaluation loss + lambda * discrepancy (both per row). `targets`
// (one per row) selects the targeted loss; an undefined tensor means entropy.
torch::Tensor objective(ClassifierNetwork& n, const torch::Tensor& refined, const torch::Tensor& original,
                        const torch::Tensor& original_features, const RefinementSettings& s,
                        const torch::Tensor& targets, bool with_discrepancy = true) {
  torch::Tensor features;
  const torch::Tensor logits = n.net->forward(refined, &features) / n.temperature;
  torch::Tensor evaluation;
  if (targets.defined()) {
    evaluation = torch::nn::functional::cross_entropy(
        logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
  } else {
    const torch::Tensor log_p = torch::log_softmax(logits, 1);
    evaluation = -(log_p.exp() * log_p).sum(1);
  }
  torch::Tensor discrepancy;
  if (!with_discrepancy) return evaluation;
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
}  // namespace

std::vector<RefinedPattern> refine(const RefinableClassifier& classifier, const std::vector<float>& candidates,
                                   const RefinementSettings& s, const ProgressCallback& progress,
                                   const std::vector<int>& per_candidate_targets) {
  ClassifierNetwork& n = classifier.network();
  const auto m = static_cast<std::int64_t>(classifier.inputSize());
  if (candidates.empty() || candidates.size() % static_cast<std::size_t>(m) != 0)
    throw Error("candidates do not match the classifier's input of " + std::to_string(m) + " values");
  const auto count = static_cast<std::int64_t>(candidates.size() / static_cast<std::size_t>(m));
  const auto classes = static_cast<int>(n.names.size());
  if (s.loss == EvaluationLoss::Targeted) {
    if (per_candidate_targets.empty() && (s.target < 0 || s.target >= classes))
      throw Error("the targeted loss needs a target class of the classifier");
    if (!per_candidate_targets.empty() && per_candidate_targets.size() != static_cast<std::size_t>(count))
      throw Error("give one target per candidate (" + std::to_string(count) + ")");
    for (int t : per_candidate_targets)
      if (t < 0 || t >= classes) throw Error("target " + std::to_string(t) + " is not a class of the classifier");
  }
  if (s.loss == EvaluationLoss::BestTarget && s.mode != RefinementMode::PerPattern)
    throw Error("the best-target loss needs per-pattern refinement");
  if (!(s.lambda >= 0)) throw Error("lambda must be non-negative");
  if (s.steps < 1) throw Error("refinement needs at least one step");
  if (s.ceiling && !(*s.ceiling > 0)) throw Error("the ceiling of refined values must be positive");
  torch::manual_seed(s.seed);
  const FrozenClassifier frozen(n);
  std::vector<std::int64_t> shape{count}, row_shape{count};  // a batch, and one value per row broadcast over it
  shape.insert(shape.end(), n.input_shape.begin(), n.input_shape.end());
  row_shape.resize(shape.size(), 1);
  const torch::Tensor x =
      torch::from_blob(const_cast<float*>(candidates.data()), shape, torch::kFloat32).clone().to(n.device);
  const torch::Tensor l1_scale = x.flatten(1).abs().sum(1).clamp_min(1e-12);  // per candidate
  torch::Tensor x_features;
  {
    torch::NoGradGuard no_grad;
    (void)n.net->forward(x, &x_features);
  }
  const auto int64 = torch::TensorOptions().dtype(torch::kInt64).device(n.device);
  // The targeted loss' targets (one per candidate); undefined means the entropy loss.
  auto targetTensor = [&]() -> torch::Tensor {
    if (s.loss != EvaluationLoss::Targeted) return {};
    if (per_candidate_targets.empty()) return torch::full({count}, s.target, int64);
    return torch::tensor(std::vector<std::int64_t>(per_candidate_targets.begin(), per_candidate_targets.end()), int64);
  };
  // Per pattern: every candidate's delta is its own parameter, so one batched optimisation is
  // the same as optimising each alone (Adam works per parameter) and much faster.
  auto optimisePerPattern = [&](const torch::Tensor& targets, double from, double span, torch::Tensor& cost) {
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
        objective(n, applyDelta(x, delta, s), x, x_features, s, targets, false).sum().backward();
        torch::NoGradGuard no_grad;
        const torch::Tensor g = delta.grad();
        const torch::Tensor step_size = (lr / g.flatten(1).abs().amax(1).clamp_min(1e-12)).view(row_shape);
        const torch::Tensor threshold = step_size * (s.lambda / l1_scale).view(row_shape);
        const torch::Tensor moved = delta - step_size * g;
        delta.copy_(torch::sign(moved) * torch::relu(moved.abs() - threshold));
      } else {
        optimizer.zero_grad();
        objective(n, applyDelta(x, delta, s), x, x_features, s, targets).sum().backward();
        optimizer.step();
      }
      if (step % 10 == 0) reportProgress(progress, from + span * static_cast<double>(step) / s.steps, "refining");
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor r = applyDelta(x, delta, s);
    cost = objective(n, r, x, x_features, s, targets);
    return r;
  };
  torch::Tensor result;
  if (s.mode == RefinementMode::PerPattern && s.loss == EvaluationLoss::BestTarget) {
    // Each of the first guesses as a target; per candidate, the cheapest refinement wins.
    const int k = std::max(1, std::min<int>(s.candidate_targets, classes));
    const auto guesses = classifier.predict(candidates, k);
    torch::Tensor best_cost;
    for (int j = 0; j < k; ++j) {
      std::vector<std::int64_t> target(static_cast<std::size_t>(count));
      for (std::int64_t i = 0; i < count; ++i)
        target[static_cast<std::size_t>(i)] = guesses[static_cast<std::size_t>(i)].top[static_cast<std::size_t>(j)];
      torch::Tensor cost;
      const torch::Tensor r =
          optimisePerPattern(torch::tensor(target, int64), static_cast<double>(j) / k, 1.0 / k, cost);
      torch::NoGradGuard no_grad;
      if (j == 0) {
        result = r;
        best_cost = cost;
      } else {
        result = torch::where((cost < best_cost).view(row_shape), r, result);
        best_cost = torch::minimum(cost, best_cost);
      }
    }
  } else if (s.mode == RefinementMode::PerPattern) {
    torch::Tensor cost;
    result = optimisePerPattern(targetTensor(), 0.0, 1.0, cost);
  } else {
    const torch::Tensor all_targets = targetTensor();
    torch::nn::Sequential delta = deltaNetwork(n.input_shape.size() - 1);
    delta->to(n.device);
    torch::optim::Adam optimizer(delta->parameters(), torch::optim::AdamOptions(s.learning_rate * 0.1));
    const std::int64_t batch = 64;
    for (int epoch = 0; epoch < s.steps; ++epoch) {
      const torch::Tensor order = torch::randperm(count, torch::TensorOptions().dtype(torch::kInt64)).to(n.device);
      for (std::int64_t b = 0; b < count; b += batch) {
        const torch::Tensor idx = order.slice(0, b, std::min(count, b + batch));
        const torch::Tensor xb = x.index_select(0, idx), fb = x_features.index_select(0, idx);
        const torch::Tensor tb = all_targets.defined() ? all_targets.index_select(0, idx) : torch::Tensor();
        optimizer.zero_grad();
        objective(n, applyDelta(xb, delta->forward(xb), s), xb, fb, s, tb).mean().backward();
        optimizer.step();
      }
      reportProgress(progress, static_cast<double>(epoch + 1) / s.steps, "training the refiner");
    }
    torch::NoGradGuard no_grad;
    result = applyDelta(x, delta->forward(x), s);
  }
  result = result.to(torch::kCPU).contiguous();
  std::vector<RefinedPattern> out(static_cast<std::size_t>(count));
  const float* r = result.data_ptr<float>();
  const std::vector<float> all_refined(r, r + result.numel());
  const auto before = classifier.predict(candidates, s.top_k);
  const auto after = classifier.predict(all_refined, s.top_k);
  for (std::int64_t i = 0; i < count; ++i) {
    RefinedPattern& p = out[static_cast<std::size_t>(i)];
    p.pattern.assign(all_refined.begin() + i * m, all_refined.begin() + (i + 1) * m);
    p.before = before[static_cast<std::size_t>(i)];
    p.after = after[static_cast<std::size_t>(i)];
    double change = 0, base = 0;
    for (std::int64_t j = 0; j < m; ++j) {
      change +=
          std::abs(double(p.pattern[static_cast<std::size_t>(j)]) - candidates[static_cast<std::size_t>(i * m + j)]);
      base += std::abs(double(candidates[static_cast<std::size_t>(i * m + j)]));
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
