#include "learn/imperfect.h"

#include <algorithm>
#include <cmath>

#include "simulate/augment.h"
#include "util/error.h"

namespace phasewise::core {

ImperfectionSettings ImperfectionSettings::harder() {
  ImperfectionSettings s;
  s.contaminants_min = 2;
  s.contaminants_max = 3;
  s.strain = 0.03;
  s.width_scale_min = 1.5;
  s.width_scale_max = 3.5;
  return s;
}

void corruptLikeCandidate(float* x, std::size_t m, const std::vector<const float*>& others,
                          const ImperfectionSettings& s, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double threshold = uniform(rng) * s.weak_loss_max;
  std::vector<double> shares;
  for (std::size_t k = 0; k < others.size(); ++k) shares.push_back(s.mix_min + (s.mix_max - s.mix_min) * uniform(rng));
  const double b0 = uniform(rng) * s.background, slope = (uniform(rng) - 0.5) * s.background;
  const double sigma = uniform(rng) * s.noise;
  float top = 0;
  for (std::size_t j = 0; j < m; ++j) {
    double v = x[j];
    if (threshold > 0 && v < threshold) v *= (v / threshold) * (v / threshold);  // weak peaks fade out
    const double u = m > 1 ? static_cast<double>(j) / static_cast<double>(m - 1) : 0.0;
    for (std::size_t k = 0; k < others.size(); ++k) v += shares[k] * others[k][j];
    v += std::max(0.0, b0 + slope * u) + sigma * normal(rng);
    x[j] = static_cast<float>(std::max(0.0, v));
    top = std::max(top, x[j]);
  }
  if (top > 0)
    for (std::size_t j = 0; j < m; ++j) x[j] /= top;
}

ImperfectSet makeImperfectCandidates(const PhaseLibrary& library, const Axis& grid, const std::string& radiation,
                                     std::size_t count, std::uint64_t seed, const ImperfectionSettings& s) {
  if (s.contaminants_min < 0 || s.contaminants_max < s.contaminants_min)
    throw Error("the contaminant count range is empty");
  if (library.size() < static_cast<std::size_t>(s.contaminants_max) + 1)
    throw Error("imperfect candidates need more phases than contaminants");
  // Clean variants (shift, width, texture), corrupted below.
  AugmentationSettings clean;
  clean.strain = s.strain;
  clean.stick_march_dollase = s.stick_march_dollase;
  clean.width_scale_min = s.width_scale_min;
  clean.width_scale_max = s.width_scale_max;
  clean.background = 0;
  clean.counts_max = 0;
  clean.gaussian_noise = 0;
  clean.kalpha2_probability = 0;
  const TrainingSetGenerator generator(library, grid, Radiation::parse(radiation), clean);
  const std::size_t m = grid.values.size(), phases = library.size();
  ImperfectSet set;
  set.count = count;
  set.patterns.resize(count * m);
  set.pure.resize(count * m);
  set.labels.resize(count);
  std::mt19937_64 rng(seed);
  std::vector<std::vector<float>> other(static_cast<std::size_t>(s.contaminants_max), std::vector<float>(m));
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t p = i % phases;
    const int contaminants =
        s.contaminants_min +
        static_cast<int>(rng() % static_cast<std::uint64_t>(s.contaminants_max - s.contaminants_min + 1));
    std::vector<std::size_t> chosen{p};
    std::vector<const float*> others;
    for (int c = 0; c < contaminants; ++c) {
      std::size_t q = 0;
      do q = static_cast<std::size_t>(rng() % phases);
      while (std::find(chosen.begin(), chosen.end(), q) != chosen.end());
      chosen.push_back(q);
      generator.augment(q, 2000000 + i * 8 + static_cast<std::uint64_t>(c), seed,
                        other[static_cast<std::size_t>(c)].data());
      others.push_back(other[static_cast<std::size_t>(c)].data());
    }
    float* pure = set.pure.data() + i * m;
    generator.augment(p, 1000000 + i, seed, pure);
    float* x = set.patterns.data() + i * m;
    std::copy(pure, pure + m, x);
    corruptLikeCandidate(x, m, others, s, rng);
    set.labels[i] = static_cast<int>(p);
  }
  return set;
}

}  // namespace phasewise::core
