#include "model/library.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
Library smallLibrary() {
  Library lib;
  lib.name = "small";
  lib.axis = {{AxisKind::Q, AxisUnit::InverseNanometre}, {10.0, 20.0, 30.0}, std::nullopt};
  lib.samples = 2;
  lib.intensities = {1, 2, 3, 4, 5, 6};
  lib.elements = {"Fe", "Ni"};
  lib.composition = {0.25, 0.75, 1.0, 0.0};
  lib.provenance = {{"a.xy", 0}, {"b.xy", 0}};
  return lib;
}

std::string validationMessage(const Library& lib) {
  try {
    lib.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

TEST(LibraryTest, AValidLibraryPasses) { EXPECT_EQ(validationMessage(smallLibrary()), ""); }

TEST(LibraryTest, CompositionsMustSumToOne) {
  Library lib = smallLibrary();
  lib.composition[0] = 0.5;
  EXPECT_NE(validationMessage(lib).find("sum to 1.25"), std::string::npos) << validationMessage(lib);
}

TEST(LibraryTest, IntensitiesMustBeFinite) {
  Library lib = smallLibrary();
  lib.intensities[4] = NAN;
  EXPECT_NE(validationMessage(lib).find("sample 2, point 2"), std::string::npos) << validationMessage(lib);
}

TEST(LibraryTest, SizesMustAgree) {
  Library lib = smallLibrary();
  lib.intensities.pop_back();
  EXPECT_NE(validationMessage(lib).find("intensities"), std::string::npos);
  lib = smallLibrary();
  lib.edges = {{0, 5}};
  EXPECT_NE(validationMessage(lib).find("edge"), std::string::npos);
  lib = smallLibrary();
  lib.sample_metadata["id"] = {"only one"};
  EXPECT_NE(validationMessage(lib).find("'id'"), std::string::npos);
}

TEST(LibraryTest, IdenticalNamesTheFirstDifference) {
  const Library a = smallLibrary();
  Library b = smallLibrary();
  std::string where;
  EXPECT_TRUE(identical(a, b, &where));
  b.metadata["note"] = "x";
  EXPECT_FALSE(identical(a, b, &where));
  EXPECT_EQ(where, "metadata");
}

}  // namespace
}  // namespace phasewise::core
