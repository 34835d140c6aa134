// `phasewise-bench identify`: every phase in real powder mixtures (the dara precursor
// mixtures: PANalytical XRDML scans whose file names give the precursors and their weight
// fractions) against the 45 shared CIFs. Per file: the precursors present in the library
// that were named (recall), phases named that are not in the sample (false positives, with
// their confidence), the unexplained share where a precursor is missing from the library, and
// the weight-fraction error where every precursor is in it; 8-min scans and 2-min scans.
// With --classifier C.pt, the closed-set classifier's top-1 on the same scans beside its
// open-set score: how often a phase absent from the sample is named, at what probability, and
// how often "unknown" stands in its place. With --chemistry, each file's fit tries only the
// candidates made of its precursors' elements (and light non-metals), as a chemist would ask.

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "arguments.h"
#include "bench_commands.h"
#include "bench_mixtures.h"
#include "bench_support.h"
#include "decompose/phase_identification.h"
#include "io/registry.h"
#include "learn/classifier.h"
#include "phase_sources/phase_sources.h"
#include "simulate/formula.h"
#include "simulate/reference_render.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
namespace fs = std::filesystem;

struct Tally {
  int present_in_library = 0, named = 0, files = 0;
  int false_positives = 0, confident_false_positives = 0;
  double missing_unexplained = 0;
  int missing_files = 0, missing_flagged = 0;
  double weight_error = 0;
  int weight_count = 0;
  // Files where a precursor is missing but every phase named is a true one (two or more):
  // the named phases' weight fractions against the truth renormalised over them.
  double relative_weight_error = 0;
  int relative_weight_count = 0;
};
struct ClassifierTally {
  int files = 0, right = 0, right_unknown = 0, wrong = 0, wrong_unknown = 0;
  int confident_wrong = 0, confident_wrong_named = 0;  // at p >= 0.9: all, and not "unknown"
};

// The classifier's top-1 per file: right when the phase is one of the sample's precursors.
void benchClassifier(const fs::path& path, const core::PhaseLibrary& phases, const std::vector<fs::path>& files,
                     const CommandContext& context) {
  const core::PhaseClassifier classifier = core::PhaseClassifier::load(path);
  if (!classifier.hasOpenSetScore())
    throw core::Error(path.string() + " has no open-set reference (train it again with this version)");
  std::cout << "\nClassifier " << path.string() << " (" << classifier.phaseNames().size()
            << " phases): top-1, probability, typicality; \"unknown\" below typicality " << std::setprecision(2)
            << core::Prediction::kUnknownBelow << "\n";
  std::map<std::string, ClassifierTally> tallies;
  for (const fs::path& file : files) {
    const Mixture mix = parseMixture(file.string());
    const core::Library lib = context.registry.read(file.string()).library;
    const core::Prediction p = classifier.predict(classifier.prepare(lib.axis, lib.pattern(0)), 1).at(0);
    const std::string& name = classifier.phaseNames()[static_cast<std::size_t>(p.top[0])];
    const std::string card = fs::path(phases.phases[phases.indexOf(name)].source).filename().string();
    const bool right = mix.weight.count(precursorOf(card)) > 0, unknown = p.unknown();
    ClassifierTally& t = tallies[mix.scan];
    ++t.files;
    (right ? t.right : t.wrong) += 1;
    (right ? t.right_unknown : t.wrong_unknown) += unknown;
    if (!right && p.probability[0] >= 0.9) {
      ++t.confident_wrong;
      t.confident_wrong_named += !unknown;
    }
    std::cout << file.filename().string() << ": " << (unknown ? "unknown (" : "") << formulaOf(card)
              << (right ? "" : "(x)") << " " << std::setprecision(3) << p.probability[0] << " typicality "
              << *p.typicality << (unknown ? ")" : "") << "\n";
  }
  for (const auto& [scan, t] : tallies)
    std::cout << scan << " scans (" << t.files << "), classifier: top-1 a true precursor in " << t.right
              << " (of which \"unknown\": " << t.right_unknown << "), a phase absent from the sample in " << t.wrong
              << " (\"unknown\": " << t.wrong_unknown << "); absent phases at p >= 0.9: " << t.confident_wrong
              << ", of which still named: " << t.confident_wrong_named << "\n";
}
}  // namespace

