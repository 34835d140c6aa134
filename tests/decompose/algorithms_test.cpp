#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include "decompose/decomposer.h"
#include "decompose/delaunay.h"
#include "decompose/hungarian.h"
#include "decompose/measures.h"
#include "decompose/nnls.h"
#include "decompose/sample_quantities.h"
#include "decompose/shift_model.h"
#include "decompose/shift_model_kernels.h"
#include "io/npy.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

// One phase whose peaks widen from sample to sample (sigma 2 to 6 bins): with per-sample
// broadening the model fits better and gives the broad samples the larger blur.
TEST(ShiftModelTest, PerSampleBroadeningFollowsPeakWidths) {
  constexpr std::size_t n = 12, m = 400;
  const std::vector<double> centres{80, 150, 230, 310};
  auto peaks = [&](double sigma, float* out) {
    for (std::size_t j = 0; j < m; ++j) {
      double v = 0;
      for (std::size_t i = 0; i < centres.size(); ++i)
        v += (1.0 - 0.2 * static_cast<double>(i)) *
             std::exp(-0.5 * std::pow((static_cast<double>(j) - centres[i]) / sigma, 2));
      out[j] = static_cast<float>(v);
    }
  };
  std::vector<float> y(n * m);
  for (std::size_t s = 0; s < n; ++s) peaks(2.0 + 4.0 * static_cast<double>(s) / (n - 1), &y[s * m]);
  for (std::size_t s = 0; s < n; ++s) {
    const float top = *std::max_element(&y[s * m], &y[s * m] + m);
    for (std::size_t j = 0; j < m; ++j) y[s * m + j] /= top;
  }
  ShiftModelOptions o;
  o.phases = 1;
  o.max_shift = 4;
  o.gibbs = false;
  o.connectivity = false;
  o.background = false;
  o.explore_iterations = 5;
  o.initial_w.assign(y.begin(), y.begin() + m);  // the narrowest sample
  const ShiftModelResult plain = fitShiftModel(y, n, m, o, nullptr);
  o.widths = {1.5, 3.0, 5.0};
  const ShiftModelResult broadened = fitShiftModel(y, n, m, o, nullptr);
  EXPECT_LT(broadened.loss.back(), 0.5 * plain.loss.back());
  ASSERT_EQ(broadened.width.size(), n);
  EXPECT_EQ(broadened.width.front(), 0.0F);
  EXPECT_GE(broadened.width.back(), 3.0F);
  for (std::size_t s = 1; s < n; ++s) EXPECT_GE(broadened.width[s], broadened.width[s - 1]) << "sample " << s;
  // broadenPattern is its own transpose: <B u, v> = <u, B v>.
  std::vector<float> u(m), v(m), bu(m), bv(m);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(0, 1);
  for (std::size_t j = 0; j < m; ++j) u[j] = uniform(rng), v[j] = uniform(rng);
  broadenPattern(u.data(), m, 4.0, bu.data());
  broadenPattern(v.data(), m, 4.0, bv.data());
  double left = 0, right = 0;
  for (std::size_t j = 0; j < m; ++j) left += double(bu[j]) * v[j], right += double(u[j]) * bv[j];
  EXPECT_NEAR(left, right, 1e-6 * std::abs(left));
}

