#pragma once
// A small folder of reference-phase sources written by the tests themselves: three good CIFs
// (copper, alpha-iron, rutile TiO2), one broken CIF and a file that is not a CIF (notes.md).

#include <filesystem>

namespace phasewise::test {

void writeSmallCifFolder(const std::filesystem::path& dir);

}  // namespace phasewise::test
