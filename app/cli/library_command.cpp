// `phasewise-cli library build|info`: reference phase libraries from CIFs and stick lists.

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "format_hdf5/phase_library_file.h"
#include "simulate/cif_reader.h"
#include "simulate/stick_tables.h"
#include "util/error.h"
#include "util/text.h"

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

bool isStickTable(const std::filesystem::path& p) {
  const std::string ext = core::lowercase(p.extension().string());
  return ext == ".tsv" || ext == ".txt" || ext == ".csv";
}

}  // namespace

core::PhaseLibrary collectPhases(const std::vector<std::string>& inputs, const Arguments& arguments, int* skipped) {
  std::vector<std::filesystem::path> files;
  for (const std::string& name : inputs) {
    const std::filesystem::path input = name;
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(input))
        if (core::lowercase(entry.path().extension().string()) == ".cif") found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(input, ec)) {
      files.push_back(input);
    } else {
      throw core::Error(input.string() + ": does not exist");
    }
  }
  core::StickTableOptions options;
  if (arguments.value("stick-wavelength")) options.wavelength_angstrom = arguments.number("stick-wavelength", 0);
  core::PhaseLibrary library;
  if (skipped) *skipped = 0;
  for (const auto& file : files) {
    try {
      const std::string ext = core::lowercase(file.extension().string());
      if (ext == ".cif") {
        const core::CifResult cif = core::readCif(file);
        for (const std::string& w : cif.warnings) std::cerr << "warning: " << file.string() << ": " << w << "\n";
        library.phases.push_back(core::phaseFromStructure(cif.structure));
      } else if (ext == ".h5" || ext == ".hdf5") {
        core::PhaseLibrary stored = plugins::readPhaseLibraryFile(file);
        for (auto& p : stored.phases) library.phases.push_back(std::move(p));
      } else if (isStickTable(file)) {
        core::PhaseLibrary sticks = core::readStickTable(file, options);
        for (auto& p : sticks.phases) library.phases.push_back(std::move(p));
      } else {
        throw core::Error(file.string() +
                          ": neither a .cif, a phase library (.h5) nor a stick table (.tsv, .txt, .csv)");
      }
    } catch (const core::Error& e) {
      if (!arguments.flag("skip-bad")) throw;
      std::cerr << "skipped: " << e.what() << "\n";
      if (skipped) ++*skipped;
    }
  }
  if (library.phases.empty()) throw core::Error("no phases were read");
  return library;
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
