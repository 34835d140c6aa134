#pragma once
// The sub-commands of phasewise-cli. Each returns the process exit code; errors are thrown
// (core::Error for data problems, UsageError for the command line) and reported by main().

#include <string>
#include <vector>

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::cli {

struct CommandContext {
  const core::FormatRegistry& registry;
  std::vector<std::string> words;  // the arguments after the command name
};

int runInfo(const CommandContext& context);
int runConvert(const CommandContext& context);
int runExample(const CommandContext& context);
int runFormats(const CommandContext& context);
int runResample(const CommandContext& context);
int runSimulate(const CommandContext& context);
int runLibrary(const CommandContext& context);
int runDecompose(const CommandContext& context);
int runEvaluate(const CommandContext& context);
int runTrain(const CommandContext& context);
int runIdentify(const CommandContext& context);
int runRefine(const CommandContext& context);
int runDigits(const CommandContext& context);

class Arguments;
}  // namespace phasewise::cli
namespace phasewise::core {
struct PhaseLibrary;
}
namespace phasewise::cli {
// Reference phases from CIFs (files or folders), phase-library files (.h5) and stick tables.
core::PhaseLibrary collectPhases(const std::vector<std::string>& inputs, const Arguments& arguments, int* skipped);
int runIdentifyPhases(const CommandContext& context, const Arguments& arguments);  // identify --phases-from

}  // namespace phasewise::cli
