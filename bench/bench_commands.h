#pragma once
// The benchmarks of phasewise-bench, one file each. They compare Phasewise with the peers
// named in the issues (scikit-learn, pymatgen, PyTorch: bench/peers/*.py, run with the same
// thread count) in the same run, and print ratios. Each returns the process exit code.

#include "arguments.h"
#include "commands.h"

namespace phasewise::cli {

int runBenchIo(const CommandContext& context, const Arguments& arguments);
int runBenchIoChild(const CommandContext& context);  // internal: one measured read in a fresh process
int runBenchSimulate(const CommandContext& context, const Arguments& arguments);
int runBenchDecompose(const CommandContext& context, const Arguments& arguments);
int runBenchDecomposeChild(const CommandContext& context);  // internal: one measured run in a fresh process
int runBenchRefine(const CommandContext& context, const Arguments& arguments);
int runBenchIdentify(const CommandContext& context, const Arguments& arguments);
int runBenchThreads(const CommandContext& context, const Arguments& arguments);

}  // namespace phasewise::cli
