#include "example/synthetic_library.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "util/error.h"

namespace phasewise::core {
namespace {
using Peak = SyntheticPeak;  // q (nm^-1) at the phase's reference composition, height, hkl
struct Phase {
  std::string name;
  double centre[3];  // composition where the phase is strongest
  double radius;     // composition distance over which it fades out
  std::vector<Peak> peaks;
  int shifting_element;  // alloying with this element expands the lattice
};

std::vector<Phase> examplePhases() {
  // Invented phases with a handful of peaks each, spread over 15-80 nm^-1.
  return {
      // Peak positions follow a cubic lattice for alpha and beta, so they carry Miller indices.
      {"alpha (bcc)",
       {1.0, 0.0, 0.0},
       0.75,
       {{31.0, 1.0, {1, 1, 0}},
        {44.0, 0.25, {2, 0, 0}},
        {54.0, 0.5, {2, 1, 1}},
        {62.0, 0.12, {2, 2, 0}},
        {69.5, 0.2, {3, 1, 0}}},
       1},
      {"beta (fcc)",
       {0.0, 1.0, 0.0},
       0.75,
       {{30.2, 1.0, {1, 1, 1}},
        {34.9, 0.45, {2, 0, 0}},
        {49.4, 0.3, {2, 2, 0}},
        {58.0, 0.3, {3, 1, 1}},
        {60.5, 0.1, {2, 2, 2}},
        {70.0, 0.05, {4, 0, 0}}},
       2},
      {"gamma (hcp)",
       {0.0, 0.0, 1.0},
       0.7,
       {{27.5, 0.3}, {29.3, 0.35}, {31.2, 1.0}, {40.1, 0.15}, {47.8, 0.2}, {52.0, 0.2}, {56.5, 0.05}},
       0},
      {"delta (spinel)",
       {0.34, 0.33, 0.33},
       0.45,
       {{18.5, 0.2}, {21.6, 0.1}, {25.4, 1.0}, {36.0, 0.35}, {41.0, 0.15}, {45.0, 0.5}, {64.0, 0.1}},
       0},
  };
}

// Compositions (samples x 3): the triangular grid, or Dirichlet draws when a count is given.
std::vector<double> drawCompositions(const SyntheticLibrarySpec& spec, std::mt19937_64& rng) {
  std::vector<double> compositions;
  const std::size_t d = spec.grid_divisions;
  if (spec.samples == 0) {
    if (d == 0) throw Error("synthetic library needs grid divisions or a sample count");
    for (std::size_t a = 0; a <= d; ++a)
      for (std::size_t b = 0; a + b <= d; ++b) {
        const double fa = static_cast<double>(a) / static_cast<double>(d);
        const double fb = static_cast<double>(b) / static_cast<double>(d);
        compositions.insert(compositions.end(), {fa, fb, std::max(0.0, 1.0 - fa - fb)});
      }
    return compositions;
  }
  std::gamma_distribution<double> dirichlet(1.0, 1.0);
  for (std::size_t s = 0; s < spec.samples; ++s) {
    double f[3] = {dirichlet(rng), dirichlet(rng), dirichlet(rng)};
    const double sum = f[0] + f[1] + f[2];
    compositions.insert(compositions.end(), {f[0] / sum, f[1] / sum, f[2] / sum});
  }
  return compositions;
}

// The example's phases, cut to the count asked for or extended by random ones.
std::vector<Phase> choosePhases(const SyntheticLibrarySpec& spec, std::mt19937_64& rng) {
  std::vector<Phase> phases = examplePhases();
  if (spec.phases < phases.size()) {
    phases.resize(std::max<std::size_t>(spec.phases, 1));
    return phases;
  }
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::size_t p = phases.size(); p < spec.phases; ++p) {
    Phase extra;
    extra.name = "random phase " + std::to_string(p + 1);
    double c[3] = {uniform(rng), uniform(rng), uniform(rng)};
    const double sum = c[0] + c[1] + c[2];
    for (int e = 0; e < 3; ++e) extra.centre[e] = c[e] / sum;
    extra.radius = 0.35 + 0.3 * uniform(rng);
    const int peaks = 5 + static_cast<int>(uniform(rng) * 10);
    for (int i = 0; i < peaks; ++i)
      extra.peaks.push_back({spec.q_min + 3 + (spec.q_max - spec.q_min - 6) * uniform(rng),
                             i == 0 ? 1.0 : 0.05 + 0.6 * uniform(rng),
                             {0, 0, 0}});
    extra.shifting_element = static_cast<int>(uniform(rng) * 3) % 3;
    phases.push_back(extra);
  }
  return phases;
}

// Each phase's share at composition `c`: falling off with the distance from its centre, at
// most as many phases as elements present (the Gibbs rule the example obeys).
std::vector<double> phaseShares(const std::vector<Phase>& phases, const double* c, std::size_t limit) {
  double total = 0.0;
  std::vector<double> weights(phases.size());
  for (std::size_t k = 0; k < phases.size(); ++k) {
    const Phase& p = phases[k];
    double dist2 = 0.0;
    for (int e = 0; e < 3; ++e) dist2 += (c[e] - p.centre[e]) * (c[e] - p.centre[e]);
    weights[k] = std::max(0.0, 1.0 - std::sqrt(dist2) / p.radius);
    total += weights[k];
  }
  std::vector<std::size_t> order(phases.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return weights[a] > weights[b]; });
  for (std::size_t r = limit; r < order.size(); ++r) {
    total -= weights[order[r]];
    weights[order[r]] = 0.0;
  }
  for (double& w : weights) w = w > 0.0 ? w / total : 0.0;
  return weights;
}

