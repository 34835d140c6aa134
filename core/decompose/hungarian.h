#pragma once
// The assignment problem (Hungarian algorithm, O(n^3)): the one-to-one matching of rows to
// columns that maximises the summed score. Used to match found phases to true ones.

#include <vector>

namespace phasewise::core {

// score is rows x cols (row-major). Returns, for each row, its column or -1 when there are
// more rows than columns and the row is left out.
[[nodiscard]] std::vector<int> maximumAssignment(const std::vector<double>& score, int rows, int cols);

}  // namespace phasewise::core
