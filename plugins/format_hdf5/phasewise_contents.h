#pragma once
// What a Phasewise HDF5 file holds, decided by its content (the root's format attribute and
// its groups), never by its name: the one place the GUI's File > Open, the CLI's
// decompose/evaluate/learn commands and the reference-phase readers ask "is this a project,
// a phase library, a library?". A NeXus or other HDF5 file, a text file or a damaged file
// holds none of them; the format registry decides what those are.

#include <filesystem>

namespace phasewise::plugins {

struct PhasewiseContents {
  bool library = false;        // /library: samples (a library file, or a project)
  bool phases = false;         // /phases: reference phases (a phase library, or a project)
  bool decomposition = false;  // /decomposition
  bool refinement = false;     // /refinement

  [[nodiscard]] bool phasewise() const { return library || phases; }
  // Opened as a project (library with whatever else it holds), not through the registry.
  [[nodiscard]] bool project() const { return library; }
};

// Never throws: a file that cannot be read holds nothing (the reader that is then chosen
// says why it cannot be read).
[[nodiscard]] PhasewiseContents phasewiseContents(const std::filesystem::path& path);

}  // namespace phasewise::plugins