// The shift's transpose: <T(d) u, v> = <u, T(d)' v> for whole, fractional and out-of-range
// shifts, and to the bit the scatter over source points that defines it.
TEST(ShiftModelTest, ShiftTransposeIsTheShiftsAdjointAndTheScattersSum) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uniform(0, 1);
  for (const std::size_t m : {std::size_t{1}, std::size_t{9}, std::size_t{200}})
    for (const double d : {0.0, 0.25, -0.25, 3.0, -3.7, 8.5, -8.5, 250.0, -250.0}) {
      std::vector<float> u(m), v1(m), v2(m), tu(m);
      for (std::size_t j = 0; j < m; ++j) u[j] = uniform(rng), v1[j] = uniform(rng), v2[j] = uniform(rng);
      std::vector<double> out1(m, 0.5), out2(m, 0.25);
      shift_kernels::shiftTransposeAdd2(v1.data(), v2.data(), m, d, 1.5, out1.data(), out2.data());
      shiftPattern(u.data(), m, d, tu.data());
      double left = 0, right = 0;
      for (std::size_t j = 0; j < m; ++j) left += 1.5 * double(tu[j]) * v1[j], right += double(u[j]) * (out1[j] - 0.5);
      EXPECT_NEAR(left, right, 1e-5 * (1 + std::abs(left))) << "m " << m << " d " << d;
      // The scatter: source point j lands on j + i0 (share 1 - t) and j + i0 + 1 (share t).
      std::vector<double> scatter1(m, 0.5), scatter2(m, 0.25);
      const auto i0 = static_cast<std::ptrdiff_t>(std::floor(-d));
      const double t = -d - static_cast<double>(i0);
      const auto n = static_cast<std::ptrdiff_t>(m);
      for (std::ptrdiff_t j = 0; j < n; ++j) {
        const double a1 = 1.5 * v1[static_cast<std::size_t>(j)], a2 = 1.5 * v2[static_cast<std::size_t>(j)];
        const std::ptrdiff_t q = j + i0;
        if (q >= 0 && q < n) {
          scatter1[static_cast<std::size_t>(q)] += (1.0 - t) * a1;
          scatter2[static_cast<std::size_t>(q)] += (1.0 - t) * a2;
        }
        if (q + 1 >= 0 && q + 1 < n) {
          scatter1[static_cast<std::size_t>(q + 1)] += t * a1;
          scatter2[static_cast<std::size_t>(q + 1)] += t * a2;
        }
      }
      for (std::size_t j = 0; j < m; ++j) {
        EXPECT_EQ(out1[j], scatter1[j]) << "m " << m << " d " << d << " point " << j;
        EXPECT_EQ(out2[j], scatter2[j]) << "m " << m << " d " << d << " point " << j;
      }
    }
}

// The blur and the background smoothing against their definitions, point by point: Gaussian
// weights normalised over the whole kernel (zero outside the grid) for the blur, over the
// points inside the grid for the smoothing; at the edges and with a kernel wider than the pattern.
TEST(ShiftModelTest, BlurAndSmoothingFollowTheirDefinitionsUpToTheEdges) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> uniform(0, 1);
  for (const std::size_t m : {std::size_t{1}, std::size_t{7}, std::size_t{300}})
    for (const double sigma : {0.3, 2.5, 9.0}) {
      std::vector<float> w(m), out(m);
      for (float& v : w) v = uniform(rng);
      broadenPattern(w.data(), m, sigma, out.data());
      const auto half = static_cast<std::ptrdiff_t>(std::ceil(3 * sigma));
      double total = 0;
      for (std::ptrdiff_t i = -half; i <= half; ++i) total += std::exp(-0.5 * double(i * i) / (sigma * sigma));
      std::vector<float> smoothed = w;
      shift_kernels::smooth(smoothed, sigma);
      for (std::size_t j = 0; j < m; ++j) {
        double blur = 0, sum = 0, weight = 0;
        for (std::ptrdiff_t i = -half; i <= half; ++i) {
          const auto at = static_cast<std::ptrdiff_t>(j) + i;
          if (at < 0 || at >= static_cast<std::ptrdiff_t>(m)) continue;
          const double g = std::exp(-0.5 * double(i * i) / (sigma * sigma));
          blur += g / total * w[static_cast<std::size_t>(at)];
          sum += g * w[static_cast<std::size_t>(at)];
          weight += g;
        }
        EXPECT_NEAR(out[j], blur, 1e-5) << "m " << m << " sigma " << sigma << " point " << j;
        EXPECT_NEAR(smoothed[j], sum / weight, 1e-5) << "m " << m << " sigma " << sigma << " point " << j;
      }
    }
}

TEST(HungarianTest, FindsTheBestOneToOneMatching) {
  // Greedy would take 0->0 (0.9) and leave 1->1 (0.1); the optimum is 0->1, 1->0 (0.8 + 0.85).
  const std::vector<double> score = {0.9, 0.8, 0.85, 0.1};
  EXPECT_EQ(maximumAssignment(score, 2, 2), (std::vector<int>{1, 0}));
  // More rows than columns: one row is left out.
  const std::vector<double> tall = {0.1, 0.9, 0.5, 0.4, 0.8, 0.2};
  const auto a = maximumAssignment(tall, 3, 2);
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[2], 0);
  EXPECT_EQ(a[1], -1);
}

