#pragma once
// A decomposition read back from a file, whichever kind holds it: a Phasewise project with a
// decomposition, or an instance solution (.txt, K=...). The kind is decided by content
// (phasewise_contents.h, holdsSolution), and the patterns are put on Q in nm^-1, so
// `evaluate`, `decompose --seed-from` and the learn commands read decompositions one way.

#include <filesystem>
#include <optional>

#include "format_hdf5/project_file.h"
#include "format_instance/solution_format.h"

namespace phasewise::plugins {

struct DecompositionFile {
  Solution solution;               // on Q in nm^-1, whatever the project's axis
  std::optional<Project> project;  // the whole project, when it came from one
};

// nullopt when the file holds no decomposition (a library, a phase library, a pattern file:
// the caller reads those through the registry). Throws core::Error when it should hold one
// but cannot be read, or (a 2-theta project without a wavelength) cannot be put on Q.
[[nodiscard]] std::optional<DecompositionFile> readDecompositionFile(const std::filesystem::path& path);

}  // namespace phasewise::plugins
