#include "simulate/augment.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "simulate/peak_shape.h"
#include "simulate/reflections.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::core {

bool stickTextureIsMarchDollase(const std::string& name) {
  if (name != "scaling" && name != "march-dollase")
    throw Error("the stick-card texture is scaling or march-dollase, not '" + name + "'");
  return name == "march-dollase";
}

const char* stickTextureName(bool march_dollase) { return march_dollase ? "march-dollase" : "scaling"; }

namespace {
constexpr double kDeg = M_PI / 180.0;

// xoshiro256**: fast, small state, good statistics; seeded through splitmix64.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& s : state_) s = splitmix(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  // Standard normal from four 16-bit uniforms (Irwin-Hall, n = 4): one draw per value and no
  // transcendental functions; tails end at 3.46 sigma, which noise for training can afford.
  float normal() {
    const std::uint64_t r = next();
    const float sum = static_cast<float>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48));
    return (sum * (1.0F / 65536.0F) - 2.0F) * 1.7320508F;
  }
  static std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t x = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
    return splitmix(x);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4];
};

struct PhaseTemplate {
  bool structure = false;
  UnitCell cell;                                         // structures: unstrained cell
  std::vector<std::array<int, 3>> hkl;                   // structures: family representatives
  std::vector<std::vector<std::array<int, 3>>> members;  // structures: for texture averaging
  std::vector<double> q_nm;                              // sticks: positions
  std::vector<double> base_intensity;                    // |F|^2 m (structures) or relative I (sticks)
};

// Reciprocal-metric dot product of two index triples.
double dot(const std::array<double, 6>& g, const std::array<int, 3>& a, const std::array<int, 3>& b) {
  return g[0] * a[0] * b[0] + g[1] * a[1] * b[1] + g[2] * a[2] * b[2] + g[3] * (a[0] * b[1] + a[1] * b[0]) +
         g[4] * (a[0] * b[2] + a[2] * b[0]) + g[5] * (a[1] * b[2] + a[2] * b[1]);
}
}  // namespace

AugmentationSettings AugmentationSettings::none() {
  AugmentationSettings s;
  s.strain = 0;
  s.width_scale_min = s.width_scale_max = 1.0;
  s.eta_min = s.eta_max = 0.5;
  s.texture = 0;
  s.background = 0;
  s.counts_max = 0;
  s.gaussian_noise = 0;
  s.kalpha2_probability = 0;
  s.zero_offset_deg = 0;
  return s;
}

struct TrainingSetGenerator::Impl {
  Axis grid;
  Radiation radiation;
  AugmentationSettings settings;
  std::vector<std::string> names;
  std::vector<PhaseTemplate> templates;
  std::vector<std::vector<double>> grid_two_theta;  // per emission line
  PseudoVoigtShape gauss{0.0, 12.0};
  PseudoVoigtShape lorentz{1.0, 12.0};
  double two_theta_low = 0, two_theta_high = 180;
};

