#pragma once
// Vendor powder-diffraction files through xylib (Debian libxy-dev, the library Fityk uses):
// Bruker/Siemens RAW v1-v4 and UXD, Rigaku DAT, Philips UDF and RD/SD, Sietronics CPI,
// powder CIF (pdCIF), XFIT XDD, RIET7/LHPM and DBWS. xylib's own format check decides, on the
// file's bytes. The x column is 2-theta in degrees; the wavelength is taken from the file
// where it states one (RAW: USED_LAMBDA or ALPHA1, UXD: WL1, pdCIF: the diffrn radiation
// wavelength; else the anode's K-alpha1 with a warning) and never assumed otherwise. Blocks
// on the same grid become samples; ranges of one scan that do not overlap are joined into one
// pattern. xylib's exceptions (and any other) end in the usual one-line error.

#include "io/format.h"

namespace phasewise::plugins {

class XylibReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "xylib"; }
  [[nodiscard]] std::string description() const override;
  [[nodiscard]] std::vector<std::string> extensions() const override;
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

}  // namespace phasewise::plugins
