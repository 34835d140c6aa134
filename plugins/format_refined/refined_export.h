#pragma once
// Writes refined patterns with their provenance: `.xy`/`.csv` as text with a comment header
// (source, classifier, settings, identity and probability before and after, change), or any
// library format the registry writes (`.h5`: identities, probabilities and change as
// per-sample metadata). Atomic.

#include <filesystem>

#include "io/registry.h"
#include "model/library.h"
#include "model/refined_set.h"

namespace phasewise::plugins {

// The refined patterns as a library (samples = patterns), provenance in its metadata.
[[nodiscard]] core::Library refinedLibrary(const core::RefinedSet& set);

void writeRefinedPatterns(const core::RefinedSet& set, const std::filesystem::path& path,
                          const core::FormatRegistry& registry);

}  // namespace phasewise::plugins
