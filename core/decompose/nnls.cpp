#include "decompose/nnls.h"

#include <algorithm>
#include <cmath>

namespace phasewise::core {
namespace {
// Working memory of one solve: the passive set's indices and flags, its Cholesky factor and
// right-hand side, and the unconstrained solution. Small systems (the decompositions solve
// millions of a handful of columns) keep it on the stack, which also lets solveGram share the
// Cholesky; moving it off the thread-local vectors did not measurably change the time.
struct Workspace {
  int* idx;
  double* l;  // p x p, lower triangle
  double* b;
  double* z;
  char* passive;
};

// Solves the unconstrained system on the passive set P by Cholesky (with a tiny ridge) into z
// (zero outside P); false when the system is not positive definite.
bool solvePassive(const double* g, const double* c, int n, const Workspace& w) {
  int p = 0;
  for (int i = 0; i < n; ++i)
    if (w.passive[i]) w.idx[p++] = i;
  const int* idx = w.idx;
  double* l = w.l;
  double* b = w.b;
  double scale = 0;
  for (int i = 0; i < p; ++i) scale = std::max(scale, g[static_cast<std::size_t>(idx[i] * n + idx[i])]);
  for (int i = 0; i < p; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = g[static_cast<std::size_t>(idx[i] * n + idx[j])] + (i == j ? 1e-12 * scale + 1e-300 : 0.0);
      for (int q = 0; q < j; ++q) s -= l[i * p + q] * l[j * p + q];
      if (i == j) {
        if (s <= 0) return false;
        l[i * p + i] = std::sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j];
      }
    }
    b[i] = c[idx[i]];
  }
  for (int i = 0; i < p; ++i) {
    for (int q = 0; q < i; ++q) b[i] -= l[i * p + q] * b[q];
    b[i] /= l[i * p + i];
  }
  for (int i = p - 1; i >= 0; --i) {
    for (int q = i + 1; q < p; ++q) b[i] -= l[q * p + i] * b[q];
    b[i] /= l[i * p + i];
  }
  std::fill(w.z, w.z + n, 0.0);
  for (int i = 0; i < p; ++i) w.z[idx[i]] = b[i];
  return true;
}

// Lawson-Hanson active set on a, which holds n zeros on entry.
void activeSet(const double* g, const double* c, int n, double* a, const Workspace& w) {
  char* passive = w.passive;
  const double* z = w.z;
  std::fill(passive, passive + n, 0);
  for (int outer = 0; outer < 3 * n + 3; ++outer) {
    // Gradient of the objective's negative half: w = c - G a.
    int best = -1;
    double best_w = 1e-14;
    for (int i = 0; i < n; ++i) {
      if (passive[i]) continue;
      double gradient = c[i];
      for (int j = 0; j < n; ++j) gradient -= g[static_cast<std::size_t>(i * n + j)] * a[j];
      if (gradient > best_w * (1.0 + std::abs(c[i]))) {
        best_w = gradient;
        best = i;
      }
    }
    if (best < 0) break;
    passive[best] = 1;
    for (int inner = 0; inner < 3 * n + 3; ++inner) {
      if (!solvePassive(g, c, n, w)) {
        passive[best] = 0;
        return;
      }
      bool feasible = true;
      for (int i = 0; i < n; ++i)
        if (passive[i] && z[i] <= 0) feasible = false;
      if (feasible) {
        std::copy(z, z + n, a);
        break;
      }
      double alpha = 1.0;
      for (int i = 0; i < n; ++i)
        if (passive[i] && z[i] <= 0) alpha = std::min(alpha, a[i] / (a[i] - z[i]));
      for (int i = 0; i < n; ++i) {
        a[i] += alpha * (z[i] - a[i]);
        if (passive[i] && a[i] <= 1e-15) {
          passive[i] = 0;
          a[i] = 0;
        }
      }
    }
  }
}
}  // namespace

void nnlsGram(const double* g, const double* c, int n, std::vector<double>& a) {
  a.assign(static_cast<std::size_t>(n), 0.0);
  if (n <= 0) return;
  constexpr int small = 12;
  if (n <= small) {
    int idx[small];
    double l[small * small], b[small], z[small];
    char passive[small];
    activeSet(g, c, n, a.data(), {idx, l, b, z, passive});
    return;
  }
  const auto size = static_cast<std::size_t>(n);
  std::vector<int> idx(size);
  std::vector<double> l(size * size), b(size), z(size);
  std::vector<char> passive(size);
  activeSet(g, c, n, a.data(), {idx.data(), l.data(), b.data(), z.data(), passive.data()});
}

bool solveGram(const double* g, const double* c, int n, double* x) {
  constexpr int small = 12;
  if (n <= 0 || n > small) return false;
  int idx[small];
  double l[small * small], b[small];
  char passive[small];
  std::fill(passive, passive + n, 1);
  return solvePassive(g, c, n, {idx, l, b, x, passive});
}

std::vector<double> nnlsGram(const std::vector<double>& g, const std::vector<double>& c, int n) {
  std::vector<double> a;
  nnlsGram(g.data(), c.data(), n, a);
  return a;
}

}  // namespace phasewise::core
