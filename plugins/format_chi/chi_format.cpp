#include "format_chi/chi_format.h"

#include <cmath>

#include "io/column_text.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
std::vector<std::string> firstLines(const std::string& head, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (lines.size() < count && start < head.size()) {
    const std::size_t end = head.find_first_of("\r\n", start);
    if (end == std::string::npos) break;
    lines.emplace_back(trim(std::string_view(head).substr(start, end - start)));
    start = end + 1;
    if (start < head.size() && head[start - 1] == '\r' && head[start] == '\n') ++start;
  }
  return lines;
}
AxisSpec chiAxis(const std::string& label) {
  if (auto spec = axisFromLabel(label)) return *spec;
  const std::string l = lowercase(label);
  if (l.find("angle") != std::string::npos) return {AxisKind::TwoTheta, AxisUnit::Degree};
  if (l.find("q") != std::string::npos && l.find("ang") != std::string::npos)
    return {AxisKind::Q, AxisUnit::InverseAngstrom};
  if (l.find("q") != std::string::npos) return {AxisKind::Q, AxisUnit::InverseNanometre};
  throw Error("axis label '" + label + "' names neither 2-theta nor Q");
}
}  // namespace

int ChiReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty() || probe.head.find('\0') != std::string::npos) return 0;
  const bool ext = hasExtension(extensions(), probe.extension);
  const auto lines = firstLines(probe.head, 4);
  double count = 0;
  if (lines.size() == 4 && parseNumber(lines[3], count) && count >= 1) {
    const std::string label = lowercase(lines[1]);
    const bool axis_label = label.find("angle") != std::string::npos || label.find("q") != std::string::npos;
    if (axis_label) return ext ? 95 : 70;
  }
  // .chi is specific enough that a damaged one should get this reader's explanation.
  return ext ? 50 : 0;
}

ReadResult ChiReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  ColumnTextOptions text_options;
  text_options.skip_lines = 4;
  text_options.max_columns = 3;
  text_options.progress = options.progress;
  const ColumnText table = readColumnText(path, text_options);
  const std::string file = path.string();
  if (table.header_lines.size() < 4) throw FormatError(file, 0, "", "has fewer than the 4 header lines of a .chi file");
  double declared = 0;
  if (!parseNumber(table.header_lines[3], declared) || declared < 1 || declared != std::floor(declared))
    throw FormatError(file, 4, "point count", "'" + table.header_lines[3] + "' is not a number of points");
  // Compared as doubles: a count beyond any size_t (1e113) must not be converted to one.
  if (declared != static_cast<double>(table.columns[0].size()))
    throw FormatError(
        file, 4, "point count",
        "declares " + table.header_lines[3] + " points but the file holds " + std::to_string(table.columns[0].size()));
  AxisSpec spec;
  try {
    spec = options.axis ? *options.axis : chiAxis(table.header_lines[1]);
  } catch (const Error& e) {
    throw FormatError(file, 2, "axis label", e.what());
  }
  ReadResult result;
  result.library = libraryFromColumns(file, table.columns[0], table.line_numbers, {&table.columns[1]},
                                      table.columns.size() == 3 ? &table.columns[2] : nullptr, spec, result.warnings);
  result.library.metadata["title"] = table.header_lines[0];
  result.library.metadata["intensity_label"] = table.header_lines[2];
  return result;
}

}  // namespace phasewise::plugins
