#pragma once
// PANalytical XRDML (XML): version 1 files keep the data in <intensities>, version 2 in
// <counts>; the 2-theta grid comes from start/end positions or an explicit list, and the
// wavelength (K-alpha1, with K-alpha2 and their ratio recorded) from <usedWavelength>.
// Each <scan> becomes one sample.

#include "io/format.h"

namespace phasewise::plugins {

class XrdmlReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "xrdml"; }
  [[nodiscard]] std::string description() const override { return "PANalytical XRDML v1/v2"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".xrdml"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

}  // namespace phasewise::plugins
