// The shift-aware fit's multiplicative updates: the model of every sample under the current
// shifts, the data and model scattered back onto each phase's pattern (per broadening, then
// blurred back), the smooth background, and the re-centring of each phase's shifts.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "decompose/shift_model_fit.h"
#include "decompose/shift_model_kernels.h"
#include "util/parallel.h"

namespace phasewise::core::shift_fit {
using shift_kernels::shiftTransposeAdd2;
using shift_kernels::smooth;

void ShiftModelFit::computeModel(std::vector<float>& out) {
  parallelFor(
      n, o.threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<float> tmp(m);
        for (std::size_t s = begin; s < end; ++s) {
          float* row = &out[s * m];
          for (std::size_t j = 0; j < m; ++j) row[j] = r.c[s] * r.g[j];
          for (int p = 0; p < k; ++p) {
            const float a = r.a[s * ku + p];
            if (a <= 0) continue;
            shiftPattern(pattern(static_cast<std::size_t>(p), variant[s * ku + static_cast<std::size_t>(p)]), m,
                         r.shift[s * ku + p], tmp.data());
            for (std::size_t j = 0; j < m; ++j) row[j] += a * tmp[j];
          }
        }
      },
      Schedule::dynamic);
}

// Multiplicative updates of the patterns and background under the current shifts.
// The multiplicative update's numerator (data) and denominator (model), scattered back from
// each sample's shifted patterns: one slot per phase and broadening, then the background's;
// per thread, summed into the first.
void ShiftModelFit::accumulateUpdates(std::vector<std::vector<double>>& numerator,
                                      std::vector<std::vector<double>>& denominator) {
  const auto threads = static_cast<unsigned>(numerator.size());
  const std::size_t bg = ku * nv * m;  // the background's slot
  parallelFor(n, threads, [&](std::size_t begin, std::size_t end, unsigned t) {
    for (std::size_t s = begin; s < end; ++s) {
      for (int p = 0; p < k; ++p) {
        const float a = r.a[s * ku + p];
        if (a <= 0) continue;
        const std::size_t slot = (static_cast<std::size_t>(p) * nv + variant[s * ku + static_cast<std::size_t>(p)]) * m;
        shiftTransposeAdd2(&y[s * m], &model[s * m], m, r.shift[s * ku + p], a, numerator[t].data() + slot,
                           denominator[t].data() + slot);
      }
      if (o.background)
        for (std::size_t j = 0; j < m; ++j) {
          numerator[t][bg + j] += r.c[s] * y[s * m + j];
          denominator[t][bg + j] += r.c[s] * model[s * m + j];
        }
    }
  });
  for (unsigned t = 1; t < threads; ++t)
    for (std::size_t i = 0; i < numerator[0].size(); ++i) {
      numerator[0][i] += numerator[t][i];
      denominator[0][i] += denominator[t][i];
    }
}

// Phase p's slots summed over the broadenings, each blurred back (the blur is its own
// transpose), into `out`.
void ShiftModelFit::sumOverBroadenings(const std::vector<double>& slots, int p, std::vector<double>& out) const {
  std::vector<float> part(m), blurred_part(m);
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t v = 0; v < nv; ++v) {
    const double* source = slots.data() + (static_cast<std::size_t>(p) * nv + v) * m;
    if (v == 0) {
      for (std::size_t j = 0; j < m; ++j) out[j] += source[j];
      continue;
    }
    for (std::size_t j = 0; j < m; ++j) part[j] = static_cast<float>(source[j]);
    broadenPattern(part.data(), m, sigmas[v], blurred_part.data());
    for (std::size_t j = 0; j < m; ++j) out[j] += blurred_part[j];
  }
}

// The background's update, smoothed and rescaled to a top of 1 (its activations take the scale).
void ShiftModelFit::updateBackground(const std::vector<double>& numerator, const std::vector<double>& denominator) {
  const std::size_t bg = ku * nv * m;
  for (std::size_t j = 0; j < m; ++j)
    r.g[j] = std::max(1e-9F, static_cast<float>(r.g[j] * (numerator[bg + j] + kEps) / (denominator[bg + j] + kEps)));
  smooth(r.g, std::max(2.0, static_cast<double>(m) / 40.0));
  const float top = *std::max_element(r.g.begin(), r.g.end());
  if (top > 0) {
    for (float& v : r.g) v /= top;
    for (float& c : r.c) c *= top;
  }
}

void ShiftModelFit::updatePatterns() {
  refreshBlurred();
  computeModel(model);
  const unsigned threads = workerThreads(std::max(1U, o.threads));
  const std::size_t slots = ku * nv * m + m;  // phases x broadenings, then the background
  std::vector<std::vector<double>> numerator(threads, std::vector<double>(slots, 0.0)),
      denominator(threads, std::vector<double>(slots, 0.0));
  accumulateUpdates(numerator, denominator);
  // Phase by phase (each touches its own pattern only), spread over the threads.
  parallelFor(
      static_cast<std::size_t>(k), o.threads,
      [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<double> num(m), den(m);
        for (std::size_t p = begin; p < end; ++p) {
          if (!o.frozen.empty() && o.frozen[p]) continue;
          sumOverBroadenings(numerator[0], static_cast<int>(p), num);
          sumOverBroadenings(denominator[0], static_cast<int>(p), den);
          for (std::size_t j = 0; j < m; ++j) {
            const std::size_t i = p * m + j;
            // A floor keeps multiplicative updates away from denormal numbers (which are slow
            // and never come back); 1e-9 of a pattern's maximum is invisible in any plot.
            r.w[i] = std::max(1e-9F, static_cast<float>(r.w[i] * (num[j] + kEps) / (den[j] + kEps)));
          }
        }
      },
      Schedule::dynamic);
  if (o.background) updateBackground(numerator[0], denominator[0]);
  normalisePatterns();
}

// Re-centre each phase so that its activation-weighted mean shift is zero: the reported
// pattern is then the phase at its typical lattice parameter.
void ShiftModelFit::recentre() {
  std::vector<float> tmp(m);
  for (int p = 0; p < k; ++p) {
    if (!o.frozen.empty() && o.frozen[static_cast<std::size_t>(p)]) continue;
    double sum = 0, weight = 0;
    for (std::size_t s = 0; s < n; ++s) {
      sum += double(r.a[s * ku + p]) * r.shift[s * ku + p];
      weight += r.a[s * ku + p];
    }
    if (weight <= 0) continue;
    // Whole bins only: a fractional shift would interpolate, and so blur, the pattern.
    const double mean = std::round(sum / weight);
    if (mean == 0) continue;
    shiftPattern(&r.w[static_cast<std::size_t>(p) * m], m, mean, tmp.data());
    std::copy(tmp.begin(), tmp.end(), r.w.begin() + static_cast<std::ptrdiff_t>(p * m));
    for (std::size_t s = 0; s < n; ++s) r.shift[s * ku + p] = static_cast<float>(r.shift[s * ku + p] - mean);
  }
}

}  // namespace phasewise::core::shift_fit