TrainingSetGenerator::TrainingSetGenerator(const PhaseLibrary& library, Axis grid, Radiation radiation,
                                           AugmentationSettings settings)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  if (library.phases.empty()) throw Error("the phase library is empty");
  if (grid.values.size() < 2) throw Error("the training grid needs at least 2 points");
  if (radiation.lines.empty()) throw Error("the radiation has no emission lines");
  m.grid = std::move(grid);
  m.radiation = std::move(radiation);
  m.settings = settings;
  m.gauss = PseudoVoigtShape(0.0, settings.profile.window_fwhm);
  m.lorentz = PseudoVoigtShape(1.0, settings.profile.window_fwhm);
  // The grid in 2-theta for each emission line (a Q grid maps differently per wavelength).
  for (const EmissionLine& line : m.radiation.lines) {
    std::vector<double> tt(m.grid.values.size());
    for (std::size_t i = 0; i < tt.size(); ++i) {
      const double v = m.grid.values[i];
      if (m.grid.spec.kind == AxisKind::TwoTheta) {
        tt[i] = v;
      } else {
        const double s =
            (m.grid.spec.unit == AxisUnit::InverseNanometre ? v / 10.0 : v) * line.wavelength / (4.0 * M_PI);
        tt[i] = s < 1.0 ? 2.0 * std::asin(s) / kDeg : 180.0 + 1e-6 * static_cast<double>(i);
      }
    }
    m.grid_two_theta.push_back(std::move(tt));
  }
  m.two_theta_high = std::min(179.0, m.grid_two_theta.front().back() + 1.0);
  const double shortest = m.radiation.shortestWavelength();
  for (const ReferencePhase& phase : library.phases) {
    m.names.push_back(phase.name);
    PhaseTemplate t;
    if (phase.structure) {
      t.structure = true;
      t.cell = phase.structure->cell;
      // Reach far enough that a stretched cell still fills the grid.
      const double d_min = shortest / (2.0 * std::sin(0.5 * m.two_theta_high * kDeg)) * (1.0 - settings.strain);
      for (const Reflection& r :
           computeReflections(*phase.structure, d_min, StructureFactorSettings{}, m.radiation.primaryWavelength())) {
        t.hkl.push_back(r.hkl);
        t.base_intensity.push_back(r.f_squared * r.multiplicity);
      }
      // Family members for texture: the images of the representative under the point group.
      const auto rotations = phase.structure->pointOperations();
      for (const auto& h : t.hkl) {
        std::vector<std::array<int, 3>> orbit;
        for (const auto& r : rotations) {
          const std::array<int, 3> img = {h[0] * r[0][0] + h[1] * r[1][0] + h[2] * r[2][0],
                                          h[0] * r[0][1] + h[1] * r[1][1] + h[2] * r[2][1],
                                          h[0] * r[0][2] + h[1] * r[1][2] + h[2] * r[2][2]};
          orbit.push_back(img);
        }
        // h and -h make the same angle with the texture axis: keep one of each pair.
        for (auto& member : orbit)
          if (member < std::array<int, 3>{0, 0, 0}) member = {-member[0], -member[1], -member[2]};
        std::sort(orbit.begin(), orbit.end());
        orbit.erase(std::unique(orbit.begin(), orbit.end()), orbit.end());
        t.members.push_back(std::move(orbit));
      }
    } else {
      if (phase.sticks.empty()) throw Error("phase '" + phase.name + "' has neither a structure nor sticks");
      for (const StickLine& s : phase.sticks) {
        t.q_nm.push_back(s.q_nm);
        t.base_intensity.push_back(s.intensity);
      }
    }
    m.templates.push_back(std::move(t));
  }
}

TrainingSetGenerator::~TrainingSetGenerator() = default;

const Axis& TrainingSetGenerator::grid() const { return impl_->grid; }
std::size_t TrainingSetGenerator::phaseCount() const { return impl_->templates.size(); }

namespace {

// One variant's random parameters, drawn in a fixed order (the training set is reproducible
// from its seed).
struct Variant {
  double sa = 1, sb = 1, sc = 1;  // lattice strain along a, b, c
  double width_scale = 1, eta = 0.5, march = 1;
  std::array<int, 3> direction{};  // preferred orientation (March-Dollase)
  bool kalpha2 = false;
  double zero = 0;  // 2-theta zero offset, degrees
};

Variant drawVariant(Random& rng, const AugmentationSettings& a, bool structure, bool doublet) {
  static constexpr std::array<std::array<int, 3>, 5> kDirections = {
      {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}}};
  Variant v;
  v.sa = 1.0 + rng.uniform(-a.strain, a.strain);
  v.sb = structure ? 1.0 + rng.uniform(-a.strain, a.strain) : v.sa;
  v.sc = structure ? 1.0 + rng.uniform(-a.strain, a.strain) : v.sa;
  v.width_scale = rng.uniform(a.width_scale_min, a.width_scale_max);
  v.eta = rng.uniform(a.eta_min, a.eta_max);
  v.march = 1.0 - rng.uniform(0.0, a.texture);
  v.direction = kDirections[rng.next() % kDirections.size()];
  v.kalpha2 = doublet && rng.uniform() < a.kalpha2_probability;
  v.zero = rng.uniform(-a.zero_offset_deg, a.zero_offset_deg);
  return v;
}

