#pragma once
// Made-up stick phases on a Q axis, for tests of fits against reference phases (header-only:
// the support library does not link the simulation code these types come from).

#include <string>
#include <utility>
#include <vector>

#include "model/axis.h"
#include "simulate/phase_library.h"

namespace phasewise::test {

// A stick phase of (Q in nm^-1, relative intensity) lines.
inline core::ReferencePhase stickPhase(const std::string& name, const std::vector<std::pair<double, double>>& lines) {
  core::ReferencePhase p;
  p.name = name;
  for (const auto& [q, i] : lines) p.sticks.push_back({q, i, std::nullopt});
  return p;
}

// n equally spaced points from `from` to `to`, Q in nm^-1.
inline core::Axis qAxisNm(double from, double to, std::size_t n) {
  core::Axis a{{core::AxisKind::Q, core::AxisUnit::InverseNanometre}, {}, std::nullopt};
  for (std::size_t i = 0; i < n; ++i) a.values.push_back(from + (to - from) * static_cast<double>(i) / (n - 1));
  return a;
}

}  // namespace phasewise::test
