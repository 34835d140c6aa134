// phasewise-cli: the headless face of Phasewise, over the same core as the desktop app.

#include <cstring>
#include <iostream>
#include <map>

#include "arguments.h"
#include "builtin_formats.h"
#include "commands.h"
#include "io/registry.h"
#include "util/error.h"

namespace {
constexpr const char* kUsage = R"(usage: phasewise-cli COMMAND [ARGS]

commands:
  info FILE...                  summarise libraries: samples, points, axis, wavelength, elements
  convert IN OUT                convert between formats (chosen by OUT's extension)
  resample IN OUT              put patterns on a new grid, another axis, or a log-Q grid
  simulate CIF|STICKS -o OUT     ideal powder pattern (profile or --sticks) of a structure or stick list
  library build|info            reference phase libraries from CIFs and stick lists
  decompose LIB --phases K -o R.txt   phases, activations and shifts (shift-aware, Gibbs, connectivity)
  evaluate R.txt --truth DIR    matched cosine, phase-fraction L1, Gibbs violations against truth
  train PHASES... --grid G -o C.pt   train the phase classifier on reference phases
  identify C.pt PATTERNS        top phases with probabilities, one tab-separated line per pattern
  refine C.pt PATTERNS -o OUT   imitation refinement of candidate phase patterns
  digits --out DIR              the same refinement on handwritten digits, classifier trained on typeset ones
  example -o FILE               write Phasewise's built-in synthetic example library
  formats                       list the formats Phasewise reads and writes

common options:
  --wavelength A                wavelength in Angstrom for files that do not state one
  --axis q_nm|q_A|2theta        what the first column of an .xy/.csv file is
  --format ID                   force a reader (see `formats`)
Run `phasewise-cli COMMAND --help` for a command's own options.
)";
}  // namespace

int main(int argc, char** argv) {
  using namespace phasewise;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::map<std::string, int (*)(const cli::CommandContext&)> commands = {
      {"info", cli::runInfo},       {"convert", cli::runConvert},     {"example", cli::runExample},
      {"formats", cli::runFormats}, {"resample", cli::runResample},   {"simulate", cli::runSimulate},
      {"library", cli::runLibrary}, {"decompose", cli::runDecompose}, {"evaluate", cli::runEvaluate},
      {"train", cli::runTrain},     {"identify", cli::runIdentify},   {"refine", cli::runRefine},
      {"digits", cli::runDigits},
  };
  const auto command = commands.find(argv[1]);
  if (command == commands.end()) {
    std::cerr << "phasewise-cli: unknown command '" << argv[1] << "' (run phasewise-cli --help)\n";
    return 2;
  }
  try {
    core::FormatRegistry registry;
    plugins::registerBuiltinFormats(registry);
    cli::CommandContext context{registry, std::vector<std::string>(argv + 2, argv + argc)};
    return command->second(context);
  } catch (const cli::UsageError& e) {
    std::cerr << "phasewise-cli " << argv[1] << ": " << e.what() << "\n";
    return 2;
  } catch (const core::CancelledError& e) {
    std::cerr << "phasewise-cli: " << e.what() << "\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "phasewise-cli: error: " << e.what() << "\n";
    return 1;
  }
}
