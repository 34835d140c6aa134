#pragma once
// A library: N diffraction patterns on one shared axis, with what is known about each sample
// (composition, wafer position, neighbours, phase limit, provenance). A single measured pattern
// is a library of one. Plain data; validate() states the invariants every reader guarantees.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/axis.h"

namespace phasewise::core {

struct SampleProvenance {
  std::string file;        // the file the pattern came from
  std::int64_t index = 0;  // its position in that file (0-based)
  bool operator==(const SampleProvenance& o) const { return file == o.file && index == o.index; }
};

struct Library {
  std::string name;
  Axis axis;
  std::size_t samples = 0;

  // Row-major samples x points. float32 halves memory against double and holds detector
  // counts exactly up to 2^24; axis, compositions and positions stay double.
  std::vector<float> intensities;
  std::vector<float> uncertainties;  // empty, or samples x points (from .xye / sigma columns)

  std::vector<std::string> elements;  // named elements of the composition space
  std::vector<double> composition;    // empty, or samples x elements, fractions summing to ~1
  std::vector<double> x, y;           // empty, or one wafer position per sample (mm)

  std::vector<std::pair<std::int64_t, std::int64_t>> edges;  // neighbour graph, i < j
  std::vector<std::int32_t> phase_limit;                     // empty, or Gibbs limit per sample

  // Candidate phases that may occur (e.g. DRNets' bases_name) and, optionally, a
  // samples x candidates mask of which ones are allowed where (sample_indicator).
  std::vector<std::string> candidate_phases;
  std::vector<std::uint8_t> candidate_mask;

  std::map<std::string, std::string> metadata;                      // free, library-wide
  std::map<std::string, std::vector<std::string>> sample_metadata;  // free, one value per sample
  std::vector<SampleProvenance> provenance;                         // one per sample

  [[nodiscard]] std::size_t points() const { return axis.values.size(); }
  [[nodiscard]] const float* pattern(std::size_t sample) const { return intensities.data() + sample * points(); }
  [[nodiscard]] float* pattern(std::size_t sample) { return intensities.data() + sample * points(); }
  [[nodiscard]] double fraction(std::size_t sample, std::size_t element) const {
    return composition[sample * elements.size() + element];
  }

  // Throws Error describing the first broken invariant: sizes, finite values, increasing
  // axis, fractions in [0,1] summing to 1 +- tolerance, edges in range.
  void validate(double composition_tolerance = 0.02) const;
};

// Some files give compositions in atomic percent. When every sample's fractions sum to
// 100 +- 2, divides them by 100 and returns true; otherwise leaves them alone.
bool convertPercentCompositions(Library& library);

// Exact equality of everything a file format must round-trip (used by tests and `convert`).
[[nodiscard]] bool identical(const Library& a, const Library& b, std::string* first_difference = nullptr);

}  // namespace phasewise::core
