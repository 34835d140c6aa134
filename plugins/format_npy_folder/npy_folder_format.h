#pragma once
// A DRNets-style folder of NumPy arrays: XRD.npy (N x M) and Q.npy (M, nm^-1) are required;
// composition.npy (N x E), edges.npy (N x N adjacency or E x 2 pairs), degree_of_freedom.npy
// (Gibbs limit per sample), bases_name.npy (candidate phases) and sample_indicator.npy
// (N x P allowed-phase mask) are used when present. Element names come from the folder name
// ("Al-Li-Fe", "Bi-Cu-V-307") since the arrays carry none.

#include "io/format.h"

namespace phasewise::plugins {

class NpyFolderReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "npy-folder"; }
  [[nodiscard]] std::string description() const override {
    return "DRNets folder of .npy arrays (XRD.npy, Q.npy, ...)";
  }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".npy"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

}  // namespace phasewise::plugins
