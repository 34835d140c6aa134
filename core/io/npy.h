#pragma once
// NumPy .npy arrays: a small, complete reader (format versions 1, 2 and 3; little and big
// endian; float, signed/unsigned integer, bool and fixed-width unicode dtypes; C and Fortran
// order) and a writer for the same subset. Numbers come back as double in C order.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace phasewise::core {

struct NpyArray {
  char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool, 'U' unicode
  std::size_t item_size = 8;
  std::vector<std::size_t> shape;
  std::vector<double> numbers;       // numeric kinds, C order
  std::vector<std::string> strings;  // kind 'U', UTF-8, trailing NULs removed, C order

  [[nodiscard]] std::size_t count() const;
  [[nodiscard]] std::size_t dim(std::size_t i) const { return i < shape.size() ? shape[i] : 1; }
};

// Throws FormatError naming the file and the header field at fault. Refuses headers larger
// than 1 MiB and data that the file does not actually hold, before allocating anything.
[[nodiscard]] NpyArray readNpy(const std::filesystem::path& path);

struct NpyWriteSpec {
  int version = 1;            // 1, 2 or 3
  std::string descr = "<f8";  // e.g. "<f4", ">i8", "<U12"
  bool fortran_order = false;
};
// Writes numbers (or, for a 'U' descr, strings) given in C order; the writer reorders for
// Fortran order itself. Intended for exports and for tests that need unusual files.
void writeNpy(const std::filesystem::path& path, const NpyWriteSpec& spec, const std::vector<std::size_t>& shape,
              const std::vector<double>& numbers, const std::vector<std::string>& strings = {});

}  // namespace phasewise::core
