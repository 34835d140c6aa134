// `phasewise-cli decompose` and `evaluate`: phases, activations and shifts of a library, and
// their scores against ground truth.

#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "format_instance/solution_format.h"
#include "library_summary.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
constexpr const char* kDecomposeUsage = R"(usage: phasewise-cli decompose LIBRARY --phases K -o RESULT.txt [options]
  The default is the recommended setting for real libraries: shift-aware on a log-Q grid, the
  Gibbs phase rule, connectivity on the composition graph, a smooth background component.
  --shifts S         largest peak shift in log-Q bins each way (default 32; 0 turns shifts off)
  --log-points N     log-Q grid size (default: the library's points, at most 1200)
  --iterations N     outer iterations (default 60)      --tolerance T  (default 1e-4)
  --no-gibbs         allow any number of phases per sample
  --phase-limit L    Gibbs limit where the library gives none (default: elements present)
  --no-connectivity  no contiguity or shift smoothing on the neighbour graph
  --no-background    no background component
  --plain            plain NMF (no shifts, Gibbs, connectivity or background)
  --loss kl|frobenius  NMF loss for the plain/initial stage (default frobenius)
  --init spa|nmf|best  starting patterns: purest samples (default), NMF, or both keeping the better fit
  --seed N  --threads N  --device cpu|cuda
)";

core::DecompositionSettings settingsFrom(const Arguments& a) {
  core::DecompositionSettings s;
  s.phases = static_cast<int>(a.number("phases", 0));
  if (s.phases < 1) throw UsageError("--phases K is required (K >= 1)");
  s.shifts = static_cast<int>(a.number("shifts", 32));
  s.log_points = static_cast<std::size_t>(a.number("log-points", 0));
  s.max_iterations = static_cast<int>(a.number("iterations", 60));
  s.tolerance = a.number("tolerance", 1e-4);
  s.gibbs = !a.flag("no-gibbs");
  s.default_phase_limit = static_cast<int>(a.number("phase-limit", 3));
  s.connectivity = !a.flag("no-connectivity");
  s.background = !a.flag("no-background");
  if (a.flag("plain")) {
    s.shifts = 0;
    s.gibbs = s.connectivity = s.background = false;
    s.max_iterations = static_cast<int>(a.number("iterations", 500));
  }
  const std::string loss = a.value("loss").value_or("frobenius");
  if (loss == "kl") s.loss = core::NmfLoss::KullbackLeibler;
  else if (loss != "frobenius") throw UsageError("--loss must be kl or frobenius");
  s.init = a.value("init").value_or("spa");
  s.seed = static_cast<std::uint64_t>(a.number("seed", 1));
  s.threads = static_cast<unsigned>(a.number("threads", 0));
  s.device = a.value("device").value_or("cpu");
  return s;
}
}  // namespace

int runDecompose(const CommandContext& context) {
  auto options = kReadOptions;
  options.insert({"o", "output", "phases", "shifts", "log-points", "iterations", "tolerance", "phase-limit", "loss", "init", "seed",
                  "threads", "device"});
  const Arguments arguments(context.words, options, {"help", "no-gibbs", "no-connectivity", "no-background", "plain", "quiet"});
  const auto output = arguments.value("o") ? arguments.value("o") : arguments.value("output");
  if (arguments.flag("help") || arguments.positional().size() != 1 || !output) {
    std::cout << kDecomposeUsage;
    return arguments.flag("help") ? 0 : 2;
  }
  const core::DecompositionSettings settings = settingsFrom(arguments);
  const core::ReadResult input = readInput(context, arguments, arguments.positional()[0]);
  int last_percent = -1;
  const bool quiet = arguments.flag("quiet");
  const core::DecompositionResult result = core::decompose(input.library, settings, [&](double f, std::string_view stage) {
    const int percent = static_cast<int>(f * 100);
    if (!quiet && percent / 10 != last_percent / 10) {
      std::cerr << "\r" << stage << " " << percent << " %   " << std::flush;
      last_percent = percent;
    }
    return true;
  });
  if (!quiet) std::cerr << "\r" << std::string(60, ' ') << "\r";
  const std::string out = *output;
  if (core::lowercase(std::filesystem::path(out).extension().string()) == ".txt") {
    plugins::writeSolution(result, {}, out);
  } else {
    throw UsageError("RESULT must end in .txt (instance solution format)");
  }
  std::cout << "decomposed " << result.samples << " samples into " << result.phases << " phases in " << std::fixed
            << std::setprecision(2) << result.seconds << " s (" << result.iterations << " iterations); wrote " << out << "\n";
  return 0;
}

}  // namespace phasewise::cli
