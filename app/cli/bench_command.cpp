#include <iostream>

#include "arguments.h"
#include "commands.h"

namespace phasewise::cli {

int runBench(const CommandContext& context) {
  const Arguments arguments(context.words,
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
                             "max-strain",
                             "max-broadening",
                             "strain-cost"},
                            {"help", "keep", "skip-large", "skip-synthetic", "skip-pytorch"});
  const std::string what = arguments.positional().empty() ? "" : arguments.positional()[0];
  if (arguments.flag("help") || arguments.positional().size() != 1 ||
      (what != "io" && what != "simulate" && what != "decompose" && what != "refine" && what != "identify" &&
       what != "threads")) {
    std::cout
        << "usage: phasewise-cli bench io [--samples 5000] [--points 4000] [--runs 3] [--dir DIR] [--keep]\n"
           "       phasewise-cli bench simulate [--cif-dir ../shared/data/cif] [--repeats 20]\n"
           "                                    [--per-structure 100] [--points 4000] [--threads 0]\n"
           "       phasewise-cli bench decompose [--data ../shared/data] [--bicuv-phases 13]\n"
           "                                     [--samples 5000] [--points 4000] [--large-phases 12] [--skip-large]\n"
           "       phasewise-cli bench refine [--data ../shared/data] [--per-phase 100] [--epochs 8]\n"
           "                                  [--candidates 2000] [--steps 40] [--lambda 10] [--lambda-additive 1]\n"
           "                                  [--epochs-refiner 10] [--candidate-share 0.5] [--skip-synthetic]\n"
           "                                  [--skip-pytorch]\n"
           "       phasewise-cli bench identify [--data ../shared/data]   (every phase in the dara mixtures)\n"
           "       phasewise-cli bench threads [--per-phase 150] [--epochs 3]   (training with one core busy)\n";
    return arguments.flag("help") ? 0 : 2;
  }
  if (what == "io") return runBenchIo(context, arguments);
  if (what == "simulate") return runBenchSimulate(context, arguments);
  if (what == "refine") return runBenchRefine(context, arguments);
  if (what == "identify") return runBenchIdentify(context, arguments);
  if (what == "threads") return runBenchThreads(context, arguments);
  return runBenchDecompose(context, arguments);
}

}  // namespace phasewise::cli
