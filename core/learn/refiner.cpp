#include "learn/refiner.h"

#include <torch/optim/adam.h>

#include <cmath>

#include "learn/network.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
// The small residual network of the amortised mode: delta(x), same length as x.
struct DeltaNetImpl : torch::nn::Module {
  DeltaNetImpl() {
    using torch::nn::Conv1dOptions;
    a = register_module("a", torch::nn::Conv1d(Conv1dOptions(1, 16, 9).padding(4)));
    b = register_module("b", torch::nn::Conv1d(Conv1dOptions(16, 16, 9).padding(4)));
    c = register_module("c", torch::nn::Conv1d(Conv1dOptions(16, 1, 9).padding(4)));
    // Start as the identity refinement (delta = 0).
    torch::NoGradGuard no_grad;
    c->weight.zero_();
    c->bias.zero_();
  }
  torch::Tensor forward(const torch::Tensor& x) { return c(torch::relu(b(torch::relu(a(x))))); }
  torch::nn::Conv1d a{nullptr}, b{nullptr}, c{nullptr};
};
TORCH_MODULE(DeltaNet);

// Per-candidate objective: evaluation loss + lambda * discrepancy (both per row). `targets`
// (one per row) selects the targeted loss; an undefined tensor means entropy.
torch::Tensor objective(PhaseClassifier::Network& n, const torch::Tensor& refined, const torch::Tensor& original,
                        const torch::Tensor& original_features, const RefinementSettings& s,
                        const torch::Tensor& targets) {
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
  const torch::Tensor scale = original.abs().sum({1, 2}).clamp_min(1e-12);
  switch (s.discrepancy) {
    case Discrepancy::L1:
      discrepancy = (refined - original).abs().sum({1, 2}) / scale;
      break;
    case Discrepancy::L2:
      discrepancy =
          (refined - original).pow(2).sum({1, 2}).sqrt() / original.pow(2).sum({1, 2}).sqrt().clamp_min(1e-12);
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
  explicit FrozenClassifier(PhaseClassifier::Network& n) : net(n) {
    net.net->eval();
    for (auto& p : net.net->parameters()) p.set_requires_grad(false);
  }
  ~FrozenClassifier() {
    for (auto& p : net.net->parameters()) p.set_requires_grad(true);
  }
  FrozenClassifier(const FrozenClassifier&) = delete;
  FrozenClassifier& operator=(const FrozenClassifier&) = delete;
  PhaseClassifier::Network& net;
};
}  // namespace

std::vector<RefinedPattern> refine(const PhaseClassifier& classifier, const std::vector<float>& candidates,
                                   const RefinementSettings& s, const ProgressCallback& progress) {
  PhaseClassifier::Network& n = classifier.network();
  const auto m = static_cast<std::int64_t>(classifier.points());
  if (candidates.empty() || candidates.size() % static_cast<std::size_t>(m) != 0)
    throw Error("candidates do not match the classifier's grid of " + std::to_string(m) + " points");
  if (s.loss == EvaluationLoss::Targeted && (s.target < 0 || s.target >= static_cast<int>(n.names.size())))
    throw Error("the targeted loss needs a target phase of the classifier");
  if (s.loss == EvaluationLoss::BestTarget && s.mode != RefinementMode::PerPattern)
    throw Error("the best-target loss needs per-pattern refinement");
  if (!(s.lambda >= 0)) throw Error("lambda must be non-negative");
  if (s.steps < 1) throw Error("refinement needs at least one step");
  const auto count = static_cast<std::int64_t>(candidates.size() / static_cast<std::size_t>(m));
  torch::manual_seed(s.seed);
  const FrozenClassifier frozen(n);
  const torch::Tensor x =
      torch::from_blob(const_cast<float*>(candidates.data()), {count, 1, m}, torch::kFloat32).clone().to(n.device);
  torch::Tensor x_features;
  {
    torch::NoGradGuard no_grad;
    (void)n.net->forward(x, &x_features);
  }
  const auto int64 = torch::TensorOptions().dtype(torch::kInt64).device(n.device);
  // Per pattern: every candidate's delta is its own parameter, so one batched optimisation is
  // the same as optimising each alone (Adam works per parameter) and much faster.
  auto optimisePerPattern = [&](const torch::Tensor& targets, double from, double span, torch::Tensor& cost) {
    torch::Tensor delta = torch::zeros_like(x).set_requires_grad(true);
    torch::optim::Adam optimizer({delta}, torch::optim::AdamOptions(s.learning_rate));
    for (int step = 0; step < s.steps; ++step) {
      // The step size decays linearly to zero, so Adam's fixed-size steps settle instead of
      // leaving an oscillation (a change nobody asked for) on every point.
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options())
            .lr(s.learning_rate * (1.0 - static_cast<double>(step) / s.steps));
      optimizer.zero_grad();
      objective(n, torch::relu(x + delta), x, x_features, s, targets).sum().backward();
      optimizer.step();
      if (step % 10 == 0) reportProgress(progress, from + span * static_cast<double>(step) / s.steps, "refining");
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor r = torch::relu(x + delta);
    cost = objective(n, r, x, x_features, s, targets);
    return r;
  };
  torch::Tensor refined;
  if (s.mode == RefinementMode::PerPattern && s.loss == EvaluationLoss::BestTarget) {
    // Each of the first guesses as a target; per candidate, the cheapest refinement wins.
    const int k = std::max(1, std::min<int>(s.candidate_targets, static_cast<int>(n.names.size())));
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
        refined = r;
        best_cost = cost;
      } else {
        refined = torch::where((cost < best_cost).view({count, 1, 1}), r, refined);
        best_cost = torch::minimum(cost, best_cost);
      }
    }
  } else if (s.mode == RefinementMode::PerPattern) {
    torch::Tensor targets, cost;
    if (s.loss == EvaluationLoss::Targeted) targets = torch::full({count}, s.target, int64);
    refined = optimisePerPattern(targets, 0.0, 1.0, cost);
  } else {
    torch::Tensor all_targets;
    if (s.loss == EvaluationLoss::Targeted) all_targets = torch::full({count}, s.target, int64);
    DeltaNet delta;
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
        objective(n, torch::relu(xb + delta->forward(xb)), xb, fb, s, tb).mean().backward();
        optimizer.step();
      }
      reportProgress(progress, static_cast<double>(epoch + 1) / s.steps, "training the refiner");
    }
    torch::NoGradGuard no_grad;
    refined = torch::relu(x + delta->forward(x));
  }
  refined = refined.to(torch::kCPU).contiguous();
  std::vector<RefinedPattern> out(static_cast<std::size_t>(count));
  const float* r = refined.data_ptr<float>();
  const std::vector<float> all_refined(r, r + refined.numel());
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

std::vector<LambdaSweepRow> sweepLambda(const PhaseClassifier& classifier, const std::vector<float>& candidates,
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
