#include "decompose/sample_quantities.h"

#include <cmath>

#include "util/error.h"

namespace phasewise::core {

std::string sampleQuantityName(SampleQuantity q) {
  switch (q) {
    case SampleQuantity::DominantPhase:
      return "dominant phase";
    case SampleQuantity::TotalIntensity:
      return "total intensity";
    case SampleQuantity::PhaseShare:
      return "phase share";
    case SampleQuantity::PhaseShift:
      return "phase shift (Q factor)";
    case SampleQuantity::Residual:
      return "residual (L1)";
  }
  return "";
}

bool needsDecomposition(SampleQuantity q) { return q != SampleQuantity::TotalIntensity; }

std::vector<double> sampleQuantity(const Library& library, const DecompositionResult* d, SampleQuantity q, int phase) {
  std::vector<double> out(library.samples, 0.0);
  if (q == SampleQuantity::TotalIntensity) {
    for (std::size_t s = 0; s < library.samples; ++s) {
      double sum = 0;
      const float* p = library.pattern(s);
      for (std::size_t j = 0; j < library.points(); ++j) sum += p[j];
      out[s] = sum;
    }
    return out;
  }
  if (!d || d->samples != library.samples)
    throw Error("colouring by " + sampleQuantityName(q) + " needs a decomposition of this library");
  if ((q == SampleQuantity::PhaseShare || q == SampleQuantity::PhaseShift) && (phase < 0 || phase >= d->phases))
    throw Error("there is no phase " + std::to_string(phase + 1) + " in the decomposition");
  const auto k = static_cast<std::size_t>(d->phases);
  for (std::size_t s = 0; s < library.samples; ++s) switch (q) {
      case SampleQuantity::DominantPhase: {
        int best = 0;
        for (int p = 1; p < d->phases; ++p)
          if (d->fraction(s, p) > d->fraction(s, best)) best = p;
        out[s] = best;
        break;
      }
      case SampleQuantity::PhaseShare:
        out[s] = d->fraction(s, phase);
        break;
      case SampleQuantity::PhaseShift:
        // Only where the phase is present: elsewhere the shift means nothing.
        out[s] = d->fraction(s, phase) > 0.01 && !d->shifts.empty() ? d->shifts[s * k + static_cast<std::size_t>(phase)]
                                                                    : std::nan("");
        break;
      case SampleQuantity::Residual:
        out[s] = d->sample_loss.empty() ? 0.0 : d->sample_loss[s];
        break;
      case SampleQuantity::TotalIntensity:
        break;
    }
  return out;
}

}  // namespace phasewise::core
