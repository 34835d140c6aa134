#include "format_refined/refined_export.h"

#include <fstream>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {

core::Library refinedLibrary(const core::RefinedSet& set) {
  const std::size_t m = set.axis.values.size();
  if (set.count() == 0 || set.patterns.size() != set.count() * m)
    throw core::Error("the refined patterns do not match their grid");
  core::Library out;
  out.name = "refined candidates";
  out.axis = set.axis;
  out.samples = set.count();
  out.intensities = set.patterns;
  auto& meta = out.sample_metadata;
  for (std::size_t i = 0; i < set.count(); ++i) {
    out.provenance.push_back({set.source, static_cast<std::int64_t>(i)});
    meta["candidate"].push_back(set.labels[i]);
    meta["identity_before"].push_back(set.identity_before[i]);
    meta["probability_before"].push_back(core::formatNumber(set.probability_before[i]));
    meta["identity_after"].push_back(set.identity_after[i]);
    meta["probability_after"].push_back(core::formatNumber(set.probability_after[i]));
    meta["relative_change"].push_back(core::formatNumber(set.relative_change[i]));
    meta["edit"].push_back(i < set.edit.size() ? set.edit[i] : "");
  }
  out.metadata["source"] = set.source;
  out.metadata["classifier"] = set.classifier;
  out.metadata["refinement"] = set.settings;
  return out;
}

void writeRefinedPatterns(const core::RefinedSet& set, const std::filesystem::path& path,
                          const core::FormatRegistry& registry) {
  const core::Library out = refinedLibrary(set);
  const std::string ext = core::lowercase(path.extension().string());
  if (ext != ".xy" && ext != ".csv") {
    registry.writerFor(path.string()).write(out, path.string());
    return;
  }
  // Text exports carry their provenance in a comment header.
  core::writeStreamAtomically(path, [&](std::ostream& text) {
    text << "# Phasewise refined patterns\n# source: " << set.source << "\n# classifier: " << set.classifier
         << "\n# refinement: " << set.settings << "\n# axis: " << out.axis.spec.name();
    if (out.axis.wavelength_angstrom) text << ", wavelength " << *out.axis.wavelength_angstrom << " A";
    text << "\n";
    for (std::size_t i = 0; i < set.count(); ++i) {
      text << "# pattern " << i + 1 << " (" << set.labels[i] << "): " << set.identity_before[i]
           << " p=" << core::formatNumber(set.probability_before[i]) << " -> " << set.identity_after[i]
           << " p=" << core::formatNumber(set.probability_after[i]) << ", relative L1 change "
           << core::formatNumber(set.relative_change[i]);
      if (i < set.edit.size() && !set.edit[i].empty()) text << "; " << set.edit[i];
      text << "\n";
    }
    const char sep = ext == ".csv" ? ',' : ' ';
    text << (ext == ".csv" ? "" : "# ") << (out.axis.spec.kind == core::AxisKind::TwoTheta ? "2theta" : "q");
    for (std::size_t i = 0; i < set.count(); ++i) text << sep << "refined_" << i + 1;
    text << "\n";
    for (std::size_t j = 0; j < out.points(); ++j) {
      text << core::formatNumber(out.axis.values[j]);
      for (std::size_t i = 0; i < set.count(); ++i) text << sep << core::formatNumber(set.pattern(i)[j]);
      text << "\n";
    }
  });
}

}  // namespace phasewise::plugins
