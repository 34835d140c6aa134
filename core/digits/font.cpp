#include "digits/font.h"

#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "util/error.h"

namespace phasewise::core {

struct Font::Data {
  std::vector<unsigned char> bytes;  // stb_truetype reads from here for the font's lifetime
  stbtt_fontinfo info{};
  float ascent_to_descent = 1;  // in font units
};

Font::Font(const std::filesystem::path& file) : file_(file), data_(std::make_unique<Data>()) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw FormatError(file.string(), 0, "", "cannot be opened");
  const std::streamoff size = in.tellg();
  if (size <= 0 || size > (std::streamoff{64} << 20)) throw FormatError(file.string(), 0, "", "is not a font file");
  data_->bytes.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(data_->bytes.data()), size))
    throw FormatError(file.string(), 0, "", "cannot be read");
  // stb_truetype trusts the tables it is given; refuse what is plainly not a TrueType/OpenType file.
  const auto& b = data_->bytes;
  const bool sfnt =
      b.size() >= 12 && ((b[0] == 0 && b[1] == 1 && b[2] == 0 && b[3] == 0) ||
                         std::equal(b.begin(), b.begin() + 4, "true") || std::equal(b.begin(), b.begin() + 4, "OTTO"));
  if (!sfnt || stbtt_InitFont(&data_->info, data_->bytes.data(), 0) == 0)
    throw FormatError(file.string(), 0, "", "is not a TrueType font");
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&data_->info, &ascent, &descent, &gap);
  data_->ascent_to_descent = static_cast<float>(std::max(1, ascent - descent));
}
Font::~Font() = default;
Font::Font(Font&&) noexcept = default;
Font& Font::operator=(Font&&) noexcept = default;

GlyphBitmap Font::glyph(char32_t codepoint, float pixel_height) const {
  const auto cp = static_cast<int>(codepoint);
  if (stbtt_FindGlyphIndex(&data_->info, cp) == 0)
    throw Error(file_.string() + ": the font has no glyph for U+" + std::to_string(cp));
  const float scale = pixel_height / data_->ascent_to_descent;
  int w = 0, h = 0, xoff = 0, yoff = 0;
  unsigned char* bitmap = stbtt_GetCodepointBitmap(&data_->info, scale, scale, cp, &w, &h, &xoff, &yoff);
  GlyphBitmap out;
  if (bitmap) {
    // Crop to the ink: stb's box can carry empty rows and columns from the outline's control points.
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (bitmap[y * w + x] > 0) {
          x0 = std::min(x0, x);
          x1 = std::max(x1, x);
          y0 = std::min(y0, y);
          y1 = std::max(y1, y);
        }
    if (x1 >= 0) {
      out.width = x1 - x0 + 1;
      out.height = y1 - y0 + 1;
      out.coverage.resize(static_cast<std::size_t>(out.width) * out.height);
      for (int y = 0; y < out.height; ++y)
        std::copy_n(bitmap + (y0 + y) * w + x0, out.width,
                    out.coverage.begin() + static_cast<std::ptrdiff_t>(y) * out.width);
    }
    stbtt_FreeBitmap(bitmap, nullptr);
  }
  if (out.width == 0) throw Error(file_.string() + ": the glyph U+" + std::to_string(cp) + " has no ink");
  return out;
}

namespace {
// Pen positions along a line of ASCII text: `at(codepoint, pen)` for each character, pen in
// pixels from the start; returns the line's width (advances plus kerning).
template <typename At>
float layOut(const stbtt_fontinfo& info, const std::string& text, float scale, At at) {
  float pen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int cp = static_cast<unsigned char>(text[i]);
    at(cp, pen);
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&info, cp, &advance, &bearing);
    pen += static_cast<float>(advance) * scale;
    if (i + 1 < text.size())
      pen +=
          static_cast<float>(stbtt_GetCodepointKernAdvance(&info, cp, static_cast<unsigned char>(text[i + 1]))) * scale;
  }
  return pen;
}
}  // namespace

int Font::textWidth(const std::string& text, float pixel_height) const {
  const float scale = pixel_height / data_->ascent_to_descent;
  return static_cast<int>(std::ceil(layOut(data_->info, text, scale, [](int, float) {})));
}

