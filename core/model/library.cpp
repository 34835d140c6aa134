#include "model/library.h"

#include <cmath>

#include "util/error.h"

namespace phasewise::core {
namespace {
void requireSize(std::size_t actual, std::size_t expected, const char* what) {
  if (actual != expected)
    throw Error(std::string("library ") + what + " has " + std::to_string(actual) + " values, expected " +
                std::to_string(expected));
}
}  // namespace

void Library::validate(double composition_tolerance) const {
  const std::size_t n = samples;
  const std::size_t m = points();
  if (m == 0) throw Error("library has an empty axis");
  if (n == 0) throw Error("library has no samples");
  if (axis.wavelength_angstrom && !(*axis.wavelength_angstrom > 0.0 && std::isfinite(*axis.wavelength_angstrom)))
    throw Error("library wavelength must be a positive number of Angstrom");
  if (!unitFitsKind(axis.spec.kind, axis.spec.unit)) throw Error("library axis unit does not fit its kind");
  checkAxisValues(axis.values, "library axis");
  requireSize(intensities.size(), n * m, "intensities");
  if (!uncertainties.empty()) requireSize(uncertainties.size(), n * m, "uncertainties");
  for (std::size_t i = 0; i < intensities.size(); ++i) {
    if (!std::isfinite(intensities[i]))
      throw Error("sample " + std::to_string(i / m + 1) + ", point " + std::to_string(i % m + 1) +
                  ": intensity is not a finite number");
  }
  if (!composition.empty() || !elements.empty()) {
    requireSize(composition.size(), n * elements.size(), "composition");
    for (std::size_t s = 0; s < n; ++s) {
      double sum = 0.0;
      for (std::size_t e = 0; e < elements.size(); ++e) {
        const double f = fraction(s, e);
        if (!std::isfinite(f) || f < -1e-9 || f > 1.0 + 1e-9)
          throw Error("sample " + std::to_string(s + 1) + ": fraction of " + elements[e] + " is " + std::to_string(f) +
                      ", expected a number between 0 and 1");
        sum += f;
      }
      if (std::abs(sum - 1.0) > composition_tolerance)
        throw Error("sample " + std::to_string(s + 1) + ": element fractions sum to " + std::to_string(sum) +
                    ", expected 1 (within " + std::to_string(composition_tolerance) + ")");
    }
  }
  if (!x.empty()) requireSize(x.size(), n, "x positions");
  if (!y.empty()) requireSize(y.size(), n, "y positions");
  if (x.empty() != y.empty()) throw Error("library has x positions without y positions or the reverse");
  for (const auto& [a, b] : edges) {
    if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= n || static_cast<std::size_t>(b) >= n || a == b)
      throw Error("library neighbour graph has an edge (" + std::to_string(a) + ", " + std::to_string(b) +
                  ") outside samples 0.." + std::to_string(n == 0 ? 0 : n - 1));
  }
  if (!phase_limit.empty()) requireSize(phase_limit.size(), n, "phase limits");
  if (!candidate_mask.empty()) requireSize(candidate_mask.size(), n * candidate_phases.size(), "candidate mask");
  for (const auto& [key, values] : sample_metadata) {
    if (values.size() != n)
      throw Error("sample metadata '" + key + "' has " + std::to_string(values.size()) + " values, expected " +
                  std::to_string(n));
  }
  requireSize(provenance.size(), n, "provenance");
}

bool convertPercentCompositions(Library& library) {
  if (library.elements.empty() || library.samples == 0) return false;
  for (std::size_t s = 0; s < library.samples; ++s) {
    double sum = 0;
    for (std::size_t e = 0; e < library.elements.size(); ++e) sum += library.fraction(s, e);
    if (std::abs(sum - 100.0) >= 2.0) return false;
  }
  for (double& f : library.composition) f /= 100.0;
  return true;
}

bool identical(const Library& a, const Library& b, std::string* first_difference) {
  auto differ = [&](const char* what) {
    if (first_difference) *first_difference = what;
    return false;
  };
  if (a.name != b.name) return differ("name");
  if (a.axis.spec != b.axis.spec) return differ("axis kind/unit");
  if (a.axis.values != b.axis.values) return differ("axis values");
  if (a.axis.wavelength_angstrom != b.axis.wavelength_angstrom) return differ("wavelength");
  if (a.samples != b.samples) return differ("sample count");
  if (a.intensities != b.intensities) return differ("intensities");
  if (a.uncertainties != b.uncertainties) return differ("uncertainties");
  if (a.elements != b.elements) return differ("elements");
  if (a.composition != b.composition) return differ("composition");
  if (a.x != b.x || a.y != b.y) return differ("positions");
  if (a.edges != b.edges) return differ("edges");
  if (a.phase_limit != b.phase_limit) return differ("phase limits");
  if (a.candidate_phases != b.candidate_phases) return differ("candidate phases");
  if (a.candidate_mask != b.candidate_mask) return differ("candidate mask");
  if (a.metadata != b.metadata) return differ("metadata");
  if (a.sample_metadata != b.sample_metadata) return differ("sample metadata");
  if (a.provenance != b.provenance) return differ("provenance");
  return true;
}

}  // namespace phasewise::core
