#pragma once
// The imperfect set of the digits demonstration: the UCI "Optical Recognition of Handwritten
// Digits" images as scikit-learn ships them (digits.csv.gz: one image per line, 64 pixel
// counts 0..16 in row-major order, then the label 0..9; gzip'd or plain).

#include <filesystem>

#include "learn/image_classifier.h"

namespace phasewise::core {

// 8 x 8 images scaled to [0, 1] (count / 16). Throws FormatError naming the line and field of
// anything else: a wrong number of values, a pixel outside 0..16, a label outside 0..9.
[[nodiscard]] LabelledImages readOptdigits(const std::filesystem::path& file);

}  // namespace phasewise::core