TEST(NnlsTest, AgreesWithBruteForceOverActiveSets) {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 4, rows = 12;
    std::vector<double> a(rows * n), b(rows);
    for (double& v : a) v = std::abs(normal(rng));
    for (double& v : b) v = normal(rng) + 1.0;
    std::vector<double> g(n * n, 0), c(n, 0);
    for (int i = 0; i < n; ++i) {
      for (int r = 0; r < rows; ++r) c[i] += a[r * n + i] * b[r];
      for (int j = 0; j < n; ++j)
        for (int r = 0; r < rows; ++r) g[i * n + j] += a[r * n + i] * a[r * n + j];
    }
    const std::vector<double> x = nnlsGram(g, c, n);
    auto objective = [&](const std::vector<double>& v) {
      double o = 0;
      for (int i = 0; i < n; ++i) {
        o -= 2 * v[i] * c[i];
        for (int j = 0; j < n; ++j) o += v[i] * g[i * n + j] * v[j];
      }
      return o;
    };
    for (double v : x) EXPECT_GE(v, 0.0);
    // No feasible point nearby does better (KKT optimality checked numerically).
    for (int i = 0; i < n; ++i)
      for (double step : {1e-4, -1e-4}) {
        std::vector<double> y = x;
        y[i] = std::max(0.0, y[i] + step);
        EXPECT_GE(objective(y), objective(x) - 1e-9);
      }
  }
}

// The subset search's shortcut: where the non-negative fit keeps every phase of a subset it
// gives the active set's coefficients and residual to the last bit (the background held at zero
// included); where it zeroes a phase it gives nothing. An exact fit, whose residual rounds to a
// tiny negative number, is still a fit (a sentinel residual of -1 once dropped such subsets).
TEST(GramSystemTest, SubsetsKeepingEveryPhaseAreSolvedAsTheActiveSetSolvesThem) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int k = 3, rows = 40;
  int interior = 0, background_zero = 0, dropped = 0;
  for (int trial = 0; trial < 200; ++trial) {
    // Three phase columns and a background; the data mix some of them, plus noise that may
    // pull a coefficient (the background's too) below zero.
    std::vector<std::vector<double>> column(k + 1, std::vector<double>(rows));
    for (auto& col : column)
      for (double& v : col) v = uniform(rng) < 0.3 ? uniform(rng) : 0.02 * uniform(rng);
    std::vector<double> y(rows, 0.0);
    const bool exact = trial % 10 == 0;
    for (int p = 0; p <= k; ++p) {
      const double weight = uniform(rng) < 0.5 ? uniform(rng) : 0.0;
      for (int r = 0; r < rows; ++r) y[r] += weight * column[p][r];
    }
    if (!exact)
      for (double& v : y) v += 0.2 * (uniform(rng) - 0.5);
    shift_kernels::GramSystem system;
    system.background = true;
    system.k = k;
    system.cols = k + 1;
    system.gram.assign((k + 1) * (k + 1), 0.0);
    system.rhs.assign(k + 1, 0.0);
    for (int i = 0; i <= k; ++i)
      for (int r = 0; r < rows; ++r) {
        system.rhs[i] += column[i][r] * y[r];
        for (int j = 0; j <= k; ++j) system.gram[i * (k + 1) + j] += column[i][r] * column[j][r];
      }
    for (double v : y) system.yy += v * v;
    // The fit on every phase is proven least and is a floor for every subset's (the subset
    // search skips on it).
    std::vector<double> all_coef;
    const std::optional<double> floor = system.provenLeastResidual({0, 1, 2}, all_coef);
    ASSERT_TRUE(floor.has_value()) << "trial " << trial;
    for (const std::vector<int>& subset : shift_kernels::subsetsUpTo(k, k)) {
      std::vector<double> coef;
      EXPECT_GE(system.solve(subset, coef), *floor - 1e-12 * system.yy) << "trial " << trial;
    }
    for (const std::vector<int>& subset : shift_kernels::subsetsUpTo(k, k)) {
      std::vector<double> reference, shortcut;
      const double residual = system.solve(subset, reference);
      const std::optional<double> kept = system.solveIfEveryPhaseHolds(subset, shortcut);
      const bool every_phase = std::all_of(reference.begin(), reference.end() - 1, [](double v) { return v > 0; });
      ASSERT_EQ(kept.has_value(), every_phase) << "trial " << trial;
      if (!kept) {
        ++dropped;
        continue;
      }
      EXPECT_EQ(*kept, residual);
      ASSERT_EQ(shortcut.size(), reference.size());
      for (std::size_t i = 0; i < reference.size(); ++i) EXPECT_EQ(shortcut[i], reference[i]) << "trial " << trial;
      if (reference.back() > 0)
        ++interior;
      else
        ++background_zero;
    }
  }
  // Every branch was taken.
  EXPECT_GT(interior, 0);
  EXPECT_GT(background_zero, 0);
  EXPECT_GT(dropped, 0);
}

