#include "digits/handwritten_digits.h"

#include <zlib.h>

#include <charconv>
#include <memory>
#include <string>

#include "util/error.h"

namespace phasewise::core {

namespace {
// One line of 64 pixels (0..16) and a label (0..9), comma-separated, appended to `out`.
void parseOptdigitsLine(const std::string& text, const std::string& name, std::size_t number, LabelledImages& out) {
  if (text.find_first_not_of(" \t\r") == std::string::npos) return;  // blank lines (a trailing one)
  std::size_t field = 0, start = 0;
  int values[65];
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (field >= 65) throw FormatError(name, number, "", "has more than 65 values (64 pixels and a label)");
    std::size_t a = start, b = end;
    while (a < b && (text[a] == ' ' || text[a] == '\t')) ++a;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r')) --b;
    int v = 0;
    const auto [ptr, err] = std::from_chars(text.data() + a, text.data() + b, v);
    const std::string what = field < 64 ? "pixel " + std::to_string(field + 1) : "label";
    if (a == b || err != std::errc() || ptr != text.data() + b)
      throw FormatError(name, number, what, "'" + text.substr(a, b - a) + "' is not an integer");
    if (field < 64 && (v < 0 || v > 16)) throw FormatError(name, number, what, "is outside 0..16");
    if (field == 64 && (v < 0 || v > 9)) throw FormatError(name, number, what, "is not a digit 0..9");
    values[field++] = v;
    start = end + 1;
  }
  if (field != 65)
    throw FormatError(name, number, "", "has " + std::to_string(field) + " values, expected 65 (64 pixels, label)");
  for (int i = 0; i < 64; ++i) out.pixels.push_back(static_cast<float>(values[i]) / 16.0F);
  out.labels.push_back(values[64]);
}
}  // namespace

LabelledImages readOptdigits(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw FormatError(name, 0, "", "does not exist");
  // zlib reads gzip'd and plain files alike.
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(name.c_str(), "rb"), gzclose);
  if (!in) throw FormatError(name, 0, "", "cannot be opened");
  LabelledImages out;
  out.height = out.width = 8;
  std::string line;
  char buffer[4096];
  std::size_t number = 0;
  auto parseLine = [&](const std::string& text) { parseOptdigitsLine(text, name, ++number, out); };
  while (gzgets(in.get(), buffer, sizeof buffer) != nullptr) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      parseLine(line);
      line.clear();
    }
  }
  int error = Z_OK;
  const char* message = gzerror(in.get(), &error);
  if (error != Z_OK && error != Z_STREAM_END)
    throw FormatError(name, number, "", std::string("cannot be decompressed (") + message + ")");
  if (!line.empty()) parseLine(line);
  if (out.count() == 0) throw FormatError(name, 0, "", "holds no images");
  return out;
}

}  // namespace phasewise::core
