#include "example/synthetic_library.h"

#include <gtest/gtest.h>

namespace phasewise::core {
namespace {

TEST(SyntheticLibraryTest, IsValidDeterministicAndObeysTheGibbsRule) {
  SyntheticLibrarySpec spec;
  spec.grid_divisions = 10;
  spec.points = 300;
  const SyntheticLibrary a = makeSyntheticLibrary(spec);
  const SyntheticLibrary b = makeSyntheticLibrary(spec);
  EXPECT_NO_THROW(a.library.validate());
  EXPECT_EQ(a.library.samples, 66U);
  EXPECT_TRUE(identical(a.library, b.library));
  const std::size_t k = a.phase_names.size();
  for (std::size_t s = 0; s < a.library.samples; ++s) {
    double sum = 0;
    int present = 0;
    for (std::size_t p = 0; p < k; ++p) {
      sum += a.fractions[s * k + p];
      present += a.fractions[s * k + p] > 0;
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_LE(present, a.library.phase_limit[s]);
  }
  spec.seed = 2;
  EXPECT_FALSE(identical(a.library, makeSyntheticLibrary(spec).library));
}

TEST(SyntheticLibraryTest, GridNeighboursAreSymmetricPairs) {
  SyntheticLibrarySpec spec;
  spec.grid_divisions = 4;
  const Library lib = makeSyntheticLibrary(spec).library;
  // A triangular grid with d divisions has 3 d (d + 1) / 2 edges.
  EXPECT_EQ(lib.edges.size(), 30U);
  for (const auto& [i, j] : lib.edges) EXPECT_LT(i, j);
}

}  // namespace
}  // namespace phasewise::core