// Gaussian peaks of every phase present, strained along its shifting element, added to `pattern`.
void addPeaks(const std::vector<Phase>& phases, const std::vector<double>& shares, const double* c, double width,
              const SyntheticLibrarySpec& spec, const std::vector<double>& q, std::vector<double>& pattern) {
  const std::size_t m = q.size();
  const double dq = (spec.q_max - spec.q_min) / static_cast<double>(m - 1);
  for (std::size_t k = 0; k < phases.size(); ++k) {
    if (shares[k] <= 0.0) continue;
    const double share = shares[k];
    const double strain = 1.0 - 0.03 * (c[phases[k].shifting_element] - phases[k].centre[phases[k].shifting_element]);
    for (const Peak& peak : phases[k].peaks) {
      const double q0 = peak.q * strain;
      const auto lo = static_cast<std::ptrdiff_t>(std::floor((q0 - 6 * width - spec.q_min) / dq));
      const auto hi = static_cast<std::ptrdiff_t>(std::ceil((q0 + 6 * width - spec.q_min) / dq));
      for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(lo, 0);
           i <= std::min<std::ptrdiff_t>(hi, static_cast<std::ptrdiff_t>(m) - 1); ++i) {
        const double u = (q[static_cast<std::size_t>(i)] - q0) / width;
        pattern[static_cast<std::size_t>(i)] += share * peak.height * std::exp(-0.5 * u * u);
      }
    }
  }
}

// Neighbours on the triangular grid: (a,b) ~ (a+1,b), (a,b+1), (a+1,b-1).
std::vector<std::pair<std::int64_t, std::int64_t>> gridEdges(std::size_t d) {
  std::vector<std::pair<std::int64_t, std::int64_t>> edges;
  std::vector<std::vector<std::int64_t>> index(d + 1, std::vector<std::int64_t>(d + 1, -1));
  std::int64_t i = 0;
  for (std::size_t a = 0; a <= d; ++a)
    for (std::size_t b = 0; a + b <= d; ++b) index[a][b] = i++;
  auto link = [&](std::int64_t u, std::int64_t v) {
    if (u >= 0 && v >= 0) edges.emplace_back(std::min(u, v), std::max(u, v));
  };
  for (std::size_t a = 0; a <= d; ++a)
    for (std::size_t b = 0; a + b <= d; ++b) {
      if (a + 1 + b <= d) link(index[a][b], index[a + 1][b]);
      if (a + b + 1 <= d) link(index[a][b], index[a][b + 1]);
      if (b > 0 && a + 1 + b - 1 <= d) link(index[a][b], index[a + 1][b - 1]);
    }
  std::sort(edges.begin(), edges.end());
  return edges;
}
}  // namespace

