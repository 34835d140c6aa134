#include "decompose/hungarian.h"

#include <algorithm>
#include <limits>

namespace phasewise::core {

std::vector<int> maximumAssignment(const std::vector<double>& score, int rows, int cols) {
  // Square cost matrix (minimisation) padded with zeros; classic potentials formulation.
  const int n = std::max(rows, cols);
  double top = 0;
  for (double s : score) top = std::max(top, s);
  auto cost = [&](int i, int j) {
    return (i < rows && j < cols) ? top - score[static_cast<std::size_t>(i * cols + j)] : top;
  };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<std::size_t>(n) + 1, 0), v(static_cast<std::size_t>(n) + 1, 0);
  std::vector<int> p(static_cast<std::size_t>(n) + 1, 0), way(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(static_cast<std::size_t>(n) + 1, inf);
    std::vector<char> used(static_cast<std::size_t>(n) + 1, 0);
    do {
      used[static_cast<std::size_t>(j0)] = 1;
      const int i0 = p[static_cast<std::size_t>(j0)];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[static_cast<std::size_t>(i0)] - v[static_cast<std::size_t>(j)];
        if (cur < minv[static_cast<std::size_t>(j)]) {
          minv[static_cast<std::size_t>(j)] = cur;
          way[static_cast<std::size_t>(j)] = j0;
        }
        if (minv[static_cast<std::size_t>(j)] < delta) {
          delta = minv[static_cast<std::size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) {
          u[static_cast<std::size_t>(p[static_cast<std::size_t>(j)])] += delta;
          v[static_cast<std::size_t>(j)] -= delta;
        } else {
          minv[static_cast<std::size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (p[static_cast<std::size_t>(j0)] != 0);
    do {
      const int j1 = way[static_cast<std::size_t>(j0)];
      p[static_cast<std::size_t>(j0)] = p[static_cast<std::size_t>(j1)];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> assignment(static_cast<std::size_t>(rows), -1);
  for (int j = 1; j <= n; ++j) {
    const int i = p[static_cast<std::size_t>(j)] - 1;
    if (i >= 0 && i < rows && j - 1 < cols) assignment[static_cast<std::size_t>(i)] = j - 1;
  }
  return assignment;
}

}  // namespace phasewise::core
