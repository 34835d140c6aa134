#pragma once
// A TrueType font file read with stb_truetype (libstb-dev): glyph coverage bitmaps for
// rendering typeset digits, and text for figure captions. Finding the fonts Debian installs
// (DejaVu, Liberation, FreeFont) lives here too.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace phasewise::core {

// 8-bit coverage (0 = empty, 255 = full), row-major, tight around the glyph's ink.
struct GlyphBitmap {
  int width = 0, height = 0;
  std::vector<std::uint8_t> coverage;
  [[nodiscard]] float at(int x, int y) const {
    return x < 0 || y < 0 || x >= width || y >= height ? 0.0F
                                                       : coverage[static_cast<std::size_t>(y) * width + x] / 255.0F;
  }
};

class Font {
 public:
  // Throws FormatError when the file cannot be read or is not a TrueType font.
  explicit Font(const std::filesystem::path& file);
  ~Font();
  Font(Font&&) noexcept;
  Font& operator=(Font&&) noexcept;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  // The glyph of `codepoint` with its ink `pixel_height` tall (about; the em is scaled so that
  // the font's ascent-to-descent span is that many pixels). Throws Error for a missing glyph.
  [[nodiscard]] GlyphBitmap glyph(char32_t codepoint, float pixel_height) const;

  // Draws ASCII text into an RGB canvas (width x height x 3) with its top-left corner at (x, y),
  // blending `rgb` by coverage; returns the text's width in pixels. Clips at the canvas edge.
  int drawText(std::vector<std::uint8_t>& canvas, int canvas_width, int canvas_height, int x, int y,
               const std::string& text, float pixel_height, const std::uint8_t rgb[3]) const;
  [[nodiscard]] int textWidth(const std::string& text, float pixel_height) const;

 private:
  struct Data;
  std::filesystem::path file_;
  std::unique_ptr<Data> data_;
};

struct FontFace {
  std::filesystem::path file;
  std::string name;  // e.g. "DejaVu Sans Bold"
};

// Regular and bold (and some oblique) faces of DejaVu, Liberation and FreeFont found under
// `folders` (default: Debian's /usr/share/fonts/truetype folders), in a fixed order. With
// `any_ttf`, every .ttf file in the folders instead (for a user's own font folder).
[[nodiscard]] std::vector<FontFace> findDigitFonts(const std::vector<std::filesystem::path>& folders = {},
                                                   bool any_ttf = false);

}  // namespace phasewise::core
