#include "learn/imperfect.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "simulate/augment.h"
#include "util/error.h"

namespace phasewise::core {

ImperfectSet makeImperfectCandidates(const PhaseLibrary& library, const Axis& grid, const std::string& radiation,
                                     std::size_t count, std::uint64_t seed, const ImperfectionSettings& s) {
  if (library.size() < 2) throw Error("imperfect candidates need at least two phases");
  // Clean variants (shift, width, texture), corrupted below.
  AugmentationSettings clean;
  clean.strain = s.strain;
  clean.background = 0;
  clean.counts_max = 0;
  clean.gaussian_noise = 0;
  clean.kalpha2_probability = 0;
  const TrainingSetGenerator generator(library, grid, Radiation::parse(radiation), clean);
  const std::size_t m = grid.values.size(), phases = library.size();
  ImperfectSet set;
  set.count = count;
  set.patterns.resize(count * m);
  set.labels.resize(count);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<float> own(m), other(m);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t p = i % phases;
    std::size_t q = static_cast<std::size_t>(uniform(rng) * static_cast<double>(phases - 1));
    if (q >= p) ++q;
    generator.augment(p, 1000000 + i, seed, own.data());
    generator.augment(q, 2000000 + i, seed, other.data());
    const double threshold = uniform(rng) * s.weak_loss_max;
    const double share = s.mix_min + (s.mix_max - s.mix_min) * uniform(rng);
    const double b0 = uniform(rng) * s.background, slope = (uniform(rng) - 0.5) * s.background;
    const double sigma = uniform(rng) * s.noise;
    float* x = set.patterns.data() + i * m;
    float top = 0;
    for (std::size_t j = 0; j < m; ++j) {
      double v = own[j];
      if (threshold > 0 && v < threshold) v *= (v / threshold) * (v / threshold);  // weak peaks fade out
      const double u = static_cast<double>(j) / static_cast<double>(m - 1);
      v += share * other[j] + std::max(0.0, b0 + slope * u) + sigma * normal(rng);
      x[j] = static_cast<float>(std::max(0.0, v));
      top = std::max(top, x[j]);
    }
    if (top > 0)
      for (std::size_t j = 0; j < m; ++j) x[j] /= top;
    set.labels[i] = static_cast<int>(p);
  }
  return set;
}

}  // namespace phasewise::core
