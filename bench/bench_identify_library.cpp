// `phasewise-bench identify`, the library part: the same real mixtures opened the way a new
// user would open a batch of scans, as one library (a folder of the files with a composition
// table: each sample's metal atomic fractions, from what was weighed in), and decomposed with
// the reference phases at the defaults of `decompose LIB --phases-from PHASES`. Scored per
// file like the single-pattern analysis: precursors in the library named, phases named that
// are not in the sample, free components, weight fractions where every precursor is known.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "bench_commands.h"
#include "bench_mixtures.h"
#include "bench_support.h"
#include "decompose/library_fit.h"
#include "io/registry.h"
#include "simulate/formula.h"
#include "simulate/reference_render.h"
#include "util/error.h"

namespace phasewise::cli {
namespace {
namespace fs = std::filesystem;

// Metal atomic fractions of a mixture (anions and carbonate/hydroxide atoms left out, as a
// spread's composition names its cations).
std::map<std::string, double> metalFractions(const Mixture& mix) {
  static const std::set<std::string> kAnions = {"O", "C", "H", "N"};
  std::map<std::string, double> atoms;
  for (const auto& [formula, weight] : mix.weight) {
    const std::map<std::string, double> f = core::parseFormula(formula);
    const double mass = core::formulaMass(f);
    for (const auto& [element, count] : f)
      if (!kAnions.count(element)) atoms[element] += weight / mass * count;
  }
  return core::atomicFractions(atoms);
}

// A folder the folder reader takes: links to the scans and composition.csv.
fs::path writeLibraryFolder(const std::vector<fs::path>& files, const fs::path& folder) {
  fs::remove_all(folder);
  fs::create_directories(folder);
  std::set<std::string> elements;
  std::vector<std::map<std::string, double>> compositions;
  for (const fs::path& file : files) {
    fs::create_symlink(fs::absolute(file), folder / file.filename());
    compositions.push_back(metalFractions(parseMixture(file.string())));
    for (const auto& [element, x] : compositions.back()) elements.insert(element);
  }
  std::ofstream csv(folder / "composition.csv");
  csv << "file";
  for (const std::string& e : elements) csv << "," << e;
  csv << "\n" << std::fixed << std::setprecision(5);
  for (std::size_t i = 0; i < files.size(); ++i) {
    csv << files[i].filename().string();
    for (const std::string& e : elements) csv << "," << (compositions[i].count(e) ? compositions[i].at(e) : 0.0);
    csv << "\n";
  }
  return folder;
}

struct LibraryTally {
  int present_in_library = 0, named = 0, false_positives = 0, free_phases = 0;
  double weight_error = 0;
  int weight_count = 0;
};

// One sample's phases (fraction above 1 %), scored against its file name.
void scoreSample(const core::DecompositionResult& r, std::size_t s, const core::PhaseLibrary& phases,
                 const std::set<std::string>& library_formulas, const Mixture& mix, const std::string& file,
                 LibraryTally& t) {
  const auto k = static_cast<std::size_t>(r.phases);
  std::map<std::string, double> found_weight;
  bool all_in = true;
  for (const auto& [formula, w] : mix.weight) all_in = all_in && library_formulas.count(formula);
  std::cout << "  " << file << ":";
  for (std::size_t p = 0; p < k; ++p) {
    const float f = r.fraction(s, static_cast<int>(p));
    if (f <= 0.01F) continue;
    const std::string& name = r.phase_names[p];
    if (name.rfind("free", 0) == 0) {
      ++t.free_phases;
      std::cout << " " << name << " " << std::setprecision(2) << f;
      continue;
    }
    const std::string card = fs::path(phases.phases[phases.indexOf(name)].source).filename().string();
    const std::string formula = precursorOf(card).empty() ? formulaOf(card) + " (" + card + ")" : formulaOf(card);
    const bool right = mix.weight.count(formula) > 0;
    t.false_positives += !right;
    found_weight[formula] += r.weight_fractions.empty() ? 0.0 : r.weight_fractions[s * k + p];
    std::cout << " " << formula << (right ? "" : "(x)") << " " << std::setprecision(2) << f;
  }
  std::cout << "\n";
  for (const auto& [formula, w] : mix.weight) {
    if (!library_formulas.count(formula)) continue;
    ++t.present_in_library;
    t.named += found_weight.count(formula) > 0;
    if (all_in && !r.weight_fractions.empty()) {
      t.weight_error += std::abs(found_weight[formula] - w);
      ++t.weight_count;
    }
  }
}
}  // namespace

void benchMixturesAsLibrary(const CommandContext& context, const std::vector<fs::path>& files,
                            const core::PhaseLibrary& phases, const std::set<std::string>& library_formulas,
                            const std::string& radiation, const core::LibraryFitSettings& defaults) {
  std::map<std::string, std::vector<fs::path>> by_scan;
  for (const fs::path& file : files) by_scan[parseMixture(file.string()).scan].push_back(file);
  const fs::path work = fs::temp_directory_path() / ("phasewise-bench-mixtures-" + std::to_string(::getpid()));
  std::cout << "\nThe same scans as one library (a folder with a composition table), decompose --phases-from "
               "at its defaults; per file the phases above 1 % of the intensity:\n";
  for (const auto& [scan, scan_files] : by_scan) {
    const core::Library lib = context.registry.read(writeLibraryFolder(scan_files, work / scan).string()).library;
    core::LibraryFitSettings settings = defaults;
    settings.threads = 2;
    const core::LibraryDecomposition fit =
        core::decomposeWithLibrary(lib, core::renderReferencesFor(phases, lib.axis, radiation), settings);
    const core::DecompositionResult& r = fit.result;
    LibraryTally t;
    for (std::size_t s = 0; s < lib.samples; ++s) {
      const std::string file = fs::path(lib.provenance.at(s).file).filename().string();
      scoreSample(r, s, phases, library_formulas, parseMixture(file), file, t);
    }
    std::cout << scan << " scans as one library (" << lib.samples << " samples, " << r.phases << " phases): recall "
              << std::setprecision(1) << 100.0 * t.named / std::max(1, t.present_in_library) << " % (" << t.named
              << " of " << t.present_in_library << "), false positives " << t.false_positives
              << ", free components drawn " << t.free_phases << " times, weight-fraction error (all precursors in the "
              << "library) " << 100.0 * t.weight_error / std::max(1, t.weight_count) << " wt % over " << t.weight_count
              << " phases\n";
  }
  fs::remove_all(work);
}

}  // namespace phasewise::cli
