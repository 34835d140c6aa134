#pragma once
// A Phasewise project file: one HDF5 file with the sample library (/library), optionally the
// reference phases (/phases) and the latest decomposition (/decomposition), so that a session
// can be saved and reopened whole. Written atomically. Schema in docs/file-format.md.

#include <filesystem>
#include <optional>

#include "decompose/decomposition.h"
#include "model/library.h"
#include "simulate/phase_library.h"

namespace phasewise::plugins {

struct Project {
  core::Library library;
  std::optional<core::PhaseLibrary> phases;
  std::optional<core::DecompositionResult> decomposition;
};

void writeProject(const Project& project, const std::filesystem::path& path);
[[nodiscard]] Project readProject(const std::filesystem::path& path);

}  // namespace phasewise::plugins
