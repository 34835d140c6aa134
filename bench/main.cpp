// phasewise-bench: the benchmarks, kept out of the shipped phasewise-cli. Each compares
// Phasewise with its peers in the same run and prints ratios; see README "Benchmarks".

#include <iostream>
#include <map>
#include <string>

#include "bench_commands.h"
#include "builtin_formats.h"
#include "io/registry.h"
#include "util/error.h"

namespace {
constexpr const char* kUsage =
    R"(usage: phasewise-bench io [--samples 5000] [--points 4000] [--runs 3] [--dir DIR] [--keep]
       phasewise-bench simulate [--cif-dir ../shared/data/cif] [--repeats 20]
                                [--per-structure 100] [--points 4000] [--threads 0]
       phasewise-bench decompose [--data ../shared/data] [--bicuv-phases 13]
                                 [--samples 5000] [--points 4000] [--large-phases 12] [--large-cards 50]
                                 [--skip-large] [--width-by-residual 0|1] [--threads N]
                                 [--repeats N]  (library-guided rows: median time of N runs)
       phasewise-bench refine [--data ../shared/data] [--per-phase 100] [--epochs 8]
                              [--candidates 2000] [--steps 40] [--lambda 10] [--lambda-additive 1]
                              [--epochs-refiner 10] [--candidate-share 0.5] [--train-strain 0.03] [--skip-synthetic] [--widths-from-data]
                              [--skip-pytorch] [--classifier-only] [--heavier-calibration 0] [--class-temperatures 0|1] [--seed 1]
                              [--stick-texture scaling|march-dollase] [--candidate-texture scaling|march-dollase]
                              [--keep-background] [--envelope-background 0|1]  (the unmixing rows)
       phasewise-bench identify [--data ../shared/data] [--max-strain S --min-gain G --min-support S
                                --max-chance P --envelope-background 0|1 --width-by-residual 0|1
                                --max-phases N --screened N --step-candidates N --radiation R]
                                [--classifier C.pt] [--chemistry]
                                  (every phase in the dara mixtures; with a classifier trained on
                                  the 45 CIFs, also its top-1 and open-set "unknown")
       phasewise-bench threads [--per-phase 150] [--epochs 3]   (training with one core busy)
  The Python peers' scripts are in bench/peers/ (or $PHASEWISE_BENCH_PEERS).
)";

using namespace phasewise;
using Bench = int (*)(const cli::CommandContext&, const cli::Arguments&);

int runBench(const cli::CommandContext& context) {
  const cli::Arguments arguments(context.words,
                                 {"samples",
                                  "points",
                                  "dir",
                                  "runs",
                                  "cif-dir",
                                  "repeats",
                                  "per-structure",
                                  "threads",
                                  "data",
                                  "bicuv-phases",
                                  "large-phases",
                                  "per-phase",
                                  "epochs",
                                  "candidates",
                                  "steps",
                                  "lambda",
                                  "epochs-refiner",
                                  "lambda-additive",
                                  "candidate-share",
                                  "train-strain",
                                  "max-strain",
                                  "max-broadening",
                                  "strain-cost",
                                  "min-gain",
                                  "screened",
                                  "min-support",
                                  "step-candidates",
                                  "max-phases",
                                  "radiation",
                                  "large-cards",
                                  "classifier",
                                  "envelope-background",
                                  "max-chance",
                                  "width-by-residual",
                                  "seed",
                                  "stick-texture",
                                  "candidate-texture",
                                  "heavier-calibration",
                                  "class-temperatures"},
                                 {"help", "keep", "skip-large", "skip-synthetic", "skip-pytorch", "classifier-only",
                                  "chemistry", "widths-from-data", "keep-background"});
  static const std::map<std::string, Bench> benches = {
      {"io", cli::runBenchIo},         {"simulate", cli::runBenchSimulate}, {"decompose", cli::runBenchDecompose},
      {"refine", cli::runBenchRefine}, {"identify", cli::runBenchIdentify}, {"threads", cli::runBenchThreads},
  };
  const auto bench = arguments.positional().size() == 1 ? benches.find(arguments.positional()[0]) : benches.end();
  if (arguments.flag("help") || bench == benches.end()) {
    std::cout << kUsage;
    return arguments.flag("help") ? 0 : 2;
  }
  return bench->second(context, arguments);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cout << kUsage;
    return 2;
  }
  const std::string what = argv[1];
  try {
    core::FormatRegistry registry;
    plugins::registerBuiltinFormats(registry);
    // The measured children (a fresh process per measurement) take their words after the name.
    if (what == "io-child") return cli::runBenchIoChild({registry, std::vector<std::string>(argv + 2, argv + argc)});
    if (what == "decompose-child")
      return cli::runBenchDecomposeChild({registry, std::vector<std::string>(argv + 2, argv + argc)});
    return runBench({registry, std::vector<std::string>(argv + 1, argv + argc)});
  } catch (const cli::UsageError& e) {
    std::cerr << "phasewise-bench " << what << ": " << e.what() << "\n";
    return 2;
  } catch (const core::CancelledError& e) {
    std::cerr << "phasewise-bench: " << e.what() << "\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "phasewise-bench: error: " << e.what() << "\n";
    return 1;
  }
}
