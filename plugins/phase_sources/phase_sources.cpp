#include "phase_sources/phase_sources.h"

#include <algorithm>

#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/phasewise_contents.h"
#include "simulate/cif_reader.h"
#include "simulate/stick_tables.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
namespace {

std::string extensionOf(const std::filesystem::path& file) { return core::lowercase(file.extension().string()); }

void readOne(const std::filesystem::path& file, const PhaseSourceOptions& options, CollectedPhases& out) {
  const std::string ext = extensionOf(file);
  auto append = [&out](core::PhaseLibrary&& more) {
    for (auto& p : more.phases) out.library.phases.push_back(std::move(p));
  };
  if (ext == ".cif") {
    const core::CifResult cif = core::readCif(file);
    for (const std::string& w : cif.warnings) out.warnings.push_back(file.string() + ": " + w);
    out.library.phases.push_back(core::phaseFromStructure(cif.structure));
  } else if (phasewiseContents(file).phases || ext == ".h5" || ext == ".hdf5") {
    // A phase library, or a project's reference phases; a damaged or foreign .h5 gets the
    // reader's own error (damaged, not Phasewise's) rather than "not a phase file".
    append(readPhaseLibraryFile(file));
  } else if (ext == ".tsv" || ext == ".txt" || ext == ".csv") {
    core::StickTableOptions sticks;
    sticks.wavelength_angstrom = options.stick_wavelength_angstrom;
    append(core::readStickTable(file, sticks));
  } else {
    throw core::Error(
        file.string() +
        ": neither a .cif, a Phasewise file with reference phases (.h5) nor a stick table (.tsv, .txt, .csv)");
  }
}

}  // namespace

std::vector<std::filesystem::path> phaseSourceFiles(const std::vector<std::filesystem::path>& inputs) {
  std::vector<std::filesystem::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(input, ec))
        if (entry.is_regular_file(ec) && extensionOf(entry.path()) == ".cif") found.push_back(entry.path());
      if (ec) throw core::Error(input.string() + ": cannot list the folder (" + ec.message() + ")");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(input, ec)) {
      files.push_back(input);
    } else {
      throw core::Error(input.string() + ": does not exist");
    }
  }
  return files;
}

CollectedPhases collectPhases(const std::vector<std::filesystem::path>& inputs, const PhaseSourceOptions& options,
                              const core::ProgressCallback& progress) {
  const std::vector<std::filesystem::path> files = phaseSourceFiles(inputs);
  CollectedPhases out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    core::reportProgress(progress, static_cast<double>(i) / static_cast<double>(files.size()),
                         "reading " + files[i].filename().string());
    ++out.files;
    try {
      readOne(files[i], options, out);
    } catch (const core::CancelledError&) {
      throw;
    } catch (const std::exception& e) {  // core::Error, and anything a parser lets through
      if (!options.keep_going) throw;
      out.failures.push_back({files[i], e.what()});
    }
  }
  core::reportProgress(progress, 1.0, "reference phases read");
  return out;
}

}  // namespace phasewise::plugins
