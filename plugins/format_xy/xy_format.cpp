#include "format_xy/xy_format.h"

#include <fstream>

#include "io/column_text.h"
#include "io/text_header.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;

int numericRowsInHead(const std::string& head, std::size_t min_columns, std::size_t max_columns) {
  int rows = 0;
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  // The last line of the head may be cut short, so it is not judged.
  while (start < head.size()) {
    const std::size_t end = head.find_first_of("\r\n", start);
    if (end == std::string::npos) break;
    const std::string_view line = trim(std::string_view(head).substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    splitFields(line, " \t,;", fields);
    bool numeric = fields.size() >= min_columns && (max_columns == 0 || fields.size() <= max_columns);
    for (std::string_view f : fields) {
      double v = 0;
      numeric = numeric && parseNumber(f, v);
    }
    if (numeric)
      ++rows;
    else if (rows > 0)
      return -1;  // text after numbers: not this kind of file
  }
  return rows;
}

int XyReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty()) return 0;
  if (probe.head.find('\0') != std::string::npos) return 0;
  const int rows = numericRowsInHead(probe.head, 2, 3);
  const bool ext = hasExtension(extensions(), probe.extension);
  if (rows >= 3) return ext ? 80 : 40;
  if (rows > 0) return ext ? 60 : 20;
  return ext ? 10 : 0;  // claim our own extension weakly so that bad files get our error
}

ReadResult XyReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  ColumnTextOptions text_options;
  text_options.progress = options.progress;
  const ColumnText table = readColumnText(path, text_options);
  ReadResult result;
  std::optional<AxisSpec> spec = options.axis;
  std::optional<double> wavelength;
  for (const std::string& line : table.header_lines) {
    if (!spec) spec = axisFromLabel(line);
    if (!wavelength) wavelength = wavelengthFromText(line);
  }
  if (!spec) {
    spec = AxisSpec{AxisKind::TwoTheta, AxisUnit::Degree};
    result.warnings.push_back(
        "the file does not name its axis; the first column is read as 2-theta in degrees "
        "(pass --axis q_nm or q_A if it is Q)");
  }
  const bool has_sigma = table.columns.size() == 3;
  result.library = libraryFromColumns(path.string(), table.columns[0], table.line_numbers, {&table.columns[1]},
                                      has_sigma ? &table.columns[2] : nullptr, *spec, result.warnings);
  if (wavelength && spec->kind == AxisKind::TwoTheta) {
    result.library.axis.wavelength_angstrom = wavelength;
    result.library.metadata["wavelength_source"] = "file header";
  }
  std::string header;
  for (const std::string& line : table.header_lines) header += line + "\n";
  if (!header.empty()) result.library.metadata["header"] = header;
  return result;
}

void XyWriter::writeImpl(const Library& library, const std::filesystem::path& temporary_path) const {
  if (library.samples != 1)
    throw Error("an .xy file holds one pattern, but the library has " + std::to_string(library.samples) +
                "; write .csv, .h5 or an instance .txt instead");
  std::ofstream out(temporary_path, std::ios::binary);
  out << "# " << library.name << "\n";
  out << "# axis: " << library.axis.spec.name() << "\n";
  if (library.axis.wavelength_angstrom)
    out << "# wavelength: " << formatNumber(*library.axis.wavelength_angstrom) << " A\n";
  if (!library.provenance.empty()) out << "# source: " << library.provenance[0].file << "\n";
  out << libraryMetadataComments(library) << sampleMetadataComments(library, 0, "");
  const bool sigma = !library.uncertainties.empty();
  out << "# " << (library.axis.spec.kind == AxisKind::TwoTheta ? "2theta" : "q") << " intensity"
      << (sigma ? " sigma" : "") << "\n";
  std::string row;
  for (std::size_t i = 0; i < library.points(); ++i) {
    row.clear();
    appendNumber(row, library.axis.values[i]);
    row += ' ';
    appendNumber(row, library.intensities[i]);
    if (sigma) {
      row += ' ';
      appendNumber(row, library.uncertainties[i]);
    }
    row += '\n';
    out << row;
  }
  if (!out) throw Error("write failed: " + temporary_path.string());
}

}  // namespace phasewise::plugins
