#pragma once
// An RGB raster for figures written without Qt (the CLI and core must not need it): filled
// rectangles, magnified images with a colour map, text through a Font, PNG output with
// stb_image_write (libstb-dev), written atomically.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "digits/font.h"

namespace phasewise::core {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = {255, 255, 255});

  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] Rgb at(int x, int y) const;

  void fill(int x, int y, int w, int h, Rgb colour);  // clipped
  // An image of `columns` x `rows` values, each value a zoom x zoom block coloured by `map`.
  template <typename Map>
  void image(int x, int y, const float* values, int columns, int rows, int zoom, Map map) {
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) fill(x + c * zoom, y + r * zoom, zoom, zoom, map(values[r * columns + c]));
  }
  void frame(int x, int y, int w, int h, Rgb colour);  // one-pixel outline
  // Text with its top-left at (x, y); returns its width.
  int text(const Font& font, int x, int y, const std::string& text, float pixel_height, Rgb colour);

  // Throws Error when the file cannot be written.
  void savePng(const std::filesystem::path& file) const;

 private:
  int width_, height_;
  std::vector<std::uint8_t> rgb_;
};

// Ink on paper: 0 -> white, 1 -> black (values clamped to [0, 1]).
Rgb inkColour(float value);
// Signed change: added ink red, removed ink blue, no change white; |value| >= 1 is full colour.
Rgb changeColour(float value);

}  // namespace phasewise::core