// Data outside the columns' cone: the least residual is |y|^2 at a = 0, proven as such; and
// with a twin column (the background a copy of the phase) the floor is the exact fit's 0.
TEST(GramSystemTest, TheFloorIsTheLeastResidualAtTheConesEdgeAndWithTwinColumns) {
  shift_kernels::GramSystem system;
  system.background = true;
  system.k = 1;
  system.cols = 2;
  system.gram = {1.0, 0.0, 0.0, 1.0};
  system.rhs = {-1.0, -0.5};
  system.yy = 2.0;
  std::vector<double> coef;
  const std::optional<double> outside = system.provenLeastResidual({0}, coef);
  ASSERT_TRUE(outside.has_value());
  EXPECT_DOUBLE_EQ(*outside, 2.0);
  system.gram = {1.0, 1.0, 1.0, 1.0};
  system.rhs = {1.0, 1.0};
  system.yy = 1.0;
  const std::optional<double> twins = system.provenLeastResidual({0}, coef);
  ASSERT_TRUE(twins.has_value());
  EXPECT_NEAR(*twins, 0.0, 1e-9);
}

TEST(DelaunayTest, TriangularGridGivesItsLatticeEdges) {
  // The 21 x 21 ternary grid of Al-Li-Fe: 3 d (d + 1) / 2 = 630 edges for d = 20.
  std::vector<double> x, y;
  const int d = 20;
  for (int a = 0; a <= d; ++a)
    for (int b = 0; a + b <= d; ++b) {
      const double fb = static_cast<double>(b) / d, fc = 1.0 - static_cast<double>(a + b) / d;
      x.push_back(fb + 0.5 * fc);
      y.push_back(0.8660254037844386 * fc);
    }
  const auto edges = delaunayEdges(x, y);
  EXPECT_EQ(edges.size(), 630U);
  for (const auto& [i, j] : edges) {
    const double length = std::hypot(x[i] - x[j], y[i] - y[j]);
    EXPECT_NEAR(length, 1.0 / d, 1e-6);  // only nearest neighbours
  }
}

// Ternary compositions make a graph in the plane; four or more elements do not fit it (the
// first three would merge samples that differ in the fourth), so only wafer positions do.
TEST(DelaunayTest, MoreThanThreeElementsGiveAGraphOnlyFromPositions) {
  Library lib;
  lib.samples = 4;
  lib.axis.values = {1, 2};
  lib.intensities.assign(8, 1.0F);
  lib.elements = {"A", "B", "C"};
  lib.composition = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.34, 0.33, 0.33};
  EXPECT_FALSE(neighbourGraph(lib).empty());
  // A, B, C, D and an equal mixture: drawn from A, B and C alone, the pure-D sample would sit on
  // the pure-A one.
  lib.samples = 5;
  lib.intensities.assign(10, 1.0F);
  lib.elements = {"A", "B", "C", "D"};
  lib.composition = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0.25, 0.25, 0.25, 0.25};
  EXPECT_TRUE(neighbourGraph(lib).empty());
  lib.x = {0, 1, 0, 1, 0.5};
  lib.y = {0, 0, 1, 1, 0.4};
  EXPECT_FALSE(neighbourGraph(lib).empty());
}

TEST(DelaunayTest, RealDataMatchesTheAlLiFeGraph) {
  PHASEWISE_REQUIRE_DATA("drnets/Al-Li-Fe/edges.npy");
  const NpyArray adjacency = readNpy(sharedDataDir() / "drnets/Al-Li-Fe/edges.npy");
  const NpyArray composition = readNpy(sharedDataDir() / "drnets/Al-Li-Fe/composition.npy");
  const std::size_t n = composition.shape[0];
  std::vector<double> x(n), y(n);
  for (std::size_t s = 0; s < n; ++s) {
    x[s] = composition.numbers[s * 3 + 1] + 0.5 * composition.numbers[s * 3 + 2];
    y[s] = 0.8660254037844386 * composition.numbers[s * 3 + 2];
  }
  const auto edges = delaunayEdges(x, y);
  std::size_t expected = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) expected += adjacency.numbers[i * n + j] != 0;
  EXPECT_EQ(edges.size(), expected);
  for (const auto& [i, j] : edges)
    EXPECT_NE(adjacency.numbers[static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j)], 0.0);
}

