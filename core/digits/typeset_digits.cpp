#include "digits/typeset_digits.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr int kBitmap = 32;
constexpr float kGlyphPixels = 128;  // glyphs are rasterised at 4x the bitmap, then sampled

// Bilinear coverage of the glyph at a (continuous) glyph-pixel position.
float sample(const GlyphBitmap& g, double x, double y) {
  const double fx = x - 0.5, fy = y - 0.5;
  const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
  const auto tx = static_cast<float>(fx - x0), ty = static_cast<float>(fy - y0);
  return (g.at(x0, y0) * (1 - tx) + g.at(x0 + 1, y0) * tx) * (1 - ty) +
         (g.at(x0, y0 + 1) * (1 - tx) + g.at(x0 + 1, y0 + 1) * tx) * ty;
}
}  // namespace

TypesetJitter TypesetJitter::none() {
  TypesetJitter j;
  j.max_rotation_degrees = 0;
  j.min_slant = j.max_slant = 0;
  j.min_height = j.max_height = 0.9;
  j.min_aspect = j.max_aspect = 1;
  j.max_shift = 0;
  j.min_threshold = j.max_threshold = 0.45;
  j.thicken_probability = 0;
  j.elastic = 0;
  return j;
}

std::vector<std::uint8_t> digitBitmap32(const GlyphBitmap& glyph, const TypesetJitter& j, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) { return a == b ? a : std::uniform_real_distribution<double>(a, b)(rng); };
  const double height = kBitmap * uniform(j.min_height, j.max_height);
  double scale = height / glyph.height;  // bitmap pixels per glyph pixel, vertically
  const double aspect = uniform(j.min_aspect, j.max_aspect);
  // Keep the digit inside the box even when widened.
  scale = std::min(scale, kBitmap * 0.95 / (glyph.width * aspect));
  const double sx = scale * aspect, sy = scale;
  const double angle = uniform(-j.max_rotation_degrees, j.max_rotation_degrees) * M_PI / 180.0;
  const double slant = uniform(j.min_slant, j.max_slant);
  const double dx = uniform(-j.max_shift, j.max_shift), dy = uniform(-j.max_shift, j.max_shift);
  const double threshold = uniform(j.min_threshold, j.max_threshold);
  const bool thicken = uniform(0, 1) < j.thicken_probability;
  // Elastic distortion: two random low-frequency waves per direction.
  double wave[2][2][4];  // [direction][wave]{amplitude, kx, ky, phase}
  for (auto& direction : wave)
    for (auto& w : direction) {
      w[0] = j.elastic * uniform(-1, 1) / std::sqrt(2.0);
      w[1] = 2 * M_PI / 16 * uniform(-1, 1);
      w[2] = 2 * M_PI / 16 * uniform(-1, 1);
      w[3] = uniform(0, 2 * M_PI);
    }
  auto displacement = [&](int direction, double u, double v) {
    double d = 0;
    for (const auto& w : wave[direction]) d += w[0] * std::sin(w[1] * u + w[2] * v + w[3]);
    return d;
  };
  // Forward map (glyph centre at the origin): scale, slant (x += slant * -y, up is -y), rotate,
  // then to the bitmap centre plus shift. Each bitmap pixel is sampled through the inverse.
  const double c = std::cos(angle), s = std::sin(angle);
  // A = R * S * D with D = diag(sx, sy), S = [[1, -slant], [0, 1]].
  const double a11 = c * sx, a12 = c * (-slant * sy) - s * sy;
  const double a21 = s * sx, a22 = s * (-slant * sy) + c * sy;
  const double det = a11 * a22 - a12 * a21;
  const double i11 = a22 / det, i12 = -a12 / det, i21 = -a21 / det, i22 = a11 / det;
  const double gx0 = glyph.width / 2.0, gy0 = glyph.height / 2.0;
  const double bx0 = kBitmap / 2.0 + dx, by0 = kBitmap / 2.0 + dy;
  std::vector<std::uint8_t> bitmap(kBitmap * kBitmap, 0);
  for (int y = 0; y < kBitmap; ++y)
    for (int x = 0; x < kBitmap; ++x) {
      // 2 x 2 samples per bitmap pixel: the glyph is 4x finer, so one sample would alias.
      float coverage = 0;
      for (int sy2 = 0; sy2 < 2; ++sy2)
        for (int sx2 = 0; sx2 < 2; ++sx2) {
          const double px = x + 0.25 + 0.5 * sx2, py = y + 0.25 + 0.5 * sy2;
          const double u = px + displacement(0, px, py) - bx0, v = py + displacement(1, px, py) - by0;
          coverage += sample(glyph, i11 * u + i12 * v + gx0, i21 * u + i22 * v + gy0);
        }
      bitmap[static_cast<std::size_t>(y) * kBitmap + x] = coverage / 4 >= threshold ? 1 : 0;
    }
  if (thicken) {
    const std::vector<std::uint8_t> before = bitmap;
    for (int y = 0; y < kBitmap; ++y)
      for (int x = 0; x < kBitmap; ++x) {
        const auto at = [&](int xx, int yy) {
          return xx >= 0 && yy >= 0 && xx < kBitmap && yy < kBitmap &&
                 before[static_cast<std::size_t>(yy) * kBitmap + xx] != 0;
        };
        if (at(x - 1, y) || at(x + 1, y) || at(x, y - 1) || at(x, y + 1))
          bitmap[static_cast<std::size_t>(y) * kBitmap + x] = 1;
      }
  }
  return bitmap;
}

std::vector<float> blockCount8(const std::vector<std::uint8_t>& bitmap32) {
  if (bitmap32.size() != kBitmap * kBitmap) throw Error("a digit bitmap must be 32 x 32");
  std::vector<float> out(64, 0.0F);
  for (int y = 0; y < kBitmap; ++y)
    for (int x = 0; x < kBitmap; ++x)
      out[static_cast<std::size_t>(y / 4) * 8 + x / 4] += bitmap32[static_cast<std::size_t>(y) * kBitmap + x];
  for (float& v : out) v /= 16.0F;
  return out;
}

LabelledImages renderTypesetDigits(const std::vector<Font>& fonts, int per_face, const TypesetJitter& jitter,
                                   std::uint64_t seed) {
  if (fonts.empty()) throw Error("no fonts to render typeset digits from");
  if (per_face < 1) throw Error("ask for at least one image per face and digit");
  LabelledImages out;
  out.height = out.width = 8;
  out.pixels.reserve(fonts.size() * 10 * static_cast<std::size_t>(per_face) * 64);
  std::uint64_t stream = seed * 1000003;
  for (const Font& font : fonts)
    for (int digit = 0; digit < 10; ++digit) {
      const GlyphBitmap glyph = font.glyph(U'0' + static_cast<char32_t>(digit), kGlyphPixels);
      for (int copy = 0; copy < per_face; ++copy) {
        const std::vector<float> image = blockCount8(digitBitmap32(glyph, jitter, ++stream));
        out.pixels.insert(out.pixels.end(), image.begin(), image.end());
        out.labels.push_back(digit);
      }
    }
  return out;
}

}  // namespace phasewise::core
