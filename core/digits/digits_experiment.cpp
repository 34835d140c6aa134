#include "digits/digits_experiment.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "digits/handwritten_digits.h"
#include "digits/refinement_figure.h"
#include "digits/typeset_digits.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
std::string lambdaText(double lambda) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", lambda);
  return text;
}

std::vector<float> imageOf(const LabelledImages& set, std::size_t i) {
  return {set.image(i), set.image(i) + set.imageSize()};
}

LabelledImages firstImages(const LabelledImages& set, std::size_t limit) {
  if (limit == 0 || limit >= set.count()) return set;
  LabelledImages out;
  out.height = set.height;
  out.width = set.width;
  out.pixels.assign(set.pixels.begin(), set.pixels.begin() + static_cast<std::ptrdiff_t>(limit * set.imageSize()));
  out.labels.assign(set.labels.begin(), set.labels.begin() + static_cast<std::ptrdiff_t>(limit));
  return out;
}

// The digits a figure shows for a mode, as positions among the refined ones (`labels` and
// `refined` alike); chosen by a fixed rule, never by how well they refine.
std::vector<std::size_t> figureDigits(const std::string& mode, const std::vector<int>& labels,
                                      const std::vector<RefinedPattern>& refined, std::size_t columns) {
  std::vector<std::size_t> all(labels.size()), chosen;
  std::iota(all.begin(), all.end(), 0);
  if (mode == "entropy") {  // the most ambiguous digits
    chosen = all;
    std::stable_sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) {
      return refined[a].before.entropy > refined[b].before.entropy;
    });
  } else if (mode == "to-label") {  // the first digits the classifier gets wrong
    for (std::size_t i : all)
      if (refined[i].before.top.front() != labels[i]) chosen.push_back(i);
  } else if (mode == "to-next-digit") {  // the first of each digit, then the following ones
    for (int d = 0; d < 10; ++d) {
      const auto first = std::find(labels.begin(), labels.end(), d);
      if (first != labels.end()) chosen.push_back(static_cast<std::size_t>(first - labels.begin()));
    }
    for (std::size_t i : all)
      if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  } else {  // the first digits of the "from" class
    chosen = all;
  }
  if (chosen.size() > columns) chosen.resize(columns);
  return chosen;
}

void checkSettings(const DigitsSettings& s) {
  if (s.lambdas.empty()) throw Error("give at least one lambda");
  for (double lambda : s.lambdas)
    if (!(lambda >= 0)) throw Error("lambda must be non-negative");
  if (s.from_digit < 0 || s.from_digit > 9 || s.to_digit < 0 || s.to_digit > 9 || s.from_digit == s.to_digit)
    throw Error("the retargeting example needs two different digits 0-9");
}

// Fonts first: a missing font package is the likeliest problem and the cheapest to report.
std::vector<Font> loadFonts(const DigitsSettings& s, DigitsReport& report) {
  const std::vector<FontFace> faces = findDigitFonts(s.font_folders, s.any_font_in_folders);
  if (faces.empty())
    throw Error(
        "no fonts found for the typeset digits (install fonts-dejavu-core, fonts-liberation2 and "
        "fonts-freefont-ttf, or give a folder of .ttf files)");
  std::vector<Font> fonts;
  for (const FontFace& face : faces) {
    fonts.emplace_back(face.file);
    report.fonts.push_back(face.name);
  }
  return fonts;
}

// Two jittered copies of each digit per face, and up to 20 handwritten ones per digit.
void writeSampleSheets(const DigitsSettings& s, const std::vector<Font>& fonts, const LabelledImages& typeset,
                       const LabelledImages& handwritten, const std::filesystem::path& out, DigitsReport& report) {
  const Font& text_font = fonts.front();
  std::vector<SampleRow> rows;
  for (std::size_t f = 0; f < fonts.size(); ++f) {
    SampleRow row{report.fonts[f], {}};
    for (int d = 0; d < 10; ++d)
      for (int copy = 0; copy < std::min(2, s.per_face); ++copy)
        row.images.push_back(imageOf(typeset, (f * 10 + static_cast<std::size_t>(d)) * s.per_face + copy));
    rows.push_back(std::move(row));
  }
  report.sample_figures.push_back(out / "typeset-samples.png");
  writeSampleSheet(report.sample_figures.back(), text_font,
                   "Typeset digits (the ideal set): 2 jittered copies per face", rows, 8, 8);
  rows.clear();
  for (int d = 0; d < 10; ++d) {
    SampleRow row{"handwritten " + std::to_string(d), {}};
    for (std::size_t i = 0; i < handwritten.count() && row.images.size() < 20; ++i)
      if (handwritten.labels[i] == d) row.images.push_back(imageOf(handwritten, i));
    if (!row.images.empty()) rows.push_back(std::move(row));
  }
  report.sample_figures.push_back(out / "handwritten-samples.png");
  writeSampleSheet(report.sample_figures.back(), text_font, "Handwritten digits (the imperfect set, UCI optdigits)",
                   rows, 8, 8);
}

