// `phasewise-bench decompose`: Phasewise against scikit-learn's NMF on Al-Li-Fe in the same
// run, Phasewise on Bi-Cu-V-307 against DRNets' published solution, and Phasewise at scale on a
// generated 5,000 x 4,000 library (time and peak memory, in a child process).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "arguments.h"
#include "bench_commands.h"
#include "bench_support.h"
#include "decompose/decomposer.h"
#include "decompose/evaluation.h"
#include "decompose/library_fit.h"
#include "example/synthetic_library.h"
#include "format_hdf5/phase_library_file.h"
#include "format_instance/solution_format.h"
#include "io/npy.h"
#include "io/registry.h"
#include "simulate/example_phases.h"
#include "simulate/reference_render.h"
#include "simulate/stick_tables.h"
#include "util/error.h"
#include "util/parallel.h"

namespace phasewise::cli {
namespace {
namespace fs = std::filesystem;

struct Row {
  std::string method;
  double seconds = 0;
  int iterations = 0;
  double rel_l1 = 0, rel_l2 = 0;
  core::Evaluation e;
  std::string note;  // printed under the row when not empty
};

void printRow(const Row& r) {
  std::cout << "  " << std::left << std::setw(30) << r.method << std::right << std::fixed << std::setprecision(2)
            << std::setw(8) << r.seconds << std::setw(7) << r.iterations << std::setprecision(3) << std::setw(8)
            << r.rel_l1 << std::setw(8) << r.rel_l2 << std::setw(9) << r.e.match.mean_cosine << std::setw(9)
            << r.e.fraction_l1 << std::setw(7) << r.e.gibbs_violations << "\n";
  if (!r.note.empty()) std::cout << "    " << r.note << "\n";
}

// Relative L1/L2 of the model against the data with each sample scaled to a maximum of 1
// (the weighting scikit-learn sees here).
void scaledErrors(const core::Library& lib, const core::DecompositionResult& r, Row& row) {
  double l1 = 0, d1 = 0, l2 = 0, d2 = 0;
  const std::size_t m = lib.points();
  for (std::size_t s = 0; s < lib.samples; ++s) {
    const float* x = lib.pattern(s);
    const float top = std::max(*std::max_element(x, x + m), 1e-30F);
    for (std::size_t j = 0; j < m; ++j) {
      const double a = x[j] / top, b = r.reconstruction[s * m + j] / top;
      l1 += std::abs(a - b);
      d1 += std::abs(a);
      l2 += (a - b) * (a - b);
      d2 += a * a;
    }
  }
  row.rel_l1 = l1 / d1;
  row.rel_l2 = std::sqrt(l2 / d2);
}

Row runPhasewise(const std::string& name, const core::Library& lib, const core::DecompositionSettings& settings,
                 const fs::path& folder, const fs::path& solution) {
  const core::DecompositionResult r = core::decompose(lib, settings);
  Row row;
  row.method = name;
  row.seconds = r.seconds;
  row.iterations = r.iterations;
  scaledErrors(lib, r, row);
  plugins::writeSolution(r, {}, solution, false);
  const plugins::Solution s = plugins::readSolution(solution);
  row.e = core::evaluate(s.q, s.bases, s.phases, s.activations, core::loadDrnetsTruth(folder));
  return row;
}

// The library-guided fit with the folder's own candidate stick library (sticks_lib.tsv), run
// `repeats` times: the time is the median (on a shared machine one run of the same binary can
// take half as long again as the next), the scores the first run's, and every later run must
// reproduce it (the fit is deterministic).
Row runLibraryGuided(const core::Library& lib, const fs::path& folder, const fs::path& solution,
                     const core::LibraryFitSettings& settings, int repeats) {
  const core::PhaseLibrary phases = core::readStickTable(folder / "sticks_lib.tsv");
  const core::ReferencePatterns references = core::renderReferencePatterns(phases, lib.axis);
  const core::LibraryDecomposition fit = core::decomposeWithLibrary(lib, references, settings);
  std::vector<double> seconds{fit.result.seconds};
  bool same = true;
  for (int run = 1; run < repeats; ++run) {
    const core::LibraryDecomposition again = core::decomposeWithLibrary(lib, references, settings);
    seconds.push_back(again.result.seconds);
    same = same && again.result.fractions == fit.result.fractions && again.result.bases == fit.result.bases;
  }
  Row row;
  row.method =
      "Phasewise library-guided (" + std::to_string(fit.result.phases) + " of " + std::to_string(phases.size()) + ")";
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  row.seconds = sorted[sorted.size() / 2];
  if (repeats > 1) {
    std::ostringstream times;
    times << std::fixed << std::setprecision(2);
    for (double t : seconds) times << " " << t;
    row.note = "library-guided time: median of " + std::to_string(repeats) + " runs (" + times.str().substr(1) + " s)" +
               (same ? ", every run the same solution" : "; WARNING: the runs' solutions differ");
  }
  row.iterations = fit.rounds;
  scaledErrors(lib, fit.result, row);
  plugins::writeSolution(fit.result, {}, solution, false);
  const plugins::Solution s = plugins::readSolution(solution);
  row.e = core::evaluate(s.q, s.bases, s.phases, s.activations, core::loadDrnetsTruth(folder));
  return row;
}

// The trivial guess the issue measures against: every sample given the truth's mean fractions.
double meanGuessL1(const core::GroundTruth& truth) {
  const auto t = static_cast<std::size_t>(truth.phases);
  std::vector<double> mean(t, 0.0);
  for (std::size_t s = 0; s < truth.samples; ++s)
    for (std::size_t k = 0; k < t; ++k) mean[k] += truth.fractions[s * t + k] / static_cast<double>(truth.samples);
  double l1 = 0;
  for (std::size_t s = 0; s < truth.samples; ++s)
    for (std::size_t k = 0; k < t; ++k) l1 += std::abs(truth.fractions[s * t + k] - mean[k]);
  return l1 / static_cast<double>(std::max<std::size_t>(truth.samples, 1));
}

// One truth set (a DRNets-layout folder with *_sol.npy), every method in one run.
void truthSet(const CommandContext& context, const fs::path& folder, int k, const fs::path& work,
              const core::LibraryFitSettings& guided, unsigned threads, int repeats) {
  const core::Library lib0 = context.registry.read(folder).library;
  std::cout << folder.filename().string() << " (" << lib0.samples << " x " << lib0.points() << ", K = " << k
            << "), one run, " << threads << " threads for every method; scores as in shared/tools/score_solution.py\n";
  std::cout << "  " << std::left << std::setw(30) << "method" << std::right << std::setw(8) << "time s" << std::setw(7)
            << "iter" << std::setw(8) << "relL1" << std::setw(8) << "relL2" << std::setw(9) << "cosine" << std::setw(9)
            << "fracL1" << std::setw(7) << "Gibbs"
            << "\n";
  std::cout << "  " << std::left << std::setw(30) << "trivial: the mean fractions" << std::right << std::fixed
            << std::setprecision(3) << std::setw(49) << meanGuessL1(core::loadDrnetsTruth(folder)) << "\n";
  const core::Library& lib = lib0;
  core::DecompositionSettings best;
  best.phases = k;
  best.threads = threads;
  const Row ours = runPhasewise("Phasewise (default: shifts+Gibbs)", lib, best, folder, work / "phasewise.txt");
  printRow(ours);
  core::DecompositionSettings plain;
  plain.phases = k;
  plain.threads = threads;
  plain.shifts = 0;
  plain.gibbs = plain.connectivity = plain.background = false;
  plain.loss = core::NmfLoss::KullbackLeibler;
  plain.max_iterations = 500;
  printRow(runPhasewise("Phasewise plain NMF (KL, MU)", lib, plain, folder, work / "plain.txt"));
  std::error_code ec;
  if (fs::exists(folder / "sticks_lib.tsv", ec))
    printRow(runLibraryGuided(lib, folder, work / "library.txt", guided, repeats));
  const fs::path script = peerScript("sklearn_nmf.py");
  const std::string command = pinnedThreads(threads) + "/usr/bin/python3 '" + script.string() + "' '" +
                              folder.string() + "' " + std::to_string(k) + " '" + (work / "sklearn.txt").string() +
                              "' 2>/dev/null";
  const std::string output = runCapturing(command);
  const auto at = output.find("RESULT");
  if (at == std::string::npos) {
    std::cout << "  scikit-learn column skipped: "
              << (output.empty() ? "/usr/bin/python3 did not run" : output.substr(0, 200)) << "\n";
    return;
  }
  Row sk;
  sk.method = "scikit-learn 1.2 NMF (KL, MU)";
  std::istringstream(output.substr(at + 6)) >> sk.seconds >> sk.iterations >> sk.rel_l1 >> sk.rel_l2;
  const plugins::Solution s = plugins::readSolution(work / "sklearn.txt");
  sk.e = core::evaluate(s.q, s.bases, s.phases, s.activations, core::loadDrnetsTruth(folder));
  printRow(sk);
  std::cout << "  Phasewise default vs scikit-learn time: " << std::setprecision(2) << ours.seconds / sk.seconds
            << "x\n";
}

void biCuV(const CommandContext& context, const fs::path& data, const fs::path& work, int k) {
  const fs::path folder = data / "drnets/Bi-Cu-V-307";
  const core::Library lib = context.registry.read(folder).library;
  core::DecompositionSettings settings;
  settings.phases = k;
  const core::DecompositionResult r = core::decompose(lib, settings);
  // DRNets' solution: the 13 phases with the most total weight; compare activation maps.
  const core::NpyArray weights = core::readNpy(folder / "weights_sol.npy");
  const std::size_t n = lib.samples, p = weights.shape.at(1);
  std::vector<std::pair<double, std::size_t>> totals;
  for (std::size_t j = 0; j < p; ++j) {
    double t = 0;
    for (std::size_t s = 0; s < n; ++s) t += weights.numbers[s * p + j];
    totals.emplace_back(t, j);
  }
  std::sort(totals.rbegin(), totals.rend());
  const int main_phases = 13;
  std::vector<float> reference(static_cast<std::size_t>(main_phases) * n), found(static_cast<std::size_t>(k) * n);
  for (int i = 0; i < main_phases; ++i)
    for (std::size_t s = 0; s < n; ++s)
      reference[i * n + s] = static_cast<float>(weights.numbers[s * p + totals[static_cast<std::size_t>(i)].second]);
  for (int i = 0; i < k; ++i)
    for (std::size_t s = 0; s < n; ++s)
      found[i * n + s] = r.fractions[s * static_cast<std::size_t>(k) + static_cast<std::size_t>(i)];
  const core::PhaseMatch match = core::matchPhases(found, k, reference, main_phases, n);
  int recovered = 0;
  for (int i = 0; i < k; ++i)
    recovered +=
        match.true_for_found[static_cast<std::size_t>(i)] >= 0 && match.cosine[static_cast<std::size_t>(i)] >= 0.7;
  std::cout << "Bi-Cu-V-307 (307 x 1197, K = " << k << "): " << std::setprecision(2) << r.seconds << " s, "
            << r.iterations << " iterations; of DRNets' 13 main phases, " << recovered
            << " recovered (activation-map cosine >= 0.7; mean matched cosine " << std::setprecision(3)
            << match.mean_cosine << ")\n";
  plugins::writeSolution(r, {}, work / "bicuv.txt", false);
}

void atScale(const CommandContext& context, const fs::path& work, std::size_t samples, std::size_t points, int k) {
  core::SyntheticLibrarySpec spec;
  spec.samples = samples;
  spec.points = points;
  spec.phases = static_cast<std::size_t>(k);
  spec.seed = 11;
  const fs::path file = work / "large.h5";
  context.registry.writer("phasewise-h5").write(core::makeSyntheticLibrary(spec).library, file);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const std::string command = "'" + self + "' decompose-child '" + file.string() + "' " + std::to_string(k);
  bool ok = false;
  const std::string output = runCapturing(command, &ok);
  if (!ok) throw core::Error("the large-library run failed: " + output);
  double seconds = 0, peak = 0;
  int iterations = 0;
  std::istringstream(output) >> seconds >> iterations >> peak;
  std::cout << std::fixed << "Generated " << samples << " x " << points << ", K = " << k << ": " << std::setprecision(1)
            << seconds << " s (" << iterations << " iterations; target < 120 s), peak memory " << std::setprecision(2)
            << peak / 1e9 << " GB (target < 2 GB)\n";
}
// The library-guided fit at scale: the example's four phases spread over `samples` random
// compositions x `points`, fitted with `cards` candidate cards (the four, their look-alikes
// and random decoys), in a fresh process (time, peak memory, true phases named).
void libraryGuidedAtScale(const CommandContext& context, const fs::path& work, std::size_t samples, std::size_t points,
                          std::size_t cards) {
  core::SyntheticLibrarySpec spec;
  spec.samples = samples;
  spec.points = points;
  spec.seed = 12;
  const core::SyntheticLibrary example = core::makeSyntheticLibrary(spec);
  const fs::path file = work / "large-guided.h5", phases = work / "large-cards.h5";
  context.registry.writer("phasewise-h5").write(example.library, file);
  const std::size_t decoys = cards > example.phases.size() ? cards - example.phases.size() : 0;
  plugins::writePhaseLibraryFile(core::exampleReferencePhases(example, decoys), phases);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  bool ok = false;
  const std::string output =
      runCapturing("'" + self + "' decompose-child '" + file.string() + "' 0 '" + phases.string() + "'", &ok);
  if (!ok) throw core::Error("the large library-guided run failed: " + output);
  double seconds = 0, peak = 0;
  int rounds = 0, named = 0, found = 0;
  std::istringstream(output) >> seconds >> rounds >> peak >> found >> named;
  std::cout << std::fixed << "Library-guided, " << samples << " x " << points << ", " << cards
            << " cards: " << std::setprecision(1) << seconds << " s (target < 120 s), peak memory "
            << std::setprecision(2) << peak / 1e9 << " GB (target < 2 GB); " << found << " phases found, " << named
            << " of " << example.phases.size() << " true phases named\n";
}
}  // namespace

// K > 0: the free decomposition; K = 0 with a phase library: the library-guided fit.
int runBenchDecomposeChild(const CommandContext& context) {
  if (context.words.size() != 2 && context.words.size() != 3) throw UsageError("decompose-child FILE K [PHASES]");
  const core::Library lib = context.registry.read(context.words[0]).library;
  if (context.words.size() == 3) {
    const core::PhaseLibrary phases = plugins::readPhaseLibraryFile(context.words[2]);
    core::LibraryFitSettings settings;
    const core::LibraryDecomposition fit =
        core::decomposeWithLibrary(lib, core::renderReferencesFor(phases, lib.axis, ""), settings);
    int named = 0;
    for (const std::string& name : fit.result.phase_names)
      for (const core::ReferencePhase& p : phases.phases)
        named += p.source == "Phasewise example phase" && p.name == name;
    const double peak = static_cast<double>(procStatusBytes("VmHWM"));
    std::cout << fit.result.seconds << " " << fit.rounds << " " << peak << " " << fit.result.phases << " " << named
              << "\n";
    return 0;
  }
  core::DecompositionSettings settings;
  settings.phases = std::stoi(context.words[1]);
  const core::DecompositionResult r = core::decompose(lib, settings);
  const double peak = static_cast<double>(procStatusBytes("VmHWM"));
  std::cout << r.seconds << " " << r.iterations << " " << peak << "\n";
  return 0;
}

int runBenchDecompose(const CommandContext& context, const Arguments& arguments) {
  const fs::path data = arguments.value("data").value_or("../shared/data");
  const fs::path work = fs::temp_directory_path() / ("phasewise-bench-decompose-" + std::to_string(::getpid()));
  fs::create_directories(work);
  std::error_code ec;
  core::LibraryFitSettings guided;
  guided.width_by_residual = arguments.integer("width-by-residual", guided.width_by_residual ? 1 : 0, 0, 1) == 1;
  // Every method, and scikit-learn's BLAS/OpenMP pools, on the same count (default: the cores).
  const unsigned threads =
      core::workerThreads(static_cast<unsigned>(arguments.integer("threads", static_cast<int>(0), 0, 1024)));
  guided.threads = threads;
  const int repeats = static_cast<int>(arguments.integer("repeats", 1, 1, 20));
  for (const auto& [folder, k] : {std::pair<fs::path, int>{data / "drnets/Al-Li-Fe", 6},
                                  std::pair<fs::path, int>{data / "synthetic-spreads/Fe-Ni-Cu", 4}}) {
    if (fs::exists(folder / "XRD.npy", ec))
      truthSet(context, folder, k, work, guided, threads, repeats);
    else
      std::cout << folder.filename().string() << " skipped: no " << folder.string() << " (use --data)\n";
  }
  if (fs::exists(data / "drnets/Bi-Cu-V-307/XRD.npy", ec))
    biCuV(context, data, work, static_cast<int>(arguments.integer("bicuv-phases", static_cast<int>(13), 1, 24)));
  if (!arguments.flag("skip-large")) {
    const auto samples = static_cast<std::size_t>(arguments.integer("samples", 5000, 1, 10000000));
    const auto points = static_cast<std::size_t>(arguments.integer("points", 4000, 2, 1000000));
    atScale(context, work, samples, points, arguments.integer("large-phases", 12, 1, 24));
    libraryGuidedAtScale(context, work, samples, points,
                         static_cast<std::size_t>(arguments.integer("large-cards", 50, 4, 2000)));
  }
  fs::remove_all(work, ec);
  return 0;
}

}  // namespace phasewise::cli