SyntheticLibrary makeSyntheticLibrary(const SyntheticLibrarySpec& spec) {
  if (spec.points < 2 || !(spec.q_max > spec.q_min) || !(spec.q_min > 0.0))
    throw Error("synthetic library needs at least 2 points and 0 < q_min < q_max");
  std::mt19937_64 rng(spec.seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const std::vector<double> compositions = drawCompositions(spec, rng);  // samples x 3
  const std::size_t n = compositions.size() / 3;
  const std::size_t m = spec.points;
  const std::vector<Phase> phases = choosePhases(spec, rng);

  SyntheticLibrary result;
  Library& lib = result.library;
  lib.name = "Phasewise synthetic Fe-Co-Ni example";
  lib.axis.spec = {AxisKind::Q, AxisUnit::InverseNanometre};
  lib.axis.values.resize(m);
  for (std::size_t i = 0; i < m; ++i)
    lib.axis.values[i] = spec.q_min + (spec.q_max - spec.q_min) * static_cast<double>(i) / static_cast<double>(m - 1);
  lib.samples = n;
  lib.elements = {"Fe", "Co", "Ni"};
  lib.composition = compositions;
  lib.intensities.assign(n * m, 0.0F);
  lib.phase_limit.resize(n);
  lib.x.resize(n);
  lib.y.resize(n);
  lib.metadata["generator"] = "phasewise synthetic example, seed " + std::to_string(spec.seed);
  lib.metadata["source"] = "generated by Phasewise (no measured data)";
  for (const Phase& p : phases) {
    result.phase_names.push_back(p.name);
    result.phases.push_back({p.name, p.peaks});
  }
  result.fractions.assign(n * phases.size(), 0.0);

  std::vector<double> pattern(m);
  for (std::size_t s = 0; s < n; ++s) {
    const double* c = &compositions[s * 3];
    // Wafer position: the ternary triangle drawn 100 mm wide.
    lib.x[s] = 100.0 * (c[1] + 0.5 * c[2]);
    lib.y[s] = 100.0 * (std::sqrt(3.0) / 2.0) * c[2];
    lib.phase_limit[s] = static_cast<std::int32_t>(std::count_if(c, c + 3, [](double f) { return f > 1e-9; }));
    const std::vector<double> shares = phaseShares(phases, c, static_cast<std::size_t>(lib.phase_limit[s]));
    std::copy(shares.begin(), shares.end(), result.fractions.begin() + static_cast<std::ptrdiff_t>(s * phases.size()));
    std::fill(pattern.begin(), pattern.end(), 0.0);
    const double width = 0.35 * (1.0 + 0.05 * gauss(rng));  // nm^-1, varies from sample to sample
    addPeaks(phases, shares, c, width, spec, lib.axis.values, pattern);
    float* row = lib.pattern(s);
    for (std::size_t i = 0; i < m; ++i) {
      const double background = 0.05 * std::exp(-(lib.axis.values[i] - spec.q_min) / 20.0);
      row[i] = static_cast<float>(std::max(0.0, pattern[i] + background + spec.noise * gauss(rng)));
    }
  }
  if (spec.samples == 0) lib.edges = gridEdges(spec.grid_divisions);
  for (std::size_t s = 0; s < n; ++s) lib.provenance.push_back({"<synthetic>", static_cast<std::int64_t>(s)});
  return result;
}

}  // namespace phasewise::core
