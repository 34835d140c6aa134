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
const EditedPhase* largestRemoved(const std::vector<EditedPhase>& phases) {
  const EditedPhase* largest = nullptr;
  for (const EditedPhase& p : phases)
    if (p.role == EditedPhase::Role::Removed && (!largest || p.share > largest->share)) largest = &p;
  return largest;
}
// The phase kept with its near-twins: one phase drawn by several cards.
double keptShare(const std::vector<EditedPhase>& phases) {
  double share = 0;
  for (const EditedPhase& p : phases)
    if (p.role != EditedPhase::Role::Removed) share += p.share;
  return share;
}
}  // namespace

bool PhysicalEdit::keptLessThanRemoved() const {
  // Older project files hold no kept share (0): nothing to compare.
  const double kept = keptShare(phases);
  const EditedPhase* largest = largestRemoved(phases);
  return kept > 0 && largest && largest->share > kept;
}

std::string PhysicalEdit::describe() const {
  if (!applied) return "not a physical edit";
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  std::string kept, twins, removed_phases;
  std::size_t twin_count = 0;
  for (const EditedPhase& p : phases) {
    if (p.role == EditedPhase::Role::Kept) kept = p.name;
    if (p.role == EditedPhase::Role::Twin) twins += (twin_count++ ? ", " : "") + p.name;
    if (p.role == EditedPhase::Role::Removed)
      removed_phases += (removed_phases.empty() ? "" : ", ") + p.name + " (" + percent(p.share) +
                        (removed_phases.empty() ? " of the intensity)" : ")");
  }
  if (!kept.empty())
    add("kept " + kept +
        (twin_count ? (twin_count == 1 ? " (with its near-twin " : " (with its near-twins ") + twins + ")" : ""));
  if (keptLessThanRemoved()) {
    const EditedPhase& largest = *largestRemoved(phases);
    add(std::string(twin_count ? "the kept phase and its near-twins carry " : "the kept phase carries ") +
        percent(keptShare(phases)) + " of the intensity, less than " + largest.name + " (" + percent(largest.share) +
        ")");
  }
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