// March-Dollase for one plane normal at cos a = c to the texture axis: (r^2 c^2 + (1 - c^2) / r)^(-3/2).
double marchDollase(double r, double c) {
  const double c2 = std::min(1.0, c * c);
  const double x = r * r * c2 + (1.0 - c2) / r;
  return 1.0 / (x * std::sqrt(x));  // x^(-3/2) without pow()
}

// March-Dollase, averaged over reflection r's family.
double textureFactor(const PhaseTemplate& t, std::size_t r, const std::array<double, 6>& g, double inv_d,
                     const Variant& v, double direction_norm) {
  double factor = 0.0;
  for (const auto& member : t.members[r]) {
    factor += marchDollase(v.march, dot(g, member, v.direction) / (inv_d * direction_norm));
  }
  return factor / static_cast<double>(t.members[r].size());
}

// The profile scaled to a top of 1, a background (a gentle polynomial plus a decaying
// exponential, relative to the top), counting and detector noise; then normalised to a
// maximum of 1, or (normalise off) scaled back to the profile's own top.
void finishPattern(const std::vector<double>& profile, Random& rng, const AugmentationSettings& a, float* out) {
  const std::size_t n = profile.size();
  double top = 0.0;
  for (double v : profile) top = std::max(top, v);
  if (!(top > 0.0)) top = 1.0;
  const double b0 = rng.uniform(0.0, a.background), b1 = rng.uniform(-0.5, 0.5) * a.background,
               b2 = rng.uniform(-0.5, 0.5) * a.background, be = rng.uniform(0.0, a.background),
               decay = rng.uniform(2.0, 8.0);
  const double counts = a.counts_max > 0 ? rng.uniform(a.counts_min, a.counts_max) : 0.0;
  const double sigma = rng.uniform(0.0, a.gaussian_noise);
  const double inv_n = 1.0 / static_cast<double>(n - 1);
  const double inv_top = 1.0 / top;
  const double step_factor = std::exp(-decay * inv_n);  // exp(-decay u) by recurrence, not per point
  double exponential = be;
  const double inv_counts = counts > 0 ? 1.0 / counts : 0.0;
  const double sigma2 = sigma * sigma;
  float peak = 0.0F;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(i) * inv_n;
    const double v = profile[i] * inv_top + std::max(0.0, b0 + b1 * u + b2 * u * u) + exponential;
    exponential *= step_factor;
    // Counting statistics (variance N for N counts, normal approximation) and detector noise
    // are independent normals: one draw with the summed variance serves both.
    const double variance = std::max(v, inv_counts) * inv_counts + sigma2;
    const float noisy = static_cast<float>(v + std::sqrt(variance) * rng.normal());
    out[i] = noisy > 0.0F ? noisy : 0.0F;
    peak = std::max(peak, out[i]);
  }
  if (a.normalise && peak > 0.0F) {
    const float inv = 1.0F / peak;
    for (std::size_t i = 0; i < n; ++i) out[i] *= inv;
  } else if (!a.normalise) {
    // Back to the profile's own scale (|F|^2 m LP per unit cell for structures), which the
    // reference patterns keep for weight fractions.
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(out[i] * top);
  }
}

}  // namespace

