#pragma once
// The instance text format of AgileFD, Phase-Mapper and DRNets (Le Bras et al. 2014):
// '//' comment lines and key=value lines: M=, Elements=, N=, Composition= (the keys of the
// per-element composition rows), optional Deposition=X,Y with X= and Y= rows, Q= (nm^-1)
// and I1= .. IN=. Other per-sample rows (sample_no=, pattern_fn=, ...) are kept as sample
// metadata. Read streaming, straight into the intensity matrix.

#include "io/format.h"

namespace phasewise::plugins {

class InstanceReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "instance"; }
  [[nodiscard]] std::string description() const override { return "AgileFD/DRNets instance text (Q in nm^-1)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".txt", ".inst"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

class InstanceWriter final : public core::FormatWriter {
 public:
  [[nodiscard]] std::string id() const override { return "instance"; }
  [[nodiscard]] std::string description() const override { return "AgileFD/DRNets instance text (Q in nm^-1)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".txt", ".inst"}; }

 protected:
  void writeImpl(const core::Library& library, const std::filesystem::path& temporary_path) const override;
};

}  // namespace phasewise::plugins