// One refinement run (a mode at a lambda) over the handwritten digits it concerns: success
// before and after, mean change, and its figure.
struct ModeRun {
  const DigitsSettings& s;
  const ImageClassifier& classifier;
  const LabelledImages& handwritten;
  const Font& text_font;
  const std::filesystem::path& out;
  std::string from_to;  // the retargeting mode's name, "2-to-7"
};

std::string modeTitle(const std::string& mode, const DigitsSettings& s) {
  return mode == "entropy"    ? "Non-targeted refinement (entropy): the most ambiguous digits"
         : mode == "to-label" ? "Targeted to the human label: digits misread before"
         : mode == "to-next-digit"
             ? "Targeted to the next digit (d -> d+1)"
             : "Targeted to a different digit: " + std::to_string(s.from_digit) + " -> " + std::to_string(s.to_digit);
}

void writeModeFigure(const ModeRun& c, const std::string& mode, double lambda, const std::vector<std::size_t>& members,
                     const std::vector<int>& targets, const std::vector<RefinedPattern>& refined,
                     DigitsModeResult& result) {
  std::vector<int> member_labels;
  for (std::size_t i : members) member_labels.push_back(c.handwritten.labels[i]);
  std::vector<FigureColumn> columns;
  for (std::size_t k : figureDigits(mode, member_labels, refined, static_cast<std::size_t>(c.s.grid_columns))) {
    FigureColumn col;
    col.original = imageOf(c.handwritten, members[k]);
    col.refined = refined[k].pattern;
    col.label = c.handwritten.labels[members[k]];
    col.target = targets.empty() ? -1 : targets[k];
    col.before = refined[k].before;
    col.after = refined[k].after;
    col.relative_change = refined[k].relative_change;
    columns.push_back(std::move(col));
  }
  if (columns.empty()) return;
  char subtitle[256];
  const char* measure = mode == "entropy" ? "accuracy vs human labels" : "share assigned to the target";
  std::snprintf(subtitle, sizeof subtitle, "%zu digits: %s %.1f%% -> %.1f%%, mean change %.1f%% (lambda %s)",
                members.size(), measure, 100 * result.success_before, 100 * result.success,
                100 * result.mean_relative_change, lambdaText(lambda).c_str());
  result.figure = c.out / (mode + "-lambda-" + lambdaText(lambda) + ".png");
  writeRefinementFigure(result.figure, c.text_font, modeTitle(mode, c.s), subtitle, columns, 8, 8);
}

// nullopt when no digit takes part (the retargeting mode without its digit).
std::optional<DigitsModeResult> runMode(const ModeRun& c, const std::string& mode, double lambda,
                                        const ProgressCallback& progress) {
  // Which digits take part, and what each is aimed at.
  std::vector<std::size_t> members;
  std::vector<int> targets;
  for (std::size_t i = 0; i < c.handwritten.count(); ++i) {
    const int label = c.handwritten.labels[i];
    if (mode == c.from_to && label != c.s.from_digit) continue;
    members.push_back(i);
    if (mode == "to-label") targets.push_back(label);
    if (mode == "to-next-digit") targets.push_back((label + 1) % 10);
    if (mode == c.from_to) targets.push_back(c.s.to_digit);
  }
  if (members.empty()) return std::nullopt;
  std::vector<float> inputs;
  for (std::size_t i : members) inputs.insert(inputs.end(), c.handwritten.image(i), c.handwritten.image(i) + 64);
  RefinementSettings r;
  r.loss = mode == "entropy" ? EvaluationLoss::Entropy : EvaluationLoss::Targeted;
  r.lambda = lambda;
  r.steps = c.s.steps;
  r.learning_rate = c.s.learning_rate;
  r.ceiling = 1.0;  // full ink
  r.sparse_changes = c.s.sparse_changes;
  r.seed = c.s.classifier.seed;
  const std::vector<RefinedPattern> refined = refine(c.classifier, inputs, r, progress, targets);
  DigitsModeResult result;
  result.mode = mode;
  result.lambda = lambda;
  result.images = members.size();
  for (std::size_t k = 0; k < members.size(); ++k) {
    const int wanted = targets.empty() ? c.handwritten.labels[members[k]] : targets[k];
    result.success += refined[k].after.top[0] == wanted;
    result.success_before += refined[k].before.top[0] == wanted;
    result.mean_relative_change += refined[k].relative_change;
  }
  const auto n = static_cast<double>(members.size());
  result.success /= n;
  result.success_before /= n;
  result.mean_relative_change /= n;
  writeModeFigure(c, mode, lambda, members, targets, refined, result);
  return result;
}