void TrainingSetGenerator::augment(std::size_t phase, std::uint64_t index, std::uint64_t seed, float* out) const {
  const Impl& m = *impl_;
  const AugmentationSettings& a = m.settings;
  const PhaseTemplate& t = m.templates.at(phase);
  Random rng(Random::mix(Random::mix(seed, phase), index));
  const std::size_t n = m.grid.values.size();
  const Variant v = drawVariant(rng, a, t.structure, m.radiation.lines.size() > 1);
  const PseudoVoigtShape shape = PseudoVoigtShape::mixture(m.lorentz, m.gauss, v.eta);
  std::vector<double> profile(n, 0.0);
  const std::array<double, 6> g =
      t.structure ? t.cell.strained(v.sa, v.sb, v.sc).reciprocalMetric() : std::array<double, 6>{};
  const double direction_norm = t.structure ? std::sqrt(dot(g, v.direction, v.direction)) : 1.0;
  // Stick cards carry no hkl, so the angle between a line's plane normal and the texture axis
  // is unknown: March-Dollase with that angle drawn per line (cos uniform, as for a random
  // normal), the same factor for both radiation lines. At r = 0.7 a line may grow 2.9x or
  // shrink to 0.59x, as textured films do (the Fe-Ni-Cu spread's hematite has r = 0.71).
  std::vector<double> stick_texture;
  if (!t.structure)
    for (std::size_t r = 0; r < t.base_intensity.size(); ++r)
      stick_texture.push_back(a.stick_march_dollase ? (v.march < 1.0 ? marchDollase(v.march, rng.uniform()) : 1.0)
                                                    : 1.0 + rng.uniform(-a.texture, a.texture));
  const std::size_t lines = v.kalpha2 ? 2 : 1;
  for (std::size_t line = 0; line < lines; ++line) {
    const double wavelength = m.radiation.lines[line].wavelength;
    const double weight = m.radiation.lines[line].weight;
    const std::vector<double>& tt = m.grid_two_theta[line];
    const double low = tt.front(), high = tt.back();
    for (std::size_t r = 0; r < t.base_intensity.size(); ++r) {
      double inv_d, intensity = t.base_intensity[r];
      if (t.structure) {
        inv_d = std::sqrt(dot(g, t.hkl[r], t.hkl[r]));
        if (v.march < 1.0) intensity *= textureFactor(t, r, g, inv_d, v, direction_norm);
      } else {
        inv_d = t.q_nm[r] / (20.0 * M_PI) / v.sa;  // 1/d in A^-1 = Q[nm^-1] / (10 * 2 pi)
        intensity *= stick_texture[r];
      }
      const double s = 0.5 * wavelength * inv_d;
      if (s >= 1.0) continue;
      const double two_theta = 2.0 * std::asin(s) / kDeg + v.zero;
      const double fwhm = v.width_scale * peakWidth(two_theta, wavelength, a.profile);
      const double reach = a.profile.window_fwhm * fwhm;
      if (two_theta + reach < low || two_theta - reach > high) continue;
      if (t.structure) intensity *= lorentzPolarisation(two_theta, 0.0);
      const double scale = intensity * weight / fwhm;
      const double inv_fwhm = 1.0 / fwhm;
      const auto first = std::lower_bound(tt.begin(), tt.end(), two_theta - reach);
      const auto last = std::upper_bound(first, tt.end(), two_theta + reach);
      for (auto it = first; it != last; ++it) {
        const double x = (*it - two_theta) * inv_fwhm;
        profile[static_cast<std::size_t>(it - tt.begin())] += scale * shape(x);
      }
    }
  }
  finishPattern(profile, rng, a, out);
}

TrainingSet TrainingSetGenerator::generate(std::size_t per_phase, std::uint64_t seed, unsigned threads,
                                           const ProgressCallback& progress) const {
  const Impl& m = *impl_;
  if (per_phase == 0) throw Error("ask for at least one pattern per phase");
  TrainingSet set;
  set.grid = m.grid;
  set.phase_names = m.names;
  set.count = per_phase * m.templates.size();
  const std::size_t n = m.grid.values.size();
  set.patterns.assign(set.count * n, 0.0F);
  set.labels.resize(set.count);
  for (std::size_t i = 0; i < set.count; ++i)
    set.labels[i] = static_cast<std::int32_t>(i / std::max<std::size_t>(per_phase, 1));
  // Never more threads than cores: each pattern is drawn from its own index and seed, so the
  // count changes nothing but the time, and more than the cores only adds switching.
  threads = workerThreads(threads);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](bool reporter) {
    try {
      for (;;) {
        const std::size_t i = next.fetch_add(64);
        if (i >= set.count || cancelled) return;
        const std::size_t end = std::min(set.count, i + 64);
        for (std::size_t k = i; k < end; ++k) augment(k / per_phase, k % per_phase, seed, set.patterns.data() + k * n);
        if (reporter && progress && !progress(static_cast<double>(end) / static_cast<double>(set.count), "augmenting"))
          cancelled = true;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      failure = std::current_exception();
      cancelled = true;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work, false);
  work(true);
  for (std::thread& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
  if (cancelled) throw CancelledError();
  return set;
}

}  // namespace phasewise::core
