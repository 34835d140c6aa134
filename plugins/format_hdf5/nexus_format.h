#pragma once
// NeXus / pyFAI HDF5 (.nxs, .h5 with NXdata): 1-D integrated patterns and stacks of them (a
// scan, or a map whose positions come from the NXdata axes) as a library. The plotted data is
// found the NeXus way: the root's `default` attribute names the NXentry, the entry's names the
// NXdata (else the first NXentry / NXdata found, one level of nesting deep, as pyFAI writes
// `entry/integrate/results`); the NXdata's `signal` names the intensities and `axes` the axis
// datasets (or the older `signal=1` / `axes="a:b"` attributes on the datasets). The pattern
// axis is Q or 2-theta by its `units` (1/nm, 1/A, deg, rad) or, without units, by a pyFAI name
// (`q_nm^-1`, `q_A^-1`, `2th_deg`, `2th_rad`); anything else is refused rather than guessed.
// The wavelength comes from NXmonochromator/wavelength or NXbeam/incident_wavelength (with
// units: m, nm, A) and is never assumed. Read only (Phasewise writes its own HDF5).

#include "io/format.h"

namespace phasewise::plugins {

class NexusReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "nexus"; }
  [[nodiscard]] std::string description() const override { return "NeXus / pyFAI HDF5 (NXdata patterns)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".nxs", ".nx5", ".h5", ".hdf5"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

}  // namespace phasewise::plugins
