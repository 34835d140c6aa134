#include "format_csv/csv_format.h"

#include <fstream>

#include "io/column_text.h"
#include "io/text_header.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
bool isSigmaName(const std::string& name) {
  const std::string l = lowercase(name);
  return l == "sigma" || l == "error" || l == "esd" || l == "uncertainty" || l == "err" || l == "stderr";
}
std::string firstLine(const std::string& head) {
  std::size_t start = 0;
  while (start < head.size()) {
    const std::size_t end = head.find_first_of("\r\n", start);
    const std::string line(
        trim(std::string_view(head).substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (!line.empty() && line.front() != '#') return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}
// The header row's names of the intensity columns: the samples' names, else "intensity" for
// one pattern and "sample k" for several. Separators and line breaks become spaces.
std::vector<std::string> columnNames(const Library& library) {
  const auto names = library.sample_metadata.find("name");
  std::vector<std::string> out;
  for (std::size_t s = 0; s < library.samples; ++s) {
    std::string name = names != library.sample_metadata.end() ? names->second[s] : "intensity";
    if (library.samples > 1 && names == library.sample_metadata.end()) name = "sample " + std::to_string(s + 1);
    for (char& c : name)
      if (c == ',' || c == '\n' || c == '\r') c = ' ';
    out.push_back(std::move(name));
  }
  return out;
}
}  // namespace

int CsvReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty() || probe.head.find('\0') != std::string::npos) return 0;
  const bool ext = hasExtension(extensions(), probe.extension);
  const std::string header = firstLine(probe.head);
  if (header.find(',') == std::string::npos) return ext ? 10 : 0;
  std::vector<std::string_view> fields;
  splitFields(header, ",", fields);
  const std::string first = lowercase(fields.front());
  if (first == "file" || first == "filename" || first == "pattern") return 0;  // a composition table
  double v = 0;
  const bool header_is_text = !parseNumber(fields.front(), v);
  if (header_is_text) return ext ? 75 : 35;
  return ext ? 15 : 0;
}

ReadResult CsvReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  ColumnTextOptions text_options;
  text_options.separators = ",;\t";
  text_options.comment_prefixes = "#";
  text_options.header_row = true;
  text_options.max_columns = 0;
  text_options.progress = options.progress;
  const ColumnText table = readColumnText(path, text_options);
  ReadResult result;
  // The axis column: the first whose name says what it is, else column 1.
  std::size_t axis_column = 0;
  std::optional<AxisSpec> spec = options.axis;
  for (std::size_t k = 0; k < table.column_names.size() && !options.axis; ++k) {
    if (auto named = axisFromLabel(table.column_names[k])) {
      spec = named;
      axis_column = k;
      break;
    }
  }
  if (!spec) {
    spec = AxisSpec{AxisKind::TwoTheta, AxisUnit::Degree};
    result.warnings.push_back("column '" + table.column_names[0] +
                              "' does not say whether it is 2-theta or Q; read as 2-theta in degrees "
                              "(pass --axis q_nm or q_A if it is Q)");
  }
  std::optional<double> wavelength;
  for (const std::string& line : table.header_lines)
    if (!wavelength) wavelength = wavelengthFromText(line);
  std::vector<const std::vector<double>*> patterns;
  std::vector<std::string> names;
  const std::vector<double>* sigma = nullptr;
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    if (k == axis_column) continue;
    if (isSigmaName(table.column_names[k])) {
      sigma = &table.columns[k];
      continue;
    }
    patterns.push_back(&table.columns[k]);
    names.push_back(table.column_names[k]);
  }
  if (patterns.empty()) throw FormatError(path.string(), 1, "header", "names no intensity column");
  if (sigma && patterns.size() != 1)
    throw FormatError(path.string(), 1, "header",
                      "an uncertainty column is only understood next to one intensity column");
  result.library = libraryFromColumns(path.string(), table.columns[axis_column], table.line_numbers, patterns, sigma,
                                      *spec, result.warnings);
  if (patterns.size() > 1) result.library.sample_metadata["name"] = names;
  if (wavelength && spec->kind == AxisKind::TwoTheta) {
    result.library.axis.wavelength_angstrom = wavelength;
    result.library.metadata["wavelength_source"] = "file header";
  }
  return result;
}

void CsvWriter::writeImpl(const Library& library, const std::filesystem::path& temporary_path) const {
  std::ofstream out(temporary_path, std::ios::binary);
  if (!library.name.empty()) out << "# " << library.name << "\n";
  if (library.axis.wavelength_angstrom)
    out << "# wavelength: " << formatNumber(*library.axis.wavelength_angstrom) << " A\n";
  out << libraryMetadataComments(library);
  const std::vector<std::string> columns = columnNames(library);
  for (std::size_t s = 0; s < library.samples; ++s) out << sampleMetadataComments(library, s, columns[s]);
  out << (library.axis.spec.kind == AxisKind::TwoTheta ? "2theta (deg)"
                                                       : "Q (" + unitName(library.axis.spec.unit) + ")");
  for (const std::string& name : columns) out << ',' << name;
  const bool sigma = !library.uncertainties.empty() && library.samples == 1;
  if (sigma) out << ",sigma";
  out << '\n';
  std::string row;
  for (std::size_t i = 0; i < library.points(); ++i) {
    row.clear();
    appendNumber(row, library.axis.values[i]);
    for (std::size_t s = 0; s < library.samples; ++s) {
      row += ',';
      appendNumber(row, library.intensities[s * library.points() + i]);
    }
    if (sigma) {
      row += ',';
      appendNumber(row, library.uncertainties[i]);
    }
    row += '\n';
    out << row;
  }
  if (!out) throw Error("write failed: " + temporary_path.string());
}

}  // namespace phasewise::plugins
