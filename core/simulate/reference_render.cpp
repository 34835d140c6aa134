#include "simulate/reference_render.h"

#include "simulate/augment.h"
#include "util/error.h"

namespace phasewise::core {

ReferencePatterns renderReferencePatterns(const PhaseLibrary& library, const Axis& axis, const std::string& radiation,
                                          const std::vector<double>& width_scales) {
  if (library.size() == 0) throw Error("the reference phase library is empty");
  if (width_scales.empty()) throw Error("render at least one peak width");
  for (double w : width_scales)
    if (!(w > 0 && w < 100)) throw Error("peak-width multipliers must be in (0, 100)");
  ReferencePatterns out;
  out.axis = axis;
  out.width_scales = width_scales;
  const std::size_t m = axis.values.size(), v = width_scales.size();
  out.patterns.assign(library.size() * v * m, 0.0F);
  for (const ReferencePhase& p : library.phases) out.names.push_back(p.name);
  for (std::size_t k = 0; k < v; ++k) {
    AugmentationSettings settings = AugmentationSettings::none();
    settings.width_scale_min = settings.width_scale_max = width_scales[k];
    const TrainingSetGenerator generator(library, axis, Radiation::parse(radiation), settings);
    for (std::size_t p = 0; p < library.size(); ++p) generator.augment(p, 0, 1, out.patterns.data() + (p * v + k) * m);
  }
  return out;
}

}  // namespace phasewise::core
