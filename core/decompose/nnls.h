#pragma once
// Small non-negative least squares in Gram form: minimise a' G a - 2 a' c subject to a >= 0,
// for the handful of columns a sample can hold (Lawson-Hanson active set).

#include <vector>

namespace phasewise::core {

// g: n x n symmetric positive semi-definite (row-major), c: n. Returns a >= 0.
[[nodiscard]] std::vector<double> nnlsGram(const std::vector<double>& g, const std::vector<double>& c, int n);
// The same into `a` (resized to n), from raw arrays: no allocation once `a` and the thread's
// scratch have grown (the decompositions' inner loops).
void nnlsGram(const double* g, const double* c, int n, std::vector<double>& a);

// The unconstrained solution of G x = c over the first `n` unknowns, by the same Cholesky
// (and ridge) the active set uses, so that where every entry comes out positive it is the
// non-negative solution to the last bit. False when the system is not positive definite.
// n <= 12; `x` holds n entries.
bool solveGram(const double* g, const double* c, int n, double* x);

}  // namespace phasewise::core
