#include "simulate/reference_render.h"

#include <algorithm>
#include <cstdio>

#include "simulate/augment.h"
#include "simulate/formula.h"
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
  out.raw_maximum.assign(library.size() * v, 0.0);
  for (const ReferencePhase& p : library.phases) {
    out.names.push_back(p.name);
    std::vector<std::string> elements;
    for (const auto& [element, fraction] : p.composition)
      if (fraction > 0) elements.push_back(element);
    out.elements.push_back(std::move(elements));
    out.cell_mass_volume.push_back(p.structure ? formulaMass(p.structure->cellContents()) * p.structure->cell.volume()
                                               : 0.0);
  }
  for (std::size_t k = 0; k < v; ++k) {
    AugmentationSettings settings = AugmentationSettings::none();
    settings.width_scale_min = settings.width_scale_max = width_scales[k];
    settings.normalise = false;          // keep the absolute scale, then scale to a maximum of 1 here
    settings.kalpha2_probability = 1.0;  // a doublet radiation ("Cu") renders both lines
    const TrainingSetGenerator generator(library, axis, Radiation::parse(radiation), settings);
    for (std::size_t p = 0; p < library.size(); ++p) {
      float* out_row = out.patterns.data() + (p * v + k) * m;
      generator.augment(p, 0, 1, out_row);
      const float top = *std::max_element(out_row, out_row + m);
      out.raw_maximum[p * v + k] = top;
      if (top > 0)
        for (std::size_t j = 0; j < m; ++j) out_row[j] /= top;
    }
  }
  return out;
}

ReferencePatterns renderReferencesFor(const PhaseLibrary& library, const Axis& data_axis,
                                      const std::string& radiation) {
  Axis q = convertAxis(data_axis, {AxisKind::Q, AxisUnit::InverseNanometre});
  if (q.values.size() > 1 && q.values.front() > q.values.back()) std::reverse(q.values.begin(), q.values.end());
  std::string lines = radiation;
  if (lines.empty()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", data_axis.wavelength_angstrom.value_or(1.540562));
    lines = data_axis.wavelength_angstrom ? buffer : "CuKa1";
  }
  return renderReferencePatterns(library, q, lines);
}

}  // namespace phasewise::core
