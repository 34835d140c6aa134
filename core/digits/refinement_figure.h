#pragma once
// The digits demonstration's figures: for each refined digit a column of original, refined
// and change (red: ink added, blue: ink removed), with the classifier's top guess and
// probability under the original and the refined image; and sample sheets of image sets.

#include <filesystem>
#include <string>
#include <vector>

#include "digits/font.h"
#include "learn/refinable_classifier.h"

namespace phasewise::core {

struct FigureColumn {
  std::vector<float> original, refined;  // height x width, values in [0, 1]
  int label = -1;                        // the human label
  int target = -1;                       // the refinement's target, -1 when non-targeted
  Prediction before, after;
  double relative_change = 0;
};

void writeRefinementFigure(const std::filesystem::path& file, const Font& font, const std::string& title,
                           const std::string& subtitle, const std::vector<FigureColumn>& columns, int height,
                           int width);

// Rows of images (each row: a name and its images, height x width each).
struct SampleRow {
  std::string name;
  std::vector<std::vector<float>> images;
};
void writeSampleSheet(const std::filesystem::path& file, const Font& font, const std::string& title,
                      const std::vector<SampleRow>& rows, int height, int width);

}  // namespace phasewise::core
