#pragma once
// Fit2D .chi integrated patterns: a title line, the axis label ("2-Theta Angle (Degrees)",
// "Q (nm-1)", "Q (Angstrom-1)"), the intensity label, the number of points, then the rows.

#include "io/format.h"

namespace phasewise::plugins {

class ChiReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "chi"; }
  [[nodiscard]] std::string description() const override { return "Fit2D integrated pattern (.chi)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".chi"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

}  // namespace phasewise::plugins
