#pragma once
// The seed paper's second application, end to end: a classifier trained only on typeset
// digits (the ideal set), applied to handwritten digits (the imperfect set), and imitation
// refinement of the handwritten digits with the same refiner and losses as the XRD phases:
// non-targeted (entropy), targeted to the human label, and targeted to a different digit.

#include <filesystem>
#include <string>
#include <vector>

#include "learn/image_classifier.h"
#include "learn/refiner.h"
#include "util/progress.h"

namespace phasewise::core {

struct DigitsSettings {
  std::filesystem::path handwritten;                // digits.csv.gz (UCI optdigits as scikit-learn ships it)
  std::vector<std::filesystem::path> font_folders;  // empty: Debian's DejaVu, Liberation, FreeFont
  bool any_font_in_folders = false;                 // every .ttf there, not the chosen faces
  std::size_t limit = 0;                            // refine only the first N handwritten digits (0: all)
  int per_face = 120;                               // typeset training images per face and digit
  int validation_per_face = 15;
  ImageClassifierSettings classifier;
  std::vector<double> lambdas = {3, 30, 300};
  int steps = 100;
  double learning_rate = 0.02;
  bool sparse_changes = true;        // L1 change as a proximal step (RefinementSettings::sparse_changes)
  int from_digit = 2, to_digit = 7;  // the seed's "2 -> 7" example
  int grid_columns = 12;
  DigitsSettings();
};

// One refinement mode at one lambda.
struct DigitsModeResult {
  std::string mode;  // entropy, to-label, to-next-digit, 2-to-7
  double lambda = 0;
  std::size_t images = 0;
  double success = 0;         // entropy: accuracy against the human labels; targeted: share assigned to the target
  double success_before = 0;  // the same share before refinement
  double mean_relative_change = 0;  // sum |R(x) - x| / sum |x|, averaged over images
  std::filesystem::path figure;
};

struct DigitsReport {
  std::vector<std::string> fonts;
  std::size_t typeset_images = 0, handwritten_images = 0;
  TrainingReport training;
  double typeset_validation_accuracy = 0;
  double handwritten_accuracy = 0;  // before refinement, top-1 against the human labels
  double handwritten_top3 = 0;
  std::vector<DigitsModeResult> results;  // lambda-major, in DigitsSettings::lambdas order
  std::vector<std::filesystem::path> sample_figures;
  double refine_seconds = 0;
};

// Trains, refines and writes the figures (PNG) and a summary (digits-summary.tsv) into
// `out_folder`. Throws Error/FormatError for missing fonts or a bad digits file, and
// CancelledError when progress says stop (figures written so far stay).
[[nodiscard]] DigitsReport runDigitsExperiment(const DigitsSettings& settings, const std::filesystem::path& out_folder,
                                               const ProgressCallback& progress = nullptr);

}  // namespace phasewise::core