void writeSummary(const std::filesystem::path& out, const DigitsReport& report) {
  writeStreamAtomically(out / "digits-summary.tsv", [&](std::ostream& tsv) {
    tsv << "# typeset-trained classifier on " << report.handwritten_images
        << " handwritten digits: top-1 before refinement " << report.handwritten_accuracy << "\n";
    tsv << "mode\tlambda\tdigits\tsuccess_before\tsuccess_after\tmean_relative_L1_change\tfigure\n";
    for (const DigitsModeResult& r : report.results)
      tsv << r.mode << '\t' << r.lambda << '\t' << r.images << '\t' << r.success_before << '\t' << r.success << '\t'
          << r.mean_relative_change << '\t' << r.figure.filename().string() << '\n';
  });
}
}  // namespace

DigitsSettings::DigitsSettings() {
  classifier.channels = 16;
  classifier.epochs = 12;
  classifier.patience = 3;
}

DigitsReport runDigitsExperiment(const DigitsSettings& s, const std::filesystem::path& out,
                                 const ProgressCallback& progress) {
  checkSettings(s);
  DigitsReport report;
  const std::vector<Font> fonts = loadFonts(s, report);
  const LabelledImages handwritten = firstImages(readOptdigits(s.handwritten), s.limit);
  report.handwritten_images = handwritten.count();
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error("cannot create the output folder " + out.string() + ": " + ec.message());

  reportProgress(progress, 0.0, "rendering typeset digits");
  const LabelledImages typeset = renderTypesetDigits(fonts, s.per_face, TypesetJitter{}, s.classifier.seed);
  const LabelledImages validation =
      renderTypesetDigits(fonts, s.validation_per_face, TypesetJitter{}, s.classifier.seed + 7777);
  report.typeset_images = typeset.count();
  writeSampleSheets(s, fonts, typeset, handwritten, out, report);

  std::vector<std::string> names;
  for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
  auto trainingProgress = [&](double fraction, std::string_view what) {
    return progress ? progress(0.02 + 0.28 * fraction, what) : true;
  };
  const ImageClassifier classifier =
      ImageClassifier::train(typeset, validation, names, s.classifier, &report.training, trainingProgress);
  report.typeset_validation_accuracy = report.training.best_validation_accuracy;
  const std::vector<Prediction> before = classifier.predict(handwritten.pixels, 3);
  for (std::size_t i = 0; i < handwritten.count(); ++i) {
    report.handwritten_accuracy += before[i].top[0] == handwritten.labels[i];
    report.handwritten_top3 +=
        std::find(before[i].top.begin(), before[i].top.end(), handwritten.labels[i]) != before[i].top.end();
  }
  report.handwritten_accuracy /= static_cast<double>(handwritten.count());
  report.handwritten_top3 /= static_cast<double>(handwritten.count());

  const ModeRun context{s,           classifier,
                        handwritten, fonts.front(),
                        out,         std::to_string(s.from_digit) + "-to-" + std::to_string(s.to_digit)};
  const std::vector<std::string> modes = {"entropy", "to-label", "to-next-digit", context.from_to};
  const auto started = std::chrono::steady_clock::now();
  const double runs = static_cast<double>(modes.size() * s.lambdas.size());
  int run = 0;
  for (double lambda : s.lambdas)
    for (const std::string& mode : modes) {
      const double from = 0.3 + 0.7 * run / runs, span = 0.7 / runs;
      auto refineProgress = [&](double fraction, std::string_view what) {
        return progress ? progress(from + span * fraction,
                                   std::string(what) + " (" + mode + ", lambda " + lambdaText(lambda) + ")")
                        : true;
      };
      const std::optional<DigitsModeResult> result = runMode(context, mode, lambda, refineProgress);
      if (!result) continue;
      ++run;
      report.results.push_back(*result);
    }
  report.refine_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  writeSummary(out, report);
  return report;
}

}  // namespace phasewise::core
