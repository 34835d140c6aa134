#pragma once
// Phase libraries in Phasewise's HDF5 files: the group /phases (schema in
// docs/file-format.md), alone in a file of its own (`library build`) or beside /library in a
// project file. Written atomically; read back losslessly.

#include <hdf5.h>

#include <filesystem>

#include "simulate/phase_library.h"

namespace phasewise::plugins {

void writePhaseLibraryGroup(hid_t file, const core::PhaseLibrary& library);
[[nodiscard]] core::PhaseLibrary readPhaseLibraryGroup(hid_t file, const std::string& file_name);

// A file holding only a phase library. Throws core::Error / core::FormatError.
void writePhaseLibraryFile(const core::PhaseLibrary& library, const std::filesystem::path& path);
[[nodiscard]] core::PhaseLibrary readPhaseLibraryFile(const std::filesystem::path& path);

}  // namespace phasewise::plugins