int runBenchIdentify(const CommandContext& context, const Arguments& arguments) {
  const fs::path data = arguments.value("data").value_or("../shared/data");
  const fs::path folder = data / "dara-powder/precursor_mixture", cifs = data / "cif";
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw core::Error("needs " + folder.string() + " (use --data)");
  const core::PhaseLibrary phases = plugins::collectPhases({cifs}, {}).library;
  std::set<std::string> library_formulas;
  for (const auto& p : phases.phases)
    if (const std::string precursor = precursorOf(fs::path(p.source).filename().string()); !precursor.empty())
      library_formulas.insert(precursor);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().extension() == ".xrdml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  core::PhaseIdentificationSettings settings;
  settings.fit.max_strain = arguments.number("max-strain", settings.fit.max_strain);
  settings.fit.min_gain = arguments.number("min-gain", settings.fit.min_gain);
  settings.fit.min_support = arguments.number("min-support", settings.fit.min_support);
  settings.fit.max_chance = arguments.number("max-chance", settings.fit.max_chance);
  settings.fit.screened =
      static_cast<std::size_t>(arguments.integer("screened", static_cast<int>(settings.fit.screened), 0, 100000));
  settings.fit.step_candidates = arguments.integer("step-candidates", settings.fit.step_candidates, 1, 1000);
  settings.max_phases = arguments.integer("max-phases", settings.max_phases, 1, 12);
  settings.fit.envelope_background =
      arguments.integer("envelope-background", settings.fit.envelope_background ? 1 : 0, 0, 1) == 1;
  settings.fit.width_by_residual =
      arguments.integer("width-by-residual", settings.fit.width_by_residual ? 1 : 0, 0, 1) == 1;
  // The chemist's knowledge of what was weighed in: each file's precursor elements.
  const bool chemistry = arguments.flag("chemistry");
  // The scans are Cu K-alpha1 + K-alpha2 (the files say so): the candidates carry the doublet.
  const std::string radiation = arguments.value("radiation").value_or("Cu");
  std::map<std::string, Tally> tallies;
  std::map<std::vector<double>, core::ReferencePatterns> rendered;
  std::cout << std::fixed << "Library: " << phases.size() << " CIFs of " << cifs.string() << "\n";
  for (const auto& [formula, polymorph] : kPrecursorPolymorph)
    std::cout << "The " << formula << " of the mixtures is " << polymorph << ": "
              << (library_formulas.count(formula) ? "in" : "not in") << " the library\n";
  for (const fs::path& file : files) {
    const Mixture mix = parseMixture(file.string());
    const core::Library lib = context.registry.read(file.string()).library;
    auto it = rendered.find(lib.axis.values);
    if (it == rendered.end())
      it = rendered.emplace(lib.axis.values, core::renderReferencesFor(phases, lib.axis, radiation)).first;
    settings.elements.clear();
    if (chemistry)
      for (const auto& [formula, w] : mix.weight)
        for (const auto& [element, count] : core::parseFormula(formula)) settings.elements.push_back(element);
    const core::PatternIdentification r = core::identifyPhases(lib.axis, lib.pattern(0), it->second, settings);
    Tally& t = tallies[mix.scan];
    ++t.files;
    std::map<std::string, double> found_weight;
    std::cout << file.filename().string() << ":";
    bool all_in = true;
    for (const auto& [formula, w] : mix.weight) all_in = all_in && library_formulas.count(formula);
    for (const core::IdentifiedPhase& p : r.phases) {
      const std::string card =
          fs::path(phases.phases[static_cast<std::size_t>(p.reference)].source).filename().string();
      const std::string formula = precursorOf(card).empty() ? formulaOf(card) + " (" + card + ")" : formulaOf(card);
      found_weight[formula] += p.weight_fraction.value_or(0.0);
      const bool right = mix.weight.count(formula) > 0;
      std::cout << " " << formula << (right ? "" : "(x)") << " " << std::setprecision(2) << p.confidence << "/"
                << p.support << "/" << std::setprecision(4) << p.chance;
      if (p.weight_fraction) std::cout << " (" << std::setprecision(0) << 100 * *p.weight_fraction << " wt %)";
      if (!right) {
        ++t.false_positives;
        t.confident_false_positives += p.confidence >= 0.9;
      }
    }
    for (const auto& [formula, w] : mix.weight) {
      if (!library_formulas.count(formula)) continue;
      ++t.present_in_library;
      t.named += found_weight.count(formula) > 0;
      if (all_in) {
        t.weight_error += std::abs(found_weight[formula] - w);
        ++t.weight_count;
      }
    }
    bool only_true = found_weight.size() >= 2;
    double true_total = 0;
    for (const auto& [formula, w] : found_weight) {
      only_true = only_true && mix.weight.count(formula);
      if (mix.weight.count(formula)) true_total += mix.weight.at(formula);
    }
    if (!all_in && only_true && true_total > 0) {
      for (const auto& [formula, w] : found_weight) {
        t.relative_weight_error += std::abs(w - mix.weight.at(formula) / true_total);
        ++t.relative_weight_count;
      }
    }
    if (!all_in) {
      ++t.missing_files;
      t.missing_unexplained += r.unexplained_share;
      t.missing_flagged += r.unexplained_share > 0.10;
    }
    std::cout << "; unexplained " << std::setprecision(1) << 100 * r.unexplained_share << " %"
              << (all_in ? "" : " (a precursor is not in the library)") << "\n";
  }
  if (const auto path = arguments.value("classifier")) benchClassifier(*path, phases, files, context);
  for (const auto& [scan, t] : tallies) {
    std::cout << scan << " scans (" << t.files << "): recall " << std::setprecision(1)
              << 100.0 * t.named / std::max(1, t.present_in_library) << " % (" << t.named << " of "
              << t.present_in_library << " precursors in the library), false positives " << t.false_positives
              << " (at confidence >= 0.9: " << t.confident_false_positives << "), unexplained where a precursor is "
              << "missing: mean " << 100.0 * t.missing_unexplained / std::max(1, t.missing_files) << " %, > 10 % in "
              << t.missing_flagged << " of " << t.missing_files << " files, weight-fraction error (all precursors "
              << "in the library) " << 100.0 * t.weight_error / std::max(1, t.weight_count) << " wt % over "
              << t.weight_count << " phases; where a precursor is missing and only true phases were named, their "
              << "weight fractions against the truth renormalised over them: "
              << 100.0 * t.relative_weight_error / std::max(1, t.relative_weight_count) << " wt % over "
              << t.relative_weight_count << " phases\n";
  }
  core::LibraryFitSettings as_library;
  as_library.width_by_residual = settings.fit.width_by_residual;
  benchMixturesAsLibrary(context, files, phases, library_formulas, radiation, as_library);
  return 0;
}

}  // namespace phasewise::cli
