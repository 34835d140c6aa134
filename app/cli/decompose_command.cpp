// `phasewise-cli decompose` and `evaluate`: phases, activations and shifts of a library, and
// their scores against ground truth.

#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "decompose/library_fit.h"
#include "decompose/measures.h"
#include "decompose_seeds.h"
#include "format_hdf5/project_file.h"
#include "format_instance/solution_format.h"
#include "library_summary.h"
#include "model/resample.h"
#include "simulate/reference_render.h"
#include "terminal_progress.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
constexpr const char* kDecomposeUsage = R"(usage: phasewise-cli decompose LIBRARY --phases K -o RESULT [options]
       phasewise-cli decompose LIBRARY --sweep KMIN:KMAX      (choose K: error and violations per K)
  RESULT.h5 is a project file (library + decomposition); RESULT.txt the instance solution format.
  The default is the recommended setting for real libraries: shift-aware on a log-Q grid, the
  Gibbs phase rule, connectivity on the composition graph, a smooth background component.
  --shifts S         largest peak shift in log-Q bins each way (default 32; 0 turns shifts off)
  --log-points N     log-Q grid size (default: the library's points, at most 1200)
  --iterations N     at most N outer iterations (default 100)
  --tolerance T      stop when the loss changes by less than this share (default 1e-4)
  --no-gibbs         allow any number of phases per sample
  --phase-limit L    Gibbs limit where the library gives none (default: elements present)
  --no-connectivity  no contiguity or shift smoothing on the neighbour graph
  --no-background    no background component
  --no-broadening    one peak width per phase (default: each sample may widen a phase's peaks)
  --plain            plain NMF (no shifts, Gibbs, connectivity or background)
  --loss kl|frobenius  NMF loss for the plain/initial stage (default frobenius)
  --init spa|nmf|best  starting patterns: purest samples (default), NMF, or both keeping the better fit
  --seed-from R      start the first phases from an earlier RESULT (.txt or .h5: its phases) or
                     from patterns (refine's refined.h5, .xy, ...: one phase each, named by
                     their identity); prints how far each moved and, against an earlier
                     result of this library, how its fractions and the residual changed
  --seed-phases 1,3  which of its phases (default: all);  --freeze  hold the seeded patterns fixed
  --seed N  --threads N  --device cpu|cuda
Library-guided (the candidate phases are known: CIFs, stick tables or a phase library file):
       phasewise-cli decompose LIBRARY --phases-from PHASES... -o RESULT [--free K]
  Each sample is fitted with at most its Gibbs limit of candidate phases, each with its own
  lattice scale (--max-strain, default 0.02) and peak width, plus a smooth background, with
  connectivity on the composition graph; identities come from the fit, with a confidence.
  The cards chosen are then measured by the shift-aware decomposition, their patterns free to
  adapt (texture, widths, solid solutions beyond --max-strain); each keeps its card's name
  while its adapted pattern still matches it (cosine >= 0.5, printed).
  --no-refit         report the first stage: the cards' own patterns and fractions
  --keep-foreign     keep candidates with an element the library does not hold (left out by
                     default: an Fe-Ni-Cu spread holds no Mn phase; O, N, C, H, S... always pass)
  --free K           K free components for what the library does not explain (default 0)
  --min-gain G       a phase must explain this share of a sample (default 0.01)
  --min-support S    a card is taken in a sample only where the data holds this share of the
                     intensity it is fitted with (default 0.5; identify's single patterns use 0.65)
  A library without a neighbour graph (a batch of scans: no ternary compositions or wafer
  positions) has no spread to follow: each sample is fitted as identify fits a single pattern
  (strain 1 %, gain 0.002, support 0.65, chance 0.02, the background from the data's lower
  envelope, a log-Q grid of up to 3000 points), unless --max-strain,
  --min-gain or --min-support is given.
  --radiation R      the lines the candidates are drawn with (default: the library's wavelength;
                     Cu K-alpha1 widths on a Q axis without one; "Cu" for K-alpha1 + K-alpha2)
)";

// The library-guided fit (`--phases-from`), its phases printed with identities.
core::DecompositionResult decomposeWithPhases(const core::Library& library, const Arguments& a,
                                              const std::vector<std::string>& sources, core::PhaseLibrary& phases) {
  phases = collectPhases(sources, a, nullptr);
  core::LibraryFitSettings s;
  s.max_strain = a.number("max-strain", s.max_strain, 0.0, 0.3);
  s.min_gain = a.number("min-gain", s.min_gain, 0.0, 1.0);
  s.min_support = a.number("min-support", s.min_support, 0.0, 1.0);
  // Asked-for fit settings hold for a batch of scans too (else it is fitted as single patterns).
  s.batch_as_single_patterns = !a.value("max-strain") && !a.value("min-gain") && !a.value("min-support");
  s.free_phases = a.integer("free", 0, 0, 64);
  s.connectivity = !a.flag("no-connectivity");
  s.refit = !a.flag("no-refit");
  s.keep_foreign = a.flag("keep-foreign");
  s.log_points = static_cast<std::size_t>(a.integer("log-points", static_cast<int>(0), 0, 65536));
  s.default_phase_limit = static_cast<int>(a.integer("phase-limit", static_cast<int>(s.default_phase_limit), 1, 24));
  s.threads = static_cast<unsigned>(a.integer("threads", static_cast<int>(0), 0, 1024));
  // Drawn on Q with the library's own wavelength (a 2-theta library measured with another
  // line than Cu K-alpha1 would otherwise get its candidates' peaks in the wrong places).
  const core::ReferencePatterns references =
      core::renderReferencesFor(phases, library.axis, a.value("radiation").value_or(""));
  TerminalProgress progress(a.flag("quiet"));
  const core::LibraryDecomposition fit = core::decomposeWithLibrary(library, references, s, progress.callback());
  const core::DecompositionResult& r = fit.result;
  std::cout << "library-guided fit: " << phases.size() << " candidate phases, " << r.phases << " found, " << fit.rounds
            << " rounds (" << (fit.changed_last_round == 0 ? "converged" : "round cap reached") << ")";
  if (fit.foreign_left_out > 0)
    std::cout << "; " << fit.foreign_left_out << " candidates left out for elements the library does not hold";
  if (fit.fitted_as_batch)
    std::cout << "; no neighbour graph (a batch of scans): each sample fitted as a single pattern (strain 1 %, "
                 "support 0.65)";
  if (fit.refit_iterations > 0)
    std::cout << "; measured with adapted patterns in " << fit.refit_iterations << " iterations";
  if (fit.refit_rejected)
    std::cout << "; the cards' own patterns kept (adapted, they stopped being their cards: cosine "
              << std::setprecision(2) << fit.refit_rejected_cosine << ")";
  // Intensity fractions always (peak-height shares, DESIGN.md); weight fractions (Hill-Howard)
  // only when every identified phase comes from a structure.
  const bool weights = !r.weight_fractions.empty();
  std::cout << "\nphase\tsamples\tmean intensity fraction where present\tmean weight fraction where present\t"
               "mean confidence\tlattice scale range\tcosine to card\n";
  const auto k = static_cast<std::size_t>(r.phases);
  for (std::size_t p = 0; p < k; ++p) {
    int present = 0;
    double fraction = 0, weight = 0, confidence = 0, low = 1e9, high = -1e9;
    for (std::size_t i = 0; i < r.samples; ++i) {
      if (r.activations[i * k + p] <= 0) continue;
      ++present;
      fraction += r.fractions[i * k + p];
      if (weights) weight += r.weight_fractions[i * k + p];
      confidence += r.confidence[i * k + p];
      low = std::min(low, 1.0 / r.shifts[i * k + p]);  // Q x s  <=>  lattice x 1/s
      high = std::max(high, 1.0 / r.shifts[i * k + p]);
    }
    std::cout << r.phase_names[p] << "\t" << present << "\t" << std::fixed << std::setprecision(3)
              << fraction / std::max(present, 1) << "\t";
    if (weights && fit.reference[p] >= 0)
      std::cout << weight / std::max(present, 1);
    else
      std::cout << "-";
    std::cout << "\t" << confidence / std::max(present, 1) << "\t" << low << "-" << high << "\t" << fit.card_cosine[p]
              << "\n";
  }
  for (std::size_t p = 0; p < k && p < r.also_drawn_as.size(); ++p)
    if (!r.also_drawn_as[p].empty())
      std::cout << "one phase drawn by several cards (the same peaks where both are fitted: a solid solution): "
                << r.phase_names[p] << ", also as " << r.also_drawn_as[p] << "\n";
  return r;
}

int sweep(const core::Library& library, core::DecompositionSettings settings, const std::string& range) {
  const auto [low, high] = parseRange(range, "--sweep");
  if (low < 1) throw UsageError("--sweep expects KMIN:KMAX with KMIN >= 1, got '" + range + "'");
  const std::vector<int> limits = core::phaseLimits(library, settings.default_phase_limit);
  std::cout << "   K   relL1   relL2   Gibbs violations   time s\n";
  for (int k = static_cast<int>(low); k <= static_cast<int>(high); ++k) {
    settings.phases = k;
    const core::DecompositionResult r = core::decompose(library, settings);
    const core::ReconstructionError error = core::reconstructionError(library.intensities, r.reconstruction);
    std::cout << std::setw(4) << k << std::fixed << std::setprecision(4) << std::setw(8) << error.relative_l1
              << std::setw(8) << error.relative_l2 << std::setw(19) << core::gibbsViolations(r.fractions, k, limits)
              << std::setprecision(2) << std::setw(9) << r.seconds << "\n";
  }
  std::cout << "Choose the K after which the error stops falling clearly.\n";
  return 0;
}

core::DecompositionSettings settingsFrom(const Arguments& a) {
  core::DecompositionSettings s;
  s.phases = static_cast<int>(a.integer("phases", static_cast<int>(0), 1, 200));
  if (s.phases < 1) throw UsageError("--phases K is required (K >= 1)");
  s.shifts = static_cast<int>(a.integer("shifts", static_cast<int>(32), 0, 4096));
  s.log_points = static_cast<std::size_t>(a.integer("log-points", static_cast<int>(0), 0, 65536));
  s.max_iterations = static_cast<int>(a.integer("iterations", static_cast<int>(100), 1, 100000));
  s.tolerance = a.number("tolerance", 1e-4);
  if (!(s.tolerance >= 0 && s.tolerance < 1)) throw UsageError("--tolerance expects a number from 0 to 1");
  s.gibbs = !a.flag("no-gibbs");
  s.default_phase_limit = static_cast<int>(a.integer("phase-limit", static_cast<int>(3), 1, 24));
  s.connectivity = !a.flag("no-connectivity");
  s.background = !a.flag("no-background");
  s.broadening = !a.flag("no-broadening");
  if (a.flag("plain")) {
    s.shifts = 0;
    s.gibbs = s.connectivity = s.background = s.broadening = false;
    s.max_iterations = static_cast<int>(a.integer("iterations", static_cast<int>(500), 1, 100000));
  }
  const std::string loss = a.value("loss").value_or("frobenius");
  if (loss == "kl")
    s.loss = core::NmfLoss::KullbackLeibler;
  else if (loss != "frobenius")
    throw UsageError("--loss must be kl or frobenius");
  const std::string init = a.value("init").value_or("spa");
  const auto initialisation = core::parseInitialisation(init);
  if (!initialisation) throw UsageError("--init must be spa, nmf or best, got '" + init + "'");
  s.init = *initialisation;
  s.seed = static_cast<std::uint64_t>(a.integer("seed", static_cast<int>(1), 0, 2147483647));
  s.threads = static_cast<unsigned>(a.integer("threads", static_cast<int>(0), 0, 1024));
  s.device = a.device();
  return s;
}
int writeResult(const core::Library& library, const std::optional<core::PhaseLibrary>& phases,
                const core::DecompositionResult& result, const std::string& out) {
  const std::string extension = core::lowercase(std::filesystem::path(out).extension().string());
  if (extension == ".txt") {
    plugins::writeSolution(result, {}, out);
  } else if (extension == ".h5" || extension == ".hdf5") {
    plugins::writeProject({library, phases, result, std::nullopt}, out);
  } else {
    throw UsageError("RESULT must end in .h5 (project file) or .txt (instance solution format)");
  }
  std::cout << "decomposed " << result.samples << " samples into " << result.phases << " phases in " << std::fixed
            << std::setprecision(2) << result.seconds << " s (" << result.iterations << " iterations";
  // Whether it settled: the last relative change of the objective (the stopping test's measure).
  if (result.loss_history.size() >= 2)
    std::cout << ", " << (result.converged ? "converged" : "iteration cap reached") << ", last relative change "
              << std::scientific << std::setprecision(1) << result.final_change << std::fixed;
  std::cout << "); wrote " << out << "\n";
  return 0;
}
}  // namespace

int runDecompose(const CommandContext& context) {
  auto options = kReadOptions;
  options.insert({"o",          "output",     "sweep",       "seed-from", "seed-phases", "phases",
                  "shifts",     "log-points", "iterations",  "tolerance", "phase-limit", "loss",
                  "init",       "seed",       "threads",     "device",    "phases-from", "free",
                  "max-strain", "min-gain",   "min-support", "radiation"});
  const Arguments arguments(context.words, options,
                            {"help", "no-gibbs", "no-connectivity", "no-background", "plain", "quiet", "freeze",
                             "no-refit", "keep-foreign", "no-broadening"});
  const auto output = arguments.value("o") ? arguments.value("o") : arguments.value("output");
  if (arguments.flag("help") || arguments.positional().size() != 1 || (!output && !arguments.value("sweep"))) {
    std::cout << kDecomposeUsage;
    return arguments.flag("help") ? 0 : 2;
  }
  if (arguments.value("sweep") && !arguments.value("phases")) {
    const core::ReadResult input = readInput(context, arguments, arguments.positional()[0]);
    core::DecompositionSettings settings;
    auto with_k = context.words;
    with_k.insert(with_k.end(), {"--phases", "1"});
    const Arguments again(with_k, options,
                          {"help", "no-gibbs", "no-connectivity", "no-background", "plain", "quiet", "freeze",
                           "no-refit", "keep-foreign", "no-broadening"});
    return sweep(input.library, settingsFrom(again), *arguments.value("sweep"));
  }
  if (const auto from = arguments.value("phases-from")) {
    const core::ReadResult input = readInput(context, arguments, arguments.positional()[0]);
    core::PhaseLibrary phases;
    const core::DecompositionResult result = decomposeWithPhases(input.library, arguments, {*from}, phases);
    return writeResult(input.library, phases.size() ? std::optional<core::PhaseLibrary>(phases) : std::nullopt, result,
                       *output);
  }
  core::DecompositionSettings settings = settingsFrom(arguments);
  const core::ReadResult input = readInput(context, arguments, arguments.positional()[0]);
  Seeds seeds;
  if (const auto from = arguments.value("seed-from")) {
    seeds = readSeeds(context, arguments, *from, arguments.value("seed-phases").value_or(""), input.library);
    settings.seed_patterns = seeds.patterns;
    settings.frozen.assign(seeds.names.size(), arguments.flag("freeze") ? 1 : 0);
  }
  core::DecompositionResult result = [&] {
    TerminalProgress progress(arguments.flag("quiet"));
    return core::decompose(input.library, settings, progress.callback());
  }();
  reportSeededRound(std::cout, seeds, result);
  return writeResult(input.library, std::nullopt, result, *output);
}

}  // namespace phasewise::cli
