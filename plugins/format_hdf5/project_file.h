#pragma once
// A Phasewise project file: one HDF5 file with the sample library (/library), optionally the
// reference phases (/phases), the latest decomposition (/decomposition) and the
// identification and refinement of its candidates (/refinement), so that a session
// can be saved and reopened whole. Written atomically. Schema in docs/file-format.md.

#include <filesystem>
#include <optional>

#include "decompose/decomposition.h"
#include "learn/refinement_record.h"
#include "model/library.h"
#include "simulate/phase_library.h"

namespace phasewise::plugins {

struct Project {
  core::Library library;
  std::optional<core::PhaseLibrary> phases;
  std::optional<core::DecompositionResult> decomposition;
  std::optional<core::RefinementRecord> refinement;  // of the decomposition's candidates
  // Phases with elements the library lacks kept in fits, identities and refinement (the
  // desktop app's Analysis > Keep phases with elements the library lacks; `--keep-foreign`).
  bool keep_foreign_phases = false;
};

void writeProject(const Project& project, const std::filesystem::path& path);
// Checked first (hdf5_integrity.h): a damaged file ends in a FormatError, never a crash.
[[nodiscard]] Project readProject(const std::filesystem::path& path);
// Without that check: for a caller that has just made it.
[[nodiscard]] Project readProjectUnchecked(const std::filesystem::path& path);

}  // namespace phasewise::plugins