int Font::drawText(std::vector<std::uint8_t>& canvas, int canvas_width, int canvas_height, int x, int y,
                   const std::string& text, float pixel_height, const std::uint8_t rgb[3]) const {
  const float scale = pixel_height / data_->ascent_to_descent;
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&data_->info, &ascent, &descent, &gap);
  const int baseline = y + static_cast<int>(std::lround(static_cast<float>(ascent) * scale));
  const float width = layOut(data_->info, text, scale, [&](int cp, float pen) {
    int w = 0, h = 0, xoff = 0, yoff = 0;
    unsigned char* bitmap = stbtt_GetCodepointBitmap(&data_->info, scale, scale, cp, &w, &h, &xoff, &yoff);
    if (!bitmap) return;
    const int left = x + static_cast<int>(std::lround(pen)) + xoff, top = baseline + yoff;
    for (int gy = 0; gy < h; ++gy)
      for (int gx = 0; gx < w; ++gx) {
        const int cx = left + gx, cy = top + gy;
        if (cx < 0 || cy < 0 || cx >= canvas_width || cy >= canvas_height) continue;
        const float a = bitmap[gy * w + gx] / 255.0F;
        std::uint8_t* px = &canvas[(static_cast<std::size_t>(cy) * canvas_width + cx) * 3];
        for (int c = 0; c < 3; ++c) px[c] = static_cast<std::uint8_t>(std::lround(px[c] * (1 - a) + rgb[c] * a));
      }
    stbtt_FreeBitmap(bitmap, nullptr);
  });
  return static_cast<int>(std::lround(width));
}

std::vector<FontFace> findDigitFonts(const std::vector<std::filesystem::path>& folders, bool any_ttf) {
  std::vector<std::filesystem::path> where = folders;
  if (where.empty())
    where = {"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation2",
             "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/freefont"};
  std::vector<FontFace> found;
  std::error_code ec;
  if (any_ttf) {
    for (const auto& folder : where) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.path().extension() == ".ttf" || entry.path().extension() == ".otf") files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) found.push_back({f, f.stem().string()});
    }
    return found;
  }
  // Faces whose digits look like ordinary print; thin (ExtraLight), monospaced FreeMono and
  // script-like italics are left out because their strokes vanish at 32 x 32.
  static const std::pair<const char*, const char*> kFaces[] = {
      {"DejaVuSans.ttf", "DejaVu Sans"},
      {"DejaVuSans-Bold.ttf", "DejaVu Sans Bold"},
      {"DejaVuSans-Oblique.ttf", "DejaVu Sans Oblique"},
      {"DejaVuSans-BoldOblique.ttf", "DejaVu Sans Bold Oblique"},
      {"DejaVuSansCondensed.ttf", "DejaVu Sans Condensed"},
      {"DejaVuSansCondensed-Bold.ttf", "DejaVu Sans Condensed Bold"},
      {"DejaVuSerif.ttf", "DejaVu Serif"},
      {"DejaVuSerif-Bold.ttf", "DejaVu Serif Bold"},
      {"DejaVuSansMono.ttf", "DejaVu Sans Mono"},
      {"DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono Bold"},
      {"LiberationSans-Regular.ttf", "Liberation Sans"},
      {"LiberationSans-Bold.ttf", "Liberation Sans Bold"},
      {"LiberationSans-Italic.ttf", "Liberation Sans Italic"},
      {"LiberationSerif-Regular.ttf", "Liberation Serif"},
      {"LiberationSerif-Bold.ttf", "Liberation Serif Bold"},
      {"LiberationMono-Bold.ttf", "Liberation Mono Bold"},
      {"FreeSans.ttf", "FreeSans"},
      {"FreeSansBold.ttf", "FreeSans Bold"},
      {"FreeSansOblique.ttf", "FreeSans Oblique"},
      {"FreeSerif.ttf", "FreeSerif"},
      {"FreeSerifBold.ttf", "FreeSerif Bold"},
  };
  for (const auto& [file, name] : kFaces)
    for (const auto& folder : where) {
      const std::filesystem::path path = folder / file;
      if (std::filesystem::is_regular_file(path, ec)) {
        found.push_back({path, name});
        break;
      }
    }
  return found;
}

}  // namespace phasewise::core
