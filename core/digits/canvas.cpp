#include "digits/canvas.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::core {

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  if (width < 1 || height < 1 || width > 1 << 14 || height > 1 << 14)
    throw Error("a figure must be 1 to 16384 pixels wide and high");
  rgb_.resize(static_cast<std::size_t>(width) * height * 3);
  fill(0, 0, width, height, background);
}

Rgb Canvas::at(int x, int y) const {
  const std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void Canvas::fill(int x, int y, int w, int h, Rgb colour) {
  const int x0 = std::max(0, x), y0 = std::max(0, y), x1 = std::min(width_, x + w), y1 = std::min(height_, y + h);
  for (int yy = y0; yy < y1; ++yy)
    for (int xx = x0; xx < x1; ++xx) {
      std::uint8_t* p = &rgb_[(static_cast<std::size_t>(yy) * width_ + xx) * 3];
      p[0] = colour.r;
      p[1] = colour.g;
      p[2] = colour.b;
    }
}

void Canvas::frame(int x, int y, int w, int h, Rgb colour) {
  fill(x, y, w, 1, colour);
  fill(x, y + h - 1, w, 1, colour);
  fill(x, y, 1, h, colour);
  fill(x + w - 1, y, 1, h, colour);
}

int Canvas::text(const Font& font, int x, int y, const std::string& text, float pixel_height, Rgb colour) {
  const std::uint8_t rgb[3] = {colour.r, colour.g, colour.b};
  return font.drawText(rgb_, width_, height_, x, y, text, pixel_height, rgb);
}

void Canvas::savePng(const std::filesystem::path& file) const {
  std::vector<char> png;
  auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<char>*>(context);
    out->insert(out->end(), static_cast<char*>(data), static_cast<char*>(data) + size);
  };
  if (stbi_write_png_to_func(append, &png, width_, height_, 3, rgb_.data(), width_ * 3) == 0)
    throw Error("could not encode the figure " + file.string() + " as PNG");
  writeStreamAtomically(
      file, [&](std::ostream& out) { out.write(png.data(), static_cast<std::streamsize>(png.size())); }, true);
}

Rgb inkColour(float value) {
  const auto v = static_cast<std::uint8_t>(std::lround(255.0F * (1.0F - std::clamp(value, 0.0F, 1.0F))));
  return {v, v, v};
}

Rgb changeColour(float value) {
  const float a = std::clamp(std::abs(value), 0.0F, 1.0F);
  const auto fade = static_cast<std::uint8_t>(std::lround(255.0F * (1.0F - a)));
  return value >= 0 ? Rgb{255, fade, fade} : Rgb{fade, fade, 255};
}

}  // namespace phasewise::core
