#include "decompose_seeds.h"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <numeric>
#include <ostream>

#include "format_hdf5/phasewise_contents.h"
#include "format_hdf5/project_file.h"
#include "learn/refinement_score.h"
#include "library_summary.h"
#include "model/resample.h"
#include "result_files/decomposition_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
std::vector<double> qOf(const core::Axis& axis) {
  return core::convertAxis(axis, {core::AxisKind::Q, core::AxisUnit::InverseNanometre}).values;
}

std::vector<int> chosenPhases(const std::string& which, int k) {
  std::vector<int> chosen;
  if (which.empty()) {
    for (int i = 0; i < k; ++i) chosen.push_back(i);
    return chosen;
  }
  std::vector<std::string_view> fields;
  core::splitFields(which, ",", fields);
  for (std::string_view f : fields) {
    double v = 0;
    if (!core::parseNumber(f, v) || v < 1 || v > k || v != std::floor(v))
      throw UsageError("--seed-phases: '" + std::string(f) + "' is not a phase 1.." + std::to_string(k));
    chosen.push_back(static_cast<int>(v) - 1);
  }
  return chosen;
}

double mean(const std::vector<float>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
}  // namespace

Seeds readSeeds(const CommandContext& context, const Arguments& arguments, const std::string& path,
                const std::string& which, const core::Library& library) {
  std::vector<double> q;
  std::vector<float> bases;
  std::vector<std::string> names;
  int k = 0;
  Seeds seeds;
  std::vector<int> earlier_phase;  // per pattern of the source: its phase in seeds.earlier
  if (const auto read = plugins::readDecompositionFile(path)) {
    q = read->solution.q;
    bases = read->solution.bases;
    k = read->solution.phases;
    if (read->project) {
      const core::DecompositionResult& d = *read->project->decomposition;
      names = d.phase_names;
      if (d.samples == library.samples) seeds.earlier = d;
    }
  } else {
    // Patterns, one seed each: refined patterns (named by their identity after refinement), or
    // any file the registry reads.
    const core::Library patterns = readInput(context, arguments, path).library;
    q = qOf(patterns.axis);
    bases = patterns.intensities;
    k = static_cast<int>(patterns.samples);
    if (const auto it = patterns.sample_metadata.find("identity_after"); it != patterns.sample_metadata.end())
      names = it->second;
    // Refined candidates of a decomposition of this library: that decomposition is the round
    // before (each pattern's provenance names its phase there).
    const auto source = patterns.metadata.find("source");
    // (Candidates from pattern files have no such project: nothing to compare with.)
    if (source != patterns.metadata.end() && patterns.provenance.size() == patterns.samples &&
        plugins::phasewiseContents(source->second).decomposition) {
      const plugins::Project before = plugins::readProject(source->second);
      if (before.decomposition->samples == library.samples) {
        seeds.earlier = *before.decomposition;
        earlier_phase.clear();
        for (const auto& origin : patterns.provenance) earlier_phase.push_back(static_cast<int>(origin.index));
      }
    }
  }
  if (k < 1) throw core::Error(path + ": nothing to seed from");
  const std::vector<int> chosen = chosenPhases(which, k);
  const std::vector<double> own = qOf(library.axis);
  for (int i : chosen) {
    const std::vector<float> row = core::interpolateOrZero(q, &bases[static_cast<std::size_t>(i) * q.size()], own);
    seeds.patterns.insert(seeds.patterns.end(), row.begin(), row.end());
    const auto u = static_cast<std::size_t>(i);
    seeds.names.push_back(u < names.size() && !names[u].empty() ? names[u] : "seed " + std::to_string(i + 1));
    seeds.earlier_phase.push_back(u < earlier_phase.size() ? earlier_phase[u] : i);
  }
  return seeds;
}

void reportSeededRound(std::ostream& out, const Seeds& seeds, core::DecompositionResult& result) {
  const std::size_t m = result.axis.values.size(), n = result.samples, k = static_cast<std::size_t>(result.phases);
  const std::size_t seeded = std::min(seeds.names.size(), k);
  if (seeded == 0 || m == 0) return;
  // The seeded phases carry their seeds' names into the project file.
  result.phase_names.resize(k);
  for (std::size_t p = 0; p < k; ++p)
    result.phase_names[p] = p < seeded ? seeds.names[p] : "phase " + std::to_string(p + 1);
  out << "seeded phase\tcosine to its seed\tmean fraction";
  const bool compare = seeds.earlier.has_value();
  if (compare) out << "\tmean fraction change";
  out << "\n" << std::fixed << std::setprecision(3);
  for (std::size_t p = 0; p < seeded; ++p) {
    double fraction = 0, change = 0;
    for (std::size_t s = 0; s < n; ++s) {
      fraction += result.fractions[s * k + p];
      if (compare) {
        const auto& e = *seeds.earlier;
        const auto ke = static_cast<std::size_t>(e.phases), pe = static_cast<std::size_t>(seeds.earlier_phase[p]);
        if (pe < ke) change += std::abs(result.fractions[s * k + p] - e.fractions[s * ke + pe]);
      }
    }
    out << result.phase_names[p] << "\t" << core::cosineOf(&seeds.patterns[p * m], &result.bases[p * m], m) << "\t"
        << fraction / static_cast<double>(n);
    if (compare) out << "\t" << change / static_cast<double>(n);
    out << "\n";
  }
  if (compare && !seeds.earlier->sample_loss.empty())
    out << "mean residual (L1 per sample): " << std::setprecision(4) << mean(seeds.earlier->sample_loss) << " -> "
        << mean(result.sample_loss) << "\n";
}

}  // namespace phasewise::cli
