#include "result_files/decomposition_file.h"

#include "format_hdf5/phasewise_contents.h"
#include "model/axis.h"

namespace phasewise::plugins {

std::optional<DecompositionFile> readDecompositionFile(const std::filesystem::path& path) {
  if (holdsSolution(path)) return DecompositionFile{readSolution(path), std::nullopt};
  if (!phasewiseContents(path).decomposition) return std::nullopt;
  DecompositionFile file{{}, readProject(path)};
  const core::DecompositionResult& d = *file.project->decomposition;
  Solution& s = file.solution;
  s.phases = d.phases;
  s.samples = d.samples;
  s.names = d.phase_names;
  s.q = core::convertAxis(file.project->library.axis, {core::AxisKind::Q, core::AxisUnit::InverseNanometre}).values;
  s.bases = d.bases;
  s.activations = d.activations;
  s.shifts = d.shifts;
  return file;
}

}  // namespace phasewise::plugins
