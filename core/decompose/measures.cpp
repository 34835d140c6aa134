#include "decompose/measures.h"

#include <cmath>

#include "decompose/hungarian.h"
#include "util/error.h"

namespace phasewise::core {

PhaseMatch matchPhases(const std::vector<float>& found, int k, const std::vector<float>& truth, int t,
                       std::size_t points) {
  if (found.size() != static_cast<std::size_t>(k) * points || truth.size() != static_cast<std::size_t>(t) * points)
    throw Error("phase patterns and axis length disagree");
  auto norm = [&](const std::vector<float>& a, int i) {
    double s = 0;
    for (std::size_t m = 0; m < points; ++m) s += double(a[i * points + m]) * a[i * points + m];
    return std::sqrt(s);
  };
  std::vector<double> cosine(static_cast<std::size_t>(k * t));
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < t; ++j) {
      double dot = 0;
      for (std::size_t m = 0; m < points; ++m) dot += double(found[i * points + m]) * truth[j * points + m];
      const double denominator = norm(found, i) * norm(truth, j);
      cosine[static_cast<std::size_t>(i * t + j)] = denominator > 0 ? dot / denominator : 0.0;
    }
  PhaseMatch match;
  match.true_for_found = maximumAssignment(cosine, k, t);
  match.cosine.assign(static_cast<std::size_t>(k), 0.0);
  int matched = 0;
  for (int i = 0; i < k; ++i) {
    const int j = match.true_for_found[static_cast<std::size_t>(i)];
    if (j < 0) continue;
    match.cosine[static_cast<std::size_t>(i)] = cosine[static_cast<std::size_t>(i * t + j)];
    match.mean_cosine += match.cosine[static_cast<std::size_t>(i)];
    ++matched;
  }
  if (matched) match.mean_cosine /= matched;
  return match;
}

std::vector<float> fractionsFrom(const std::vector<float>& activations, const std::vector<float>& bases,
                                 std::size_t samples, int k, std::size_t points) {
  std::vector<double> peak(static_cast<std::size_t>(k), 0.0);
  for (int i = 0; i < k; ++i)
    for (std::size_t m = 0; m < points; ++m)
      peak[static_cast<std::size_t>(i)] = std::max(peak[static_cast<std::size_t>(i)], double(bases[i * points + m]));
  std::vector<float> fractions(samples * static_cast<std::size_t>(k), 0.0F);
  for (std::size_t n = 0; n < samples; ++n) {
    double total = 0;
    for (int i = 0; i < k; ++i) total += std::max(0.0F, activations[n * k + i]) * peak[static_cast<std::size_t>(i)];
    if (total <= 0) continue;
    for (int i = 0; i < k; ++i)
      fractions[n * k + i] =
          static_cast<float>(std::max(0.0F, activations[n * k + i]) * peak[static_cast<std::size_t>(i)] / total);
  }
  return fractions;
}

double fractionL1(const std::vector<float>& true_fractions, int t, const std::vector<float>& found, int k,
                  const PhaseMatch& match, std::size_t samples) {
  double total = 0;
  for (std::size_t n = 0; n < samples; ++n) {
    std::vector<double> mapped(static_cast<std::size_t>(t), 0.0);
    double unmatched = 0;
    for (int i = 0; i < k; ++i) {
      const int j = match.true_for_found[static_cast<std::size_t>(i)];
      if (j >= 0)
        mapped[static_cast<std::size_t>(j)] = found[n * k + i];
      else
        unmatched += found[n * k + i];
    }
    double sum = unmatched;
    for (int j = 0; j < t; ++j)
      sum += std::abs(double(true_fractions[n * t + j]) - mapped[static_cast<std::size_t>(j)]);
    total += sum;
  }
  return samples ? total / static_cast<double>(samples) : 0.0;
}

int gibbsViolations(const std::vector<float>& fractions, int k, const std::vector<int>& limits, double threshold) {
  int violations = 0;
  for (std::size_t n = 0; n < limits.size(); ++n) {
    int present = 0;
    for (int i = 0; i < k; ++i) present += fractions[n * k + i] > threshold;
    violations += present > limits[n];
  }
  return violations;
}

ReconstructionError reconstructionError(const std::vector<float>& data, const std::vector<float>& model) {
  if (data.size() != model.size()) throw Error("data and model sizes differ");
  double l1 = 0, l1_data = 0, l2 = 0, l2_data = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double d = double(data[i]) - model[i];
    l1 += std::abs(d);
    l2 += d * d;
    l1_data += std::abs(double(data[i]));
    l2_data += double(data[i]) * data[i];
  }
  return {l1_data > 0 ? l1 / l1_data : 0.0, l2_data > 0 ? std::sqrt(l2 / l2_data) : 0.0};
}

}  // namespace phasewise::core
