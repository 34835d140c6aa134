#pragma once
// `decompose --seed-from`: starting patterns from an earlier result, so that a user can go
// decompose -> refine -> decompose. The source may be a solution file (.txt), a project (its
// decomposition's phases), or any pattern file, including the refined patterns `refine`
// writes (one seed per pattern, named by its identity after refinement). After the run, what
// the round changed is reported.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "commands.h"
#include "decompose/decomposition.h"
#include "model/library.h"

namespace phasewise::cli {

struct Seeds {
  std::vector<float> patterns;     // count x library points, on the library's axis
  std::vector<std::string> names;  // one per seed
  // When the source is a decomposition of a library with as many samples: its fractions and
  // mean residual per chosen phase, for the report.
  std::optional<core::DecompositionResult> earlier;
  std::vector<int> earlier_phase;  // per seed: its phase in `earlier`
};

// which: "1,3" (1-based) or empty for all.
[[nodiscard]] Seeds readSeeds(const CommandContext& context, const Arguments& arguments, const std::string& path,
                              const std::string& which, const core::Library& library);

// Names the seeded phases of `result` and prints, per seeded phase, how far its pattern moved
// from the seed (cosine), its mean fraction and, against an earlier decomposition, the mean
// change of its fractions and of the residual.
void reportSeededRound(std::ostream& out, const Seeds& seeds, core::DecompositionResult& result);

}  // namespace phasewise::cli
