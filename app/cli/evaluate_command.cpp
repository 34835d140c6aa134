// `phasewise-cli evaluate RESULT --truth DIR`: the measures of DESIGN.md for a decomposition
// written in the solution format, against DRNets-style ground truth.

#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "decompose/evaluation.h"
#include "result_files/decomposition_file.h"
#include "util/error.h"

namespace phasewise::cli {

int runEvaluate(const CommandContext& context) {
  const Arguments arguments(context.words, {"truth"}, {"help"});
  if (arguments.flag("help") || arguments.positional().size() != 1 || !arguments.value("truth")) {
    std::cout << "usage: phasewise-cli evaluate RESULT.txt|RESULT.h5 --truth DIR\n"
                 "  DIR holds Q.npy, decomposition_sol.npy, normalized_weights_sol.npy and degree_of_freedom.npy\n"
                 "  (e.g. ../shared/data/drnets/Al-Li-Fe). Prints matched cosine (Hungarian), phase-fraction L1,\n"
                 "  Gibbs violations, as shared/tools/score_solution.py defines them; per phase the pattern\n"
                 "  cosine, the fraction-map cosine and (a project file against a truth with\n"
                 "  lattice_scale_sol.npy) the RMS lattice-scale error after one constant per phase.\n";
    return arguments.flag("help") ? 0 : 2;
  }
  const std::string& path = arguments.positional()[0];
  const auto read = plugins::readDecompositionFile(path);
  if (!read)
    throw core::Error(path + ": holds no decomposition (expected a project with one, or an instance solution)");
  const plugins::Solution& solution = read->solution;
  // Lattice scales are compared for projects only (a solution's S= lines are not the same fit).
  const std::vector<float> shifts = read->project ? solution.shifts : std::vector<float>{};
  const core::GroundTruth truth = core::loadDrnetsTruth(*arguments.value("truth"));
  const core::Evaluation e =
      core::evaluate(solution.q, solution.bases, solution.phases, solution.activations, truth, shifts);
  std::cout << std::fixed << std::setprecision(4) << "matched_cos=" << e.match.mean_cosine
            << " fracL1=" << e.fraction_l1 << " gibbs_violations=" << e.gibbs_violations << " K=" << e.phases << "\n";
  for (int p = 0; p < e.phases; ++p) {
    const int t = e.match.true_for_found[static_cast<std::size_t>(p)];
    std::cout << "  phase " << p + 1 << " -> " << (t >= 0 ? "true phase " + std::to_string(t + 1) : "unmatched")
              << "  cosine " << e.match.cosine[static_cast<std::size_t>(p)];
    if (t >= 0) std::cout << "  fraction-map cosine " << e.map_cosine[static_cast<std::size_t>(p)];
    if (e.lattice_error[static_cast<std::size_t>(p)] >= 0)
      std::cout << "  lattice error " << std::setprecision(2) << 100 * e.lattice_error[static_cast<std::size_t>(p)]
                << " %" << std::setprecision(4);
    std::cout << "\n";
  }
  return 0;
}

}  // namespace phasewise::cli
