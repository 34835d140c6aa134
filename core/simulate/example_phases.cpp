#include "simulate/example_phases.h"

#include <algorithm>
#include <random>

namespace phasewise::core {

PhaseLibrary exampleReferencePhases(const SyntheticLibrary& example, std::size_t decoys, std::uint64_t seed) {
  PhaseLibrary library;
  auto add = [&](const std::string& name, const std::vector<SyntheticPeak>& peaks, double q_scale,
                 const std::string& source) {
    ReferencePhase phase;
    phase.name = name;
    phase.source = source;
    for (const SyntheticPeak& p : peaks) {
      StickLine line;
      line.q_nm = p.q * q_scale;
      line.intensity = 100.0 * p.height;
      if (p.hkl != std::array<int, 3>{0, 0, 0}) line.hkl = p.hkl;
      phase.sticks.push_back(line);
    }
    library.phases.push_back(std::move(phase));
  };
  for (const SyntheticPhase& phase : example.phases) add(phase.name, phase.peaks, 1.0, "Phasewise example phase");
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double q_min = example.library.axis.values.empty() ? 15.0 : example.library.axis.values.front();
  const double q_max = example.library.axis.values.empty() ? 80.0 : example.library.axis.values.back();
  for (std::size_t d = 0; d < decoys; ++d) {
    if (d < example.phases.size()) {
      // A look-alike: the same lattice expanded by 3.5 % with its weak peaks reordered, the
      // confusion a classifier must resolve from peak positions.
      std::vector<SyntheticPeak> peaks = example.phases[d].peaks;
      std::vector<double> heights;
      for (const auto& p : peaks) heights.push_back(p.height);
      std::rotate(heights.begin(), heights.begin() + 1, heights.end());
      for (std::size_t i = 0; i < peaks.size(); ++i) peaks[i].height = heights[i];
      add(example.phases[d].name + " look-alike", peaks, 1.0 / 1.035, "Phasewise decoy");
    } else {
      std::vector<SyntheticPeak> peaks;
      const int count = 4 + static_cast<int>(uniform(rng) * 6);
      for (int i = 0; i < count; ++i)
        peaks.push_back(
            {q_min + 3 + (q_max - q_min - 6) * uniform(rng), i == 0 ? 1.0 : 0.1 + 0.6 * uniform(rng), {0, 0, 0}});
      add("decoy " + std::to_string(d + 1 - std::min(decoys, example.phases.size())), peaks, 1.0, "Phasewise decoy");
    }
  }
  return library;
}

}  // namespace phasewise::core
