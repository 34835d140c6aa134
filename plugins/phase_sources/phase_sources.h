#pragma once
// Reference phases from the user's own sources: CIF files, folders of CIFs, phase-library
// files (.h5 from `library build`) and stick tables (.tsv/.txt/.csv), read into one
// PhaseLibrary. The CLI's `library build`, `--phases-from` options and the GUI's
// reference-phase dialog all read through here, so they accept the same inputs and report
// the same failures.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "simulate/phase_library.h"
#include "util/progress.h"

namespace phasewise::plugins {

struct PhaseSourceOptions {
  // Wavelength of stick tables that list 2-theta without stating one (Angstrom).
  std::optional<double> stick_wavelength_angstrom;
  // false: the first file that cannot be read throws. true: it is listed in `failures`.
  bool keep_going = false;
};

struct PhaseSourceFailure {
  std::filesystem::path file;
  std::string reason;
};

struct CollectedPhases {
  core::PhaseLibrary library;
  std::vector<PhaseSourceFailure> failures;
  std::vector<std::string> warnings;  // "file: what was assumed or skipped"
  std::size_t files = 0;              // files looked at
};

// The files the inputs name: a folder contributes its .cif files (sorted; not its
// subfolders), a file itself. Throws Error for an input that does not exist.
[[nodiscard]] std::vector<std::filesystem::path> phaseSourceFiles(const std::vector<std::filesystem::path>& inputs);

// Reads every file of the inputs. Progress is reported per file and honours cancellation
// (CancelledError). An empty result is not an error here; callers say what it means.
[[nodiscard]] CollectedPhases collectPhases(const std::vector<std::filesystem::path>& inputs,
                                            const PhaseSourceOptions& options,
                                            const core::ProgressCallback& progress = {});

}  // namespace phasewise::plugins
