#pragma once
// The decomposition's entry point: checks the inputs, prepares the data (per-sample scaling,
// the log-Q grid), runs plain NMF or the shift-aware model, and maps the answer back onto the
// library's own axis and units. A cancelled run throws CancelledError and returns nothing, so
// whatever result the caller held before stays intact.

#include "decompose/decomposition.h"
#include "model/library.h"
#include "util/progress.h"

namespace phasewise::core {

[[nodiscard]] DecompositionResult decompose(const Library& library, const DecompositionSettings& settings,
                                            const ProgressCallback& progress = nullptr);

// Per sample, the L1 distance of the data from a reconstruction (samples x points).
[[nodiscard]] std::vector<float> sampleL1Loss(const Library& library, const std::vector<float>& reconstruction);

// Scales each sample of `library` to a maximum of 1 (so strong and weak patterns weigh alike)
// and returns the factors (1 for an empty sample).
std::vector<float> scaleSamplesToMaximum(Library& library);

// The k samples that successive projection finds purest (their patterns, k x m).
[[nodiscard]] std::vector<float> purestSamples(const std::vector<float>& y, std::size_t n, std::size_t m, int k);

// Per-sample Gibbs limits: the library's own (e.g. degree_of_freedom.npy), else the number of
// elements present above 1 % in each sample, else the default.
[[nodiscard]] std::vector<int> phaseLimits(const Library& library, int fallback);

// The neighbour graph: the library's edges, else a Delaunay triangulation of its compositions
// (ternary compositions projected onto the plane), else none.
[[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> neighbourGraph(const Library& library);
// The same graph as each sample's list of neighbours.
[[nodiscard]] std::vector<std::vector<std::size_t>> neighbourLists(const Library& library);

}  // namespace phasewise::core
