// `phasewise-cli bench refine`: the classifier and imitation refinement, measured.
//  1. Al-Li-Fe end to end: decompose, train on the 159-phase stick library, identify the K
//     candidates before and after refinement against the six true phases; also with candidates
//     made from the true per-phase signals mixed with their co-occurring phases.
//  2. A synthetic imperfect benchmark (>= 2,000 candidates, fixed seed): top-1 of nearest
//     neighbour, of the classifier before, and after refinement (per pattern and amortised) at
//     three lambdas, with the mean relative change.
//  3. Speed: training throughput against the same network in PyTorch (same run), and the time
//     to refine one candidate.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "arguments.h"
#include "bench_support.h"
#include "commands.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "io/npy.h"
#include "io/registry.h"
#include "learn/classifier.h"
#include "learn/imperfect.h"
#include "learn/nearest_neighbour.h"
#include "learn/refiner.h"
#include "model/resample.h"
#include "simulate/stick_tables.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kTorchScript = R"(
import sys, time
try:
    import torch, torch.nn as nn, torch.nn.functional as F
except Exception as e:
    print("UNAVAILABLE", e); sys.exit(0)
points, channels, phases, count, batch, threads = map(int, sys.argv[1:7])
torch.set_num_threads(threads); torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        c = channels
        self.c1 = nn.Conv1d(1, c, 9, padding=4); self.c2 = nn.Conv1d(c, 2*c, 9, padding=4)
        self.c3 = nn.Conv1d(2*c, 2*c, 9, padding=4); self.c4 = nn.Conv1d(2*c, 2*c, 9, padding=4)
        self.hidden = nn.Linear(2*c*(points//16), 128); self.out = nn.Linear(128, phases); self.drop = nn.Dropout(0.3)
    def forward(self, x):
        for conv in (self.c1, self.c2, self.c3, self.c4): x = F.max_pool1d(F.relu(conv(x)), 2)
        return self.out(self.drop(F.relu(self.hidden(x.flatten(1)))))
net = Net(); opt = torch.optim.Adam(net.parameters(), lr=2e-3)
X = torch.rand(count, 1, points); Y = torch.randint(0, phases, (count,))
net.train(); t = time.perf_counter()
perm = torch.randperm(count)
for b in range(0, count, batch):
    idx = perm[b:b+batch]
    opt.zero_grad(); loss = F.cross_entropy(net(X[idx]), Y[idx]); loss.backward(); opt.step()
seconds = time.perf_counter() - t
print("RESULT", count / seconds, torch.__version__)
)";

double topAccuracy(const std::vector<std::vector<int>>& ranked, const std::vector<int>& truth, std::size_t k) {
  int hits = 0;
  for (std::size_t i = 0; i < truth.size(); ++i)
    for (std::size_t j = 0; j < std::min(k, ranked[i].size()); ++j) hits += ranked[i][j] == truth[i];
  return truth.empty() ? 0.0 : 100.0 * hits / static_cast<double>(truth.size());
}

std::vector<std::vector<int>> tops(const std::vector<core::Prediction>& p) {
  std::vector<std::vector<int>> out;
  for (const auto& x : p) out.push_back(x.top);
  return out;
}

// The library phase whose sticks are each true phase's (stick_bases.tsv against sticks_lib.tsv).
std::vector<int> truePhaseIndices(const core::PhaseLibrary& library, const core::PhaseLibrary& truth,
                                  const core::Axis& grid) {
  const core::NearestNeighbour nn(library, grid);
  const core::NearestNeighbour truth_nn(truth, grid);
  const auto ranked = nn.rank(truth_nn.ideals(), 1);
  std::vector<int> out;
  for (const auto& r : ranked) out.push_back(r.front());
  return out;
}

void report(const std::string& what, const core::PhaseClassifier& c, const std::vector<float>& candidates,
            const std::vector<int>& truth, const core::RefinementSettings& settings) {
  const auto before = c.predict(candidates, 3);
  const auto refined = core::refine(c, candidates, settings);
  std::vector<core::Prediction> after;
  double entropy_before = 0, entropy_after = 0, change = 0;
  for (const auto& r : refined) {
    after.push_back(r.after);
    entropy_before += r.before.entropy;
    entropy_after += r.after.entropy;
    change += r.relative_change;
  }
  const double n = static_cast<double>(refined.size());
  std::cout << "  " << what << ": top-1 " << std::setprecision(0) << topAccuracy(tops(before), truth, 1) << " % -> "
            << topAccuracy(tops(after), truth, 1) << " %, top-3 " << topAccuracy(tops(before), truth, 3) << " % -> "
            << topAccuracy(tops(after), truth, 3) << " %, mean entropy " << std::setprecision(3) << entropy_before / n
            << " -> " << entropy_after / n << " nats, mean relative L1 change " << change / n << "\n";
  for (std::size_t i = 0; i < refined.size(); ++i)
    std::cout << "    candidate " << i + 1 << " (truth " << c.phaseNames()[static_cast<std::size_t>(truth[i])]
              << "): " << c.phaseNames()[static_cast<std::size_t>(refined[i].before.top[0])] << " "
              << std::setprecision(2) << refined[i].before.probability[0] << " -> "
              << c.phaseNames()[static_cast<std::size_t>(refined[i].after.top[0])] << " "
              << refined[i].after.probability[0] << "\n";
}
}  // namespace

