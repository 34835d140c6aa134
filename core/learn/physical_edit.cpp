#include "learn/physical_edit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace phasewise::core {
namespace {
std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}
std::string percent(double share) { return fixed(100.0 * share, share < 0.1 ? 1 : 0) + " %"; }
}  // namespace

std::string PhysicalEdit::describe() const {
  if (!applied) return "not a physical edit";
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  std::string kept, twins, removed_phases;
  std::size_t twin_count = 0;
  const EditedPhase* kept_phase = nullptr;
  const EditedPhase* largest_removed = nullptr;
  for (const EditedPhase& p : phases) {
    if (p.role == EditedPhase::Role::Kept) kept = p.name, kept_phase = &p;
    if (p.role == EditedPhase::Role::Removed && (!largest_removed || p.share > largest_removed->share))
      largest_removed = &p;
    if (p.role == EditedPhase::Role::Twin) twins += (twin_count++ ? ", " : "") + p.name;
    if (p.role == EditedPhase::Role::Removed)
      removed_phases += (removed_phases.empty() ? "" : ", ") + p.name + " (" + percent(p.share) +
                        (removed_phases.empty() ? " of the intensity)" : ")");
  }
  if (!kept.empty())
    add("kept " + kept +
        (twin_count ? (twin_count == 1 ? " (with its near-twin " : " (with its near-twins ") + twins + ")" : ""));
  // Keeping a phase that carries less than one taken away is the caller's choice (the
  // classifier's first guess) against the fit's: said, since the candidate may be the other.
  if (kept_phase && largest_removed && kept_phase->share > 0 && largest_removed->share > kept_phase->share)
    add("the kept phase carries " + percent(kept_phase->share) + " of the intensity, less than " +
        largest_removed->name + " (" + percent(largest_removed->share) + ")");
  if (!removed_phases.empty()) add("removed phases " + removed_phases);
  // A peak kept at less than half its height reads as removed, otherwise as weakened.
  for (const bool removed : {true, false}) {
    std::string positions;
    double share = 0;
    for (const EditedPeak& p : peaks) {
      if ((p.kept < 0.5) != removed) continue;
      positions += (positions.empty() ? "" : ", ") + fixed(p.position, 2);
      share += p.share;
    }
    if (positions.empty()) continue;
    add(std::string(removed ? "removed peaks" : "weakened peaks") + " at Q = " + positions + " nm^-1 (" +
        percent(share) + " of the intensity)");
  }
  if (background_fraction >= 0.005) add("background " + percent(background_fraction));
  if (std::abs(strain) >= 5e-5)
    add("lattice " + std::string(strain > 0 ? "+" : "-") + fixed(100.0 * std::abs(strain), 2) + " %");
  if (broadening >= 0.05) add("peaks broadened by " + fixed(broadening, 1) + " points (sigma)");
  return text.empty() ? "no change" : text;
}

}  // namespace phasewise::core
