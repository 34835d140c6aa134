#pragma once
// The ideal set of the digits demonstration: typeset digits 0-9 from several fonts, with small
// random affine jitter, rendered the way the UCI optdigits set was made from handwriting: a
// 32 x 32 binary bitmap of the digit (height-normalised, centred), then the ink counted in
// 4 x 4 blocks, giving 8 x 8 images of 0..16 (stored divided by 16).

#include <cstdint>
#include <vector>

#include "digits/font.h"
#include "learn/image_classifier.h"

namespace phasewise::core {

struct TypesetJitter {
  double max_rotation_degrees = 8;
  double min_slant = -0.1, max_slant = 0.3;         // shear x += slant * y (handwriting leans right)
  double min_height = 0.78, max_height = 1.0;       // of the 32-pixel box
  double min_aspect = 0.8, max_aspect = 1.25;       // extra horizontal scale
  double max_shift = 1.5;                           // pixels of the 32 x 32 bitmap
  double min_threshold = 0.3, max_threshold = 0.6;  // coverage that counts as ink
  double thicken_probability = 0.4;                 // grow the strokes by one bitmap pixel
  // A smooth random displacement (pixels of the 32 x 32 bitmap, wavelength about 16 pixels):
  // the uneven strokes of handwriting, which no affine map gives (elastic distortion).
  double elastic = 1.5;
  static TypesetJitter none();  // the plain, centred, upright glyph
};

// Renders `per_face` jittered copies of each digit 0-9 in each font; labels are the digits.
// Image order: face, then digit, then copy. Deterministic for a seed.
[[nodiscard]] LabelledImages renderTypesetDigits(const std::vector<Font>& fonts, int per_face,
                                                 const TypesetJitter& jitter, std::uint64_t seed);

// One digit from one glyph: the 32 x 32 binary bitmap (row-major, 0/1) before block counting.
[[nodiscard]] std::vector<std::uint8_t> digitBitmap32(const GlyphBitmap& glyph, const TypesetJitter& jitter,
                                                      std::uint64_t seed);
// Counts ink in 4 x 4 blocks: 32 x 32 binary -> 8 x 8 values 0..16, divided by 16.
[[nodiscard]] std::vector<float> blockCount8(const std::vector<std::uint8_t>& bitmap32);

}  // namespace phasewise::core
