// `phasewise-cli library build|info`: reference phase libraries from CIFs and stick lists.

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "format_hdf5/phase_library_file.h"
#include "phase_sources/phase_sources.h"
#include "util/error.h"

namespace phasewise::cli {
namespace {
constexpr const char* kUsage =
    R"(usage: phasewise-cli library build DIR_OR_FILES... -o library.h5 [--skip-bad] [--stick-wavelength A]
       phasewise-cli library info library.h5
  build: every .cif (named, or in a named folder) becomes a structure phase; every stick table
  named on the command line (.tsv/.txt/.csv: DRNets sticks_lib.tsv / stick_bases.tsv, or a plain
  table with a '#' header naming its columns) adds its phases.
  A file that cannot be read stops the build, unless --skip-bad (then it is reported and left out).
)";

}  // namespace

core::PhaseLibrary collectPhases(const std::vector<std::string>& inputs, const Arguments& arguments, int* skipped) {
  plugins::PhaseSourceOptions options;
  if (arguments.value("stick-wavelength")) options.stick_wavelength_angstrom = arguments.number("stick-wavelength", 0);
  options.keep_going = arguments.flag("skip-bad");
  plugins::CollectedPhases collected = plugins::collectPhases({inputs.begin(), inputs.end()}, options);
  for (const std::string& w : collected.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& failure : collected.failures) std::cerr << "skipped: " << failure.reason << "\n";
  if (skipped) *skipped = static_cast<int>(collected.failures.size());
  if (collected.library.phases.empty()) throw core::Error("no phases were read");
  return std::move(collected.library);
}

namespace {
int build(const Arguments& arguments) {
  const auto output = arguments.value("o") ? arguments.value("o") : arguments.value("output");
  if (!output || arguments.positional().size() < 2) throw UsageError("library build needs inputs and -o FILE");
  int skipped = 0;
  const core::PhaseLibrary library =
      collectPhases({arguments.positional().begin() + 1, arguments.positional().end()}, arguments, &skipped);
  plugins::writePhaseLibraryFile(library, *output);
  std::size_t structures = 0;
  for (const auto& p : library.phases) structures += p.fromStructure();
  std::cout << "wrote " << *output << ": " << library.size() << " phases (" << structures << " from structures, "
            << library.size() - structures << " from stick lists"
            << (skipped ? ", " + std::to_string(skipped) + " files skipped" : "") << ")\n";
  return 0;
}

int info(const Arguments& arguments) {
  if (arguments.positional().size() != 2) throw UsageError("library info needs one file");
  const core::PhaseLibrary library = plugins::readPhaseLibraryFile(arguments.positional()[1]);
  std::cout << arguments.positional()[1] << ": " << library.size() << " phases over ";
  const auto elements = library.elements();
  for (std::size_t e = 0; e < elements.size(); ++e) std::cout << (e ? ", " : "") << elements[e];
  std::cout << "\n";
  for (std::size_t i = 0; i < library.size(); ++i) {
    const core::ReferencePhase& p = library.phases[i];
    std::cout << std::setw(5) << i << "  " << std::left << std::setw(44) << p.name.substr(0, 43) << std::setw(18)
              << p.formula.substr(0, 17) << std::right;
    if (p.structure)
      std::cout << "structure " << p.structure->space_group << " (" << p.structure->space_group_number << "), "
                << p.structure->sites.size() << " sites\n";
    else
      std::cout << "sticks, " << p.sticks.size() << " lines\n";
  }
  return 0;
}
}  // namespace

int runLibrary(const CommandContext& context) {
  const Arguments arguments(context.words, {"o", "output", "stick-wavelength"}, {"help", "skip-bad"});
  const std::string what = arguments.positional().empty() ? "" : arguments.positional()[0];
  if (arguments.flag("help") || (what != "build" && what != "info")) {
    std::cout << kUsage;
    return arguments.flag("help") ? 0 : 2;
  }
  return what == "build" ? build(arguments) : info(arguments);
}

}  // namespace phasewise::cli
