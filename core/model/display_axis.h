#pragma once
// The units a pattern can be shown in, whatever axis it was measured on: Q (nm^-1 or A^-1),
// 2-theta (degrees, at a stated wavelength) or d-spacing (Angstrom). Display only: the data
// keep their own axis.

#include <optional>
#include <string>
#include <vector>

#include "model/axis.h"

namespace phasewise::core {

enum class DisplayAxis { QInverseNanometre, QInverseAngstrom, TwoThetaDegree, DSpacingAngstrom };

[[nodiscard]] std::string displayAxisName(DisplayAxis unit);  // "Q (nm^-1)", "2-theta (deg)", "d (A)"

// The wavelength 2-theta is shown at: the axis' own, else `fallback` (the user's choice, which
// the caller must show). Empty when neither is known.
[[nodiscard]] std::optional<double> displayWavelength(const Axis& axis, std::optional<double> fallback);

// Every value of `axis` in `unit`; NaN where a value has no counterpart (Q beyond what the
// wavelength reaches). Throws Error when 2-theta is involved and no wavelength is known.
[[nodiscard]] std::vector<double> displayValues(const Axis& axis, DisplayAxis unit,
                                                std::optional<double> fallback_wavelength = std::nullopt);
// One value (a cursor position) back from `unit` to the axis' own kind and unit.
[[nodiscard]] double fromDisplayValue(double value, DisplayAxis unit, const Axis& axis,
                                      std::optional<double> fallback_wavelength = std::nullopt);

}  // namespace phasewise::core