int runBenchRefine(const CommandContext& context, const Arguments& arguments) {
  const fs::path data = arguments.value("data").value_or("../shared/data");
  const fs::path folder = data / "drnets/Al-Li-Fe";
  std::error_code ec;
  if (!fs::exists(folder / "sticks_lib.tsv", ec))
    throw core::Error("needs " + (folder / "sticks_lib.tsv").string() + " (use --data)");
  const core::PhaseLibrary library = core::readStickTable(folder / "sticks_lib.tsv");
  const core::PhaseLibrary truth_sticks = core::readStickTable(folder / "stick_bases.tsv");
  core::ClassifierSettings settings;
  settings.grid.spec = {core::AxisKind::Q, core::AxisUnit::InverseNanometre};
  const auto points = static_cast<int>(arguments.number("points", 1024));
  for (int i = 0; i < points; ++i) settings.grid.values.push_back(15.0 + 65.0 * i / (points - 1));
  settings.patterns_per_phase = static_cast<std::size_t>(arguments.number("per-phase", 100));
  settings.epochs = static_cast<int>(arguments.number("epochs", 8));
  settings.threads = static_cast<unsigned>(arguments.number("threads", 0));
  std::cout << std::fixed << "Classifier: " << library.size() << " Al-Li-Fe stick phases, "
            << settings.patterns_per_phase << " augmented patterns each, grid Q 15-80 nm^-1 x " << points << "\n";
  core::TrainingReport training;
  const core::PhaseClassifier classifier = core::PhaseClassifier::train(library, settings, &training);
  std::cout << "  " << training.epochs_run << " epochs, validation accuracy " << std::setprecision(3)
            << training.best_validation_accuracy << ", temperature " << training.temperature << ", "
            << std::setprecision(1) << training.seconds << " s, training throughput " << std::setprecision(0)
            << training.patterns_per_second << " patterns/s\n";
  const std::vector<int> truth_index = truePhaseIndices(library, truth_sticks, settings.grid);

  // 1. End to end on Al-Li-Fe.
  const core::Library lib = context.registry.read(folder).library;
  core::DecompositionSettings decomposition;
  decomposition.phases = 6;
  const core::DecompositionResult result = core::decompose(lib, decomposition);
  const core::GroundTruth truth = core::loadDrnetsTruth(folder);
  const std::vector<double> q =
      core::convertAxis(lib.axis, {core::AxisKind::Q, core::AxisUnit::InverseNanometre}).values;
  const core::Evaluation match = core::evaluate(q, result.bases, 6, result.activations, truth);
  std::vector<float> candidates;
  std::vector<int> candidate_truth;
  for (int k = 0; k < 6; ++k) {
    const std::vector<float> one =
        classifier.prepare(lib.axis, &result.bases[static_cast<std::size_t>(k) * lib.points()]);
    candidates.insert(candidates.end(), one.begin(), one.end());
    const int t = match.match.true_for_found[static_cast<std::size_t>(k)];
    candidate_truth.push_back(truth_index[static_cast<std::size_t>(std::max(t, 0))]);
  }
  core::RefinementSettings refine;
  refine.lambda = arguments.number("lambda", 1.0);
  refine.steps = static_cast<int>(arguments.number("steps", 100));
  std::cout << "Al-Li-Fe end to end (decomposition candidates, per-pattern refinement, lambda " << std::setprecision(2)
            << refine.lambda << "):\n";
  report("decomposed candidates", classifier, candidates, candidate_truth, refine);
  core::RefinementSettings best_target = refine;
  best_target.loss = core::EvaluationLoss::BestTarget;
  report("decomposed candidates, best-target refinement", classifier, candidates, candidate_truth, best_target);
  // Candidates from the true per-phase signals, each mixed with the phases it shares samples with.
  std::vector<float> mixed;
  const std::size_t mt = truth.q.size();
  for (int k = 0; k < truth.phases; ++k) {
    std::vector<float> pattern(truth.patterns.begin() + static_cast<std::ptrdiff_t>(k * mt),
                               truth.patterns.begin() + static_cast<std::ptrdiff_t>((k + 1) * mt));
    const float top = *std::max_element(pattern.begin(), pattern.end());
    for (int j = 0; j < truth.phases; ++j) {
      if (j == k) continue;
      int together = 0, alone = 0;
      for (std::size_t s = 0; s < truth.samples; ++s) {
        const bool a = truth.fractions[s * truth.phases + k] > 0.01F, b = truth.fractions[s * truth.phases + j] > 0.01F;
        together += a && b;
        alone += a;
      }
      const float other_top = *std::max_element(truth.patterns.begin() + static_cast<std::ptrdiff_t>(j * mt),
                                                truth.patterns.begin() + static_cast<std::ptrdiff_t>((j + 1) * mt));
      const double share = alone ? 0.25 * together / alone : 0.0;
      for (std::size_t i = 0; i < mt; ++i)
        pattern[i] += static_cast<float>(share * top * truth.patterns[j * mt + i] / other_top);
    }
    const core::Axis truth_axis{{core::AxisKind::Q, core::AxisUnit::InverseNanometre}, truth.q, std::nullopt};
    const std::vector<float> one = classifier.prepare(truth_axis, pattern.data());
    mixed.insert(mixed.end(), one.begin(), one.end());
  }
  report("true signals mixed with co-occurring phases", classifier, mixed, truth_index, refine);
  report("true signals mixed, best-target refinement", classifier, mixed, truth_index, best_target);

  // 2. Synthetic imperfect benchmark.
  const auto count = static_cast<std::size_t>(arguments.number("candidates", 2000));
  const core::ImperfectSet imperfect = core::makeImperfectCandidates(library, settings.grid, "CuKa1", count, 2024);
  const core::NearestNeighbour nn(library, settings.grid);
  const auto before = classifier.predict(imperfect.patterns, 3);
  std::cout << "Synthetic imperfect candidates: " << count << " (seed 2024, from the same 159 phases)\n";
  std::cout << "  nearest neighbour (cosine) top-1 " << std::setprecision(1)
            << topAccuracy(nn.rank(imperfect.patterns, 3), imperfect.labels, 1)
            << " %, classifier before refinement top-1 " << topAccuracy(tops(before), imperfect.labels, 1) << " %\n";
  std::vector<double> lambdas = {0.3, 1.0, 3.0};
  struct Variant {
    core::RefinementMode mode;
    core::EvaluationLoss loss;
    const char* name;
  };
  const Variant variants[] = {
      {core::RefinementMode::PerPattern, core::EvaluationLoss::Entropy, "per pattern, entropy    "},
      {core::RefinementMode::PerPattern, core::EvaluationLoss::BestTarget, "per pattern, best target"},
      {core::RefinementMode::Amortised, core::EvaluationLoss::Entropy, "amortised, entropy      "}};
  for (const Variant& variant : variants) {
    for (double lambda : lambdas) {
      core::RefinementSettings s = refine;
      s.mode = variant.mode;
      s.loss = variant.loss;
      s.lambda = lambda;
      if (variant.mode == core::RefinementMode::Amortised)
        s.steps = static_cast<int>(arguments.number("epochs-refiner", 10));
      if (variant.loss == core::EvaluationLoss::BestTarget) s.steps = std::max(20, s.steps / 2);
      const auto start = Clock::now();
      const auto refined = core::refine(classifier, imperfect.patterns, s);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      std::vector<core::Prediction> after;
      double change = 0;
      for (const auto& r : refined) {
        after.push_back(r.after);
        change += r.relative_change;
      }
      std::cout << "  " << variant.name << " lambda " << std::setprecision(1) << lambda << ": top-1 "
                << topAccuracy(tops(after), imperfect.labels, 1) << " %, mean relative L1 change "
                << std::setprecision(3) << change / static_cast<double>(count) << ", " << std::setprecision(1)
                << seconds << " s\n";
    }
  }

  // 3. Speed.
  {
    const std::vector<float> one(candidates.begin(), candidates.begin() + points);
    const auto start = Clock::now();
    (void)core::refine(classifier, one, refine);
    std::cout << "Refining one candidate (" << refine.steps << " steps): " << std::setprecision(2)
              << std::chrono::duration<double>(Clock::now() - start).count() << " s (target < 2 s)\n";
  }
  const fs::path script = fs::temp_directory_path() / ("phasewise-torch-" + std::to_string(::getpid()) + ".py");
  { std::ofstream(script) << kTorchScript; }
  const unsigned threads = settings.threads ? settings.threads : std::max(1U, std::thread::hardware_concurrency());
  const std::string command = "/usr/bin/python3 '" + script.string() + "' " + std::to_string(points) + " " +
                              std::to_string(settings.channels) + " " + std::to_string(library.size()) + " " +
                              std::to_string(settings.patterns_per_phase * library.size()) + " " +
                              std::to_string(settings.batch_size) + " " + std::to_string(threads) + " 2>/dev/null";
  const std::string output = runCapturing(command);
  fs::remove(script, ec);
  const auto at = output.find("RESULT");
  if (at == std::string::npos) {
    std::cout << "PyTorch column skipped: "
              << (output.empty() ? "/usr/bin/python3 with torch did not run" : output.substr(0, 200)) << "\n";
  } else {
    double rate = 0;
    std::string version;
    std::istringstream(output.substr(at + 6)) >> rate >> version;
    std::cout << "Training throughput, same network and batch: Phasewise " << std::setprecision(0)
              << training.patterns_per_second << " patterns/s, PyTorch " << version << " " << rate
              << " patterns/s, ratio " << std::setprecision(2) << training.patterns_per_second / rate
              << " (target >= 1.0)\n";
  }
  return 0;
}

}  // namespace phasewise::cli
