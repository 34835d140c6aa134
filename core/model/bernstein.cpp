#include "model/bernstein.h"

#include <cmath>

namespace phasewise::core {

std::vector<float> bernsteinBasis(int terms, std::size_t points) {
  std::vector<float> basis(static_cast<std::size_t>(terms > 0 ? terms : 0) * points);
  const int degree = terms - 1;
  for (int k = 0; k < terms; ++k) {
    double binomial = 1;
    for (int i = 1; i <= k; ++i) binomial = binomial * (degree - k + i) / i;
    for (std::size_t j = 0; j < points; ++j) {
      const double u = points > 1 ? static_cast<double>(j) / static_cast<double>(points - 1) : 0.0;
      basis[static_cast<std::size_t>(k) * points + j] =
          static_cast<float>(binomial * std::pow(u, k) * std::pow(1 - u, degree - k));
    }
  }
  return basis;
}

}  // namespace phasewise::core
