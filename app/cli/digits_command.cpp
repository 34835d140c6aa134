// `phasewise-cli digits`: the seed paper's second application. A classifier trained on typeset
// digits only, and the handwritten digits refined by the same refiner as the XRD phases.

#include <cstdlib>
#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "digits/digits_experiment.h"
#include "terminal_progress.h"
#include "util/error.h"
#include "util/text.h"

#ifndef PHASEWISE_SOURCE_DIR
#define PHASEWISE_SOURCE_DIR "."
#endif

namespace phasewise::cli {
namespace {
// The handwritten set: --data, else $PHASEWISE_DATA_DIR/digits, else ../shared/data/digits beside
// the working folder or the source tree (where the project's shared data lives).
std::filesystem::path findDigits(const Arguments& arguments) {
  if (const auto data = arguments.value("data")) return *data;
  std::vector<std::filesystem::path> candidates;
  if (const char* dir = std::getenv("PHASEWISE_DATA_DIR")) candidates.push_back(std::filesystem::path(dir) / "digits");
  candidates.push_back(std::filesystem::current_path() / "../shared/data/digits");
  candidates.push_back(std::filesystem::path(PHASEWISE_SOURCE_DIR) / "../shared/data/digits");
  std::error_code ec;
  for (const auto& folder : candidates)
    if (std::filesystem::is_regular_file(folder / "digits.csv.gz", ec)) return folder / "digits.csv.gz";
  throw UsageError("cannot find the handwritten digits (digits.csv.gz); give it with --data FILE");
}
}  // namespace

int runDigits(const CommandContext& context) {
  const std::set<std::string> options = {"out",     "o",      "data",     "fonts",   "lambdas",
                                         "steps",   "limit",  "per-face", "epochs",  "seed",
                                         "threads", "device", "retarget", "columns", "learning-rate"};
  const Arguments arguments(context.words, options, {"help", "quiet", "any-font"});
  const auto out = arguments.value("out") ? arguments.value("out") : arguments.value("o");
  if (arguments.flag("help") || !out || !arguments.positional().empty()) {
    std::cout << R"(usage: phasewise-cli digits --out DIR [options]
Trains a classifier on typeset digits (DejaVu, Liberation, FreeFont; jittered), applies it to the
UCI handwritten digits, refines them (non-targeted; targeted to the human label, to the next
digit, and FROM -> TO), prints the figures and writes PNG grids and digits-summary.tsv into DIR.
  --data FILE             digits.csv.gz (default: found in ../shared/data/digits)
  --fonts DIR             look for the fonts in DIR (with --any-font: every .ttf in DIR)
  --lambdas 3,30,300      weights of the change (larger = smaller changes)
  --retarget 2:7          the different-digit example (default 2:7, as in the seed paper)
  --steps 100             optimiser steps per refinement; --learning-rate 0.02
  --limit N               refine only the first N handwritten digits (default: all 1797)
  --per-face 120          typeset training images per face and digit; --epochs 12
  --columns 12            digits per figure; --seed 1; --threads 0 (all); --device cpu|cuda
)";
    return arguments.flag("help") ? 0 : 2;
  }
  core::DigitsSettings s;
  s.handwritten = findDigits(arguments);
  if (const auto fonts = arguments.value("fonts")) s.font_folders = {*fonts};
  s.any_font_in_folders = arguments.flag("any-font");
  if (const auto lambdas = arguments.value("lambdas")) s.lambdas = parseNumberList(*lambdas, "--lambdas");
  s.steps = static_cast<int>(arguments.integer("steps", static_cast<int>(s.steps), 1, 100000));
  s.learning_rate = arguments.number("learning-rate", s.learning_rate);
  if (!(s.learning_rate > 0 && s.learning_rate <= 10))
    throw UsageError("--learning-rate expects a number above 0 and at most 10");
  s.limit = static_cast<std::size_t>(arguments.integer("limit", static_cast<int>(0), 0, 100000000));
  s.per_face = static_cast<int>(arguments.integer("per-face", static_cast<int>(s.per_face), 1, 10000));
  s.validation_per_face = std::max(3, s.per_face / 8);
  s.classifier.epochs = static_cast<int>(arguments.integer("epochs", static_cast<int>(s.classifier.epochs), 1, 10000));
  s.classifier.seed = static_cast<std::uint64_t>(arguments.integer("seed", static_cast<int>(1), 0, 2147483647));
  s.classifier.threads = static_cast<unsigned>(arguments.integer("threads", static_cast<int>(0), 0, 1024));
  s.classifier.device = arguments.device();
  s.grid_columns = static_cast<int>(arguments.integer("columns", static_cast<int>(s.grid_columns), 1, 100));
  if (const auto retarget = arguments.value("retarget")) {
    const auto colon = retarget->find(':');
    double from = -1, to = -1;
    if (colon == std::string::npos || !core::parseNumber(std::string_view(*retarget).substr(0, colon), from) ||
        !core::parseNumber(std::string_view(*retarget).substr(colon + 1), to))
      throw UsageError("--retarget expects FROM:TO digits, e.g. 2:7");
    s.from_digit = static_cast<int>(from);
    s.to_digit = static_cast<int>(to);
  }
  const core::DigitsReport r = [&] {
    TerminalProgress progress(arguments.flag("quiet"));
    return core::runDigitsExperiment(s, *out, progress.callback());
  }();
  std::cout << std::fixed << std::setprecision(1);
  std::cout << "typeset digits: " << r.typeset_images << " images from " << r.fonts.size()
            << " faces; classifier validation accuracy (typeset) " << 100 * r.typeset_validation_accuracy << " %, "
            << r.training.epochs_run << " epochs, " << r.training.seconds << " s\n";
  std::cout << "handwritten digits: " << r.handwritten_images << "; accuracy before refinement: top-1 "
            << 100 * r.handwritten_accuracy << " %, top-3 " << 100 * r.handwritten_top3 << " %\n\n";
  std::cout << "mode               lambda  digits   before %   after %   mean change %\n";
  for (const core::DigitsModeResult& m : r.results)
    std::cout << std::left << std::setw(17) << m.mode << std::right << std::setw(8) << std::setprecision(2) << m.lambda
              << std::setw(8) << m.images << std::setprecision(1) << std::setw(11) << 100 * m.success_before
              << std::setw(10) << 100 * m.success << std::setw(16) << 100 * m.mean_relative_change << "\n";
  std::cout << "(entropy: accuracy against the human labels; targeted modes: share assigned to the target)\n";
  std::cout << "refinement: " << r.refine_seconds << " s; figures and digits-summary.tsv in " << *out << "\n";
  return 0;
}

}  // namespace phasewise::cli