TEST(MeasuresTest, PerfectAndPermutedSolutionsScorePerfectly) {
  const std::size_t points = 5, samples = 3;
  const std::vector<float> truth = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0};  // two phases
  const std::vector<float> true_fractions = {1, 0, 0.5F, 0.5F, 0, 1};
  const std::vector<float> found = {0, 0, 2, 0, 0, 3, 0, 0, 0, 0};  // swapped, scaled
  const PhaseMatch match = matchPhases(found, 2, truth, 2, points);
  EXPECT_EQ(match.true_for_found, (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(match.mean_cosine, 1.0);
  const std::vector<float> activations = {0, 1, 1.5F, 1, 3, 0};  // a x max(B) = {0,3},{3,3},{6,0}
  const std::vector<float> fractions = fractionsFrom(activations, found, samples, 2, points);
  EXPECT_NEAR(fractionL1(true_fractions, 2, fractions, 2, match, samples), 0.0, 1e-6);
  EXPECT_EQ(gibbsViolations(fractions, 2, {1, 1, 1}), 1);  // the middle sample holds two phases
  // A third, unmatched phase counts in full: sample 1 puts half its weight there and half on
  // the right phase (error 0.5 + 0.5); the other two samples are exact.
  const std::vector<float> three = {0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const PhaseMatch m3 = matchPhases(three, 3, truth, 2, points);
  const std::vector<float> f3 = {0, 0.5F, 0.5F, 0.5F, 0.5F, 0, 1, 0, 0};
  EXPECT_EQ(m3.true_for_found[2], -1);
  EXPECT_NEAR(fractionL1(true_fractions, 2, f3, 3, m3, samples), 1.0 / 3.0, 1e-6);
}

TEST(MeasuresTest, ReconstructionErrorsAreRelative) {
  const ReconstructionError e = reconstructionError({1, 2, 3, 4}, {1, 2, 3, 2});
  EXPECT_DOUBLE_EQ(e.relative_l1, 0.2);
  EXPECT_NEAR(e.relative_l2, 2.0 / std::sqrt(30.0), 1e-12);
}

}  // namespace
}  // namespace phasewise::test

namespace phasewise::test {
namespace {
TEST(SampleQuantityTest, ColoursFromTheLibraryAndTheDecomposition) {
  using namespace core;
  Library lib;
  lib.samples = 3;
  lib.axis = {{AxisKind::Q, AxisUnit::InverseNanometre}, {1.0, 2.0}, {}};
  lib.intensities = {1, 2, 3, 4, 0, 0};
  DecompositionResult d;
  d.samples = 3;
  d.phases = 2;
  d.fractions = {0.9F, 0.1F, 0.2F, 0.8F, 0.0F, 1.0F};
  d.shifts = {1.01F, 0.99F, 1.02F, 0.98F, 1.5F, 1.0F};
  d.sample_loss = {0.1F, 0.2F, 0.3F};
  EXPECT_EQ(sampleQuantity(lib, nullptr, SampleQuantity::TotalIntensity), (std::vector<double>{3, 7, 0}));
  EXPECT_EQ(sampleQuantity(lib, &d, SampleQuantity::DominantPhase), (std::vector<double>{0, 1, 1}));
  EXPECT_NEAR(sampleQuantity(lib, &d, SampleQuantity::PhaseShare, 1)[1], 0.8, 1e-6);
  const auto shift = sampleQuantity(lib, &d, SampleQuantity::PhaseShift, 0);
  EXPECT_NEAR(shift[0], 1.01, 1e-6);
  EXPECT_TRUE(std::isnan(shift[2])) << "no shift where the phase is absent";
  EXPECT_NEAR(sampleQuantity(lib, &d, SampleQuantity::Residual)[2], 0.3, 1e-6);
  EXPECT_THROW((void)sampleQuantity(lib, nullptr, SampleQuantity::PhaseShare, 0), Error);
  EXPECT_THROW((void)sampleQuantity(lib, &d, SampleQuantity::PhaseShare, 2), Error);
}
}  // namespace
}  // namespace phasewise::test
