#include "digits/refinement_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "digits/canvas.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr int kZoom = 8;
constexpr float kText = 13, kTitle = 17;
constexpr Rgb kBlack{0, 0, 0}, kGrey{110, 110, 110}, kFrame{200, 200, 200}, kGood{0, 120, 0}, kBad{190, 0, 0};

std::string guess(const Prediction& p) {
  if (p.top.empty()) return "?";
  char text[32];
  std::snprintf(text, sizeof text, "%d  %.0f%%", p.top.front(), 100.0 * p.probability.front());
  return text;
}
}  // namespace

void writeRefinementFigure(const std::filesystem::path& file, const Font& font, const std::string& title,
                           const std::string& subtitle, const std::vector<FigureColumn>& columns, int height,
                           int width) {
  if (columns.empty()) throw Error("a refinement figure needs at least one digit");
  const int cell_w = std::max(width * kZoom + 16, 84), image_h = height * kZoom;
  const int left = 78, top = 58, caption = 18, header = 18;
  const int row_h = image_h + caption + 8;
  Canvas canvas(left + cell_w * static_cast<int>(columns.size()) + 8, top + header + 3 * row_h + 8);
  canvas.text(font, 8, 6, title, kTitle, kBlack);
  canvas.text(font, 8, 30, subtitle, kText, kGrey);
  const char* row_names[3] = {"original", "refined", "change"};
  for (int r = 0; r < 3; ++r)
    canvas.text(font, 8, top + header + r * row_h + image_h / 2 - 7, row_names[r], kText, kBlack);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const FigureColumn& col = columns[c];
    const int x = left + static_cast<int>(c) * cell_w, image_x = x + (cell_w - width * kZoom) / 2;
    std::string head = "label " + std::to_string(col.label);
    if (col.target >= 0 && col.target != col.label) head += " > " + std::to_string(col.target);
    canvas.text(font, x + (cell_w - font.textWidth(head, kText)) / 2, top, head, kText, kBlack);
    std::vector<float> change(col.original.size());
    for (std::size_t i = 0; i < change.size(); ++i) change[i] = col.refined[i] - col.original[i];
    const std::vector<float>* images[3] = {&col.original, &col.refined, &change};
    for (int r = 0; r < 3; ++r) {
      const int y = top + header + r * row_h;
      if (r < 2)
        canvas.image(image_x, y, images[r]->data(), width, height, kZoom, inkColour);
      else
        canvas.image(image_x, y, images[r]->data(), width, height, kZoom, changeColour);
      canvas.frame(image_x - 1, y - 1, width * kZoom + 2, image_h + 2, kFrame);
      std::string text;
      Rgb colour = kBlack;
      if (r < 2) {
        const Prediction& p = r == 0 ? col.before : col.after;
        text = guess(p);
        const int wanted = col.target >= 0 ? col.target : col.label;
        colour = !p.top.empty() && p.top.front() == wanted ? kGood : kBad;
      } else {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "change %.0f%%", 100.0 * col.relative_change);
        text = buffer;
        colour = kGrey;
      }
      canvas.text(font, x + (cell_w - font.textWidth(text, kText)) / 2, y + image_h + 3, text, kText, colour);
    }
  }
  canvas.savePng(file);
}

void writeSampleSheet(const std::filesystem::path& file, const Font& font, const std::string& title,
                      const std::vector<SampleRow>& rows, int height, int width) {
  if (rows.empty()) throw Error("a sample sheet needs at least one row");
  const int zoom = 4, gap = 4, left = 190, top = 34;
  std::size_t most = 0;
  for (const SampleRow& row : rows) most = std::max(most, row.images.size());
  const int cell = width * zoom + gap, row_h = height * zoom + gap;
  Canvas canvas(left + cell * static_cast<int>(most) + 8, top + row_h * static_cast<int>(rows.size()) + 8);
  canvas.text(font, 8, 6, title, kTitle, kBlack);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const int y = top + static_cast<int>(r) * row_h;
    canvas.text(font, 8, y + (height * zoom - 12) / 2, rows[r].name, 12, kBlack);
    for (std::size_t c = 0; c < rows[r].images.size(); ++c)
      canvas.image(left + static_cast<int>(c) * cell, y, rows[r].images[c].data(), width, height, zoom, inkColour);
  }
  canvas.savePng(file);
}

}  // namespace phasewise::core
