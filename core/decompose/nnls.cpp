#include "decompose/nnls.h"

#include <cmath>

namespace phasewise::core {
namespace {
// Scratch reused across calls on the same thread: the decompositions call this millions of
// times for systems of a handful of columns, where allocating dominated.
struct Scratch {
  std::vector<int> idx;
  std::vector<double> l, b, z;
  std::vector<char> passive;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Solves the unconstrained system on the passive set P by Cholesky (with a tiny ridge).
bool solvePassive(const double* g, const double* c, int n, const std::vector<char>& passive, std::vector<double>& z,
                  Scratch& w) {
  std::vector<int>& idx = w.idx;
  idx.clear();
  for (int i = 0; i < n; ++i)
    if (passive[static_cast<std::size_t>(i)]) idx.push_back(i);
  const int p = static_cast<int>(idx.size());
  std::vector<double>& l = w.l;
  std::vector<double>& b = w.b;
  l.assign(static_cast<std::size_t>(p * p), 0.0);
  b.assign(static_cast<std::size_t>(p), 0.0);
  double scale = 0;
  for (int i = 0; i < p; ++i) scale = std::max(scale, g[static_cast<std::size_t>(idx[i] * n + idx[i])]);
  for (int i = 0; i < p; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = g[static_cast<std::size_t>(idx[i] * n + idx[j])] + (i == j ? 1e-12 * scale + 1e-300 : 0.0);
      for (int q = 0; q < j; ++q) s -= l[static_cast<std::size_t>(i * p + q)] * l[static_cast<std::size_t>(j * p + q)];
      if (i == j) {
        if (s <= 0) return false;
        l[static_cast<std::size_t>(i * p + i)] = std::sqrt(s);
      } else {
        l[static_cast<std::size_t>(i * p + j)] = s / l[static_cast<std::size_t>(j * p + j)];
      }
    }
    b[static_cast<std::size_t>(i)] = c[static_cast<std::size_t>(idx[i])];
  }
  for (int i = 0; i < p; ++i) {
    for (int q = 0; q < i; ++q)
      b[static_cast<std::size_t>(i)] -= l[static_cast<std::size_t>(i * p + q)] * b[static_cast<std::size_t>(q)];
    b[static_cast<std::size_t>(i)] /= l[static_cast<std::size_t>(i * p + i)];
  }
  for (int i = p - 1; i >= 0; --i) {
    for (int q = i + 1; q < p; ++q)
      b[static_cast<std::size_t>(i)] -= l[static_cast<std::size_t>(q * p + i)] * b[static_cast<std::size_t>(q)];
    b[static_cast<std::size_t>(i)] /= l[static_cast<std::size_t>(i * p + i)];
  }
  z.assign(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < p; ++i) z[static_cast<std::size_t>(idx[i])] = b[static_cast<std::size_t>(i)];
  return true;
}
}  // namespace

void nnlsGram(const double* g, const double* c, int n, std::vector<double>& a) {
  Scratch& w = scratch();
  std::vector<double>& z = w.z;
  std::vector<char>& passive = w.passive;
  a.assign(static_cast<std::size_t>(n), 0.0);
  passive.assign(static_cast<std::size_t>(n), 0);
  for (int outer = 0; outer < 3 * n + 3; ++outer) {
    // Gradient of the objective's negative half: w = c - G a.
    int best = -1;
    double best_w = 1e-14;
    for (int i = 0; i < n; ++i) {
      if (passive[static_cast<std::size_t>(i)]) continue;
      double gradient = c[static_cast<std::size_t>(i)];
      for (int j = 0; j < n; ++j) gradient -= g[static_cast<std::size_t>(i * n + j)] * a[static_cast<std::size_t>(j)];
      if (gradient > best_w * (1.0 + std::abs(c[static_cast<std::size_t>(i)]))) {
        best_w = gradient;
        best = i;
      }
    }
    if (best < 0) break;
    passive[static_cast<std::size_t>(best)] = 1;
    for (int inner = 0; inner < 3 * n + 3; ++inner) {
      if (!solvePassive(g, c, n, passive, z, w)) {
        passive[static_cast<std::size_t>(best)] = 0;
        return;
      }
      bool feasible = true;
      for (int i = 0; i < n; ++i)
        if (passive[static_cast<std::size_t>(i)] && z[static_cast<std::size_t>(i)] <= 0) feasible = false;
      if (feasible) {
        a = z;
        break;
      }
      double alpha = 1.0;
      for (int i = 0; i < n; ++i)
        if (passive[static_cast<std::size_t>(i)] && z[static_cast<std::size_t>(i)] <= 0)
          alpha = std::min(alpha, a[static_cast<std::size_t>(i)] /
                                      (a[static_cast<std::size_t>(i)] - z[static_cast<std::size_t>(i)]));
      for (int i = 0; i < n; ++i) {
        a[static_cast<std::size_t>(i)] += alpha * (z[static_cast<std::size_t>(i)] - a[static_cast<std::size_t>(i)]);
        if (passive[static_cast<std::size_t>(i)] && a[static_cast<std::size_t>(i)] <= 1e-15) {
          passive[static_cast<std::size_t>(i)] = 0;
          a[static_cast<std::size_t>(i)] = 0;
        }
      }
    }
  }
}

std::vector<double> nnlsGram(const std::vector<double>& g, const std::vector<double>& c, int n) {
  std::vector<double> a;
  nnlsGram(g.data(), c.data(), n, a);
  return a;
}

}  // namespace phasewise::core
