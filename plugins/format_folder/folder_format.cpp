#include "format_folder/folder_format.h"

#include <algorithm>
#include <cmath>

#include "io/registry.h"
#include "model/resample.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
bool isFileColumn(std::string_view name) {
  const std::string l = lowercase(trim(name));
  return l == "file" || l == "filename" || l == "pattern" || l == "path";
}

struct TableRow {
  std::size_t line = 0;
  std::string file;
  std::vector<double> fractions;
  std::optional<double> x, y;
};
}  // namespace

std::filesystem::path findCompositionTable(const std::filesystem::path& folder) {
  std::error_code ec;
  std::vector<std::filesystem::path> candidates;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (lowercase(entry.path().extension().string()) == ".csv") candidates.push_back(entry.path());
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string_view> fields;
  for (const auto& c : candidates) {
    const std::string head = readHead(c, 4096);
    const std::string first_line = head.substr(0, head.find_first_of("\r\n"));
    splitFields(first_line, ",;\t", fields);
    if (!fields.empty() && isFileColumn(fields.front())) return c;
  }
  return {};
}

int FolderReader::confidence(const FileProbe& probe) const {
  if (!probe.is_directory) return 0;
  return findCompositionTable(probe.path).empty() ? 0 : 85;
}

namespace {

// The composition table: file, element columns..., optional x, y.
struct CompositionTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::size_t> element_columns;
  std::optional<std::size_t> x_column, y_column;
  std::vector<TableRow> rows;
};

void readHeader(const std::vector<std::string_view>& fields, std::size_t line, CompositionTable& t) {
  for (std::string_view f : fields) t.header.emplace_back(trim(f));
  for (std::size_t k = 1; k < t.header.size(); ++k) {
    const std::string l = lowercase(t.header[k]);
    if (l == "x")
      t.x_column = k;
    else if (l == "y")
      t.y_column = k;
    else
      t.element_columns.push_back(k);
  }
  if (t.element_columns.empty()) throw FormatError(t.file, line, "header", "names no element columns");
  if (t.x_column.has_value() != t.y_column.has_value())
    throw FormatError(t.file, line, "header", "has an x column without y or the reverse");
}

CompositionTable readCompositionTable(const std::filesystem::path& table_path) {
  CompositionTable t;
  t.file = table_path.string();
  LineReader reader(table_path);
  std::string_view line;
  std::vector<std::string_view> fields;
  while (reader.next(line)) {
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    splitFields(content, ",;\t", fields);
    if (t.header.empty()) {
      readHeader(fields, reader.lineNumber(), t);
      continue;
    }
    if (fields.size() != t.header.size())
      throw FormatError(
          t.file, reader.lineNumber(), "",
          "has " + std::to_string(fields.size()) + " fields, the header names " + std::to_string(t.header.size()));
    TableRow row;
    row.line = reader.lineNumber();
    row.file = std::string(fields[0]);
    if (row.file.empty()) throw FormatError(t.file, row.line, t.header[0], "is empty");
    auto number = [&](std::size_t k) {
      double v = 0;
      if (!parseNumber(fields[k], v) || !std::isfinite(v))
        throw FormatError(t.file, row.line, t.header[k], "'" + std::string(fields[k]) + "' is not a finite number");
      return v;
    };
    for (std::size_t k : t.element_columns) row.fractions.push_back(number(k));
    if (t.x_column) {
      row.x = number(*t.x_column);
      row.y = number(*t.y_column);
    }
    t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) throw FormatError(t.file, reader.lineNumber(), "", "lists no pattern files");
  return t;
}

// Every pattern with the reader that claims it, one pattern per file.
std::vector<Library> readPatterns(const CompositionTable& t, const std::filesystem::path& folder,
                                  const ReadOptions& options, const FormatRegistry& registry, ReadResult& result) {
  std::vector<Library> parts;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    reportProgress(options.progress, static_cast<double>(r) / static_cast<double>(t.rows.size()), "reading patterns");
    const std::filesystem::path pattern_path = folder / t.rows[r].file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(pattern_path, ec))
      throw FormatError(t.file, t.rows[r].line, t.header[0],
                        "'" + t.rows[r].file + "' is not a file in " + folder.string());
    ReadOptions part_options = options;
    part_options.progress = nullptr;
    ReadResult part = registry.read(pattern_path, part_options);
    if (part.library.samples != 1)
      throw FormatError(
          t.file, t.rows[r].line, t.header[0],
          "'" + t.rows[r].file + "' holds " + std::to_string(part.library.samples) + " patterns, expected one");
    for (const std::string& w : part.warnings) result.warnings.push_back(t.rows[r].file + ": " + w);
    parts.push_back(std::move(part.library));
  }
  return parts;
}

// Each part's axis in one spec (the first file's; Q when kinds or 2-theta wavelengths differ).
std::vector<Axis> axesInOneSpec(const std::vector<Library>& parts, const CompositionTable& t, ReadResult& result) {
  AxisSpec spec = parts.front().axis.spec;
  bool mixed_wavelengths = false;
  for (const Library& p : parts) {
    if (p.axis.spec.kind != spec.kind) spec = AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre};
    mixed_wavelengths = mixed_wavelengths || p.axis.wavelength_angstrom != parts.front().axis.wavelength_angstrom;
  }
  if (spec.kind == AxisKind::TwoTheta && mixed_wavelengths) {
    spec = AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre};
    result.warnings.push_back("the files were measured at different wavelengths; the library is on Q (nm^-1)");
  }
  std::vector<Axis> axes;
  for (std::size_t r = 0; r < parts.size(); ++r) {
    try {
      axes.push_back(convertAxis(parts[r].axis, spec));
    } catch (const Error& e) {
      throw FormatError(t.file, t.rows[r].line, t.header[0], t.rows[r].file + ": " + e.what());
    }
  }
  return axes;
}

}  // namespace

ReadResult FolderReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::filesystem::path table_path = findCompositionTable(path);
  if (table_path.empty())
    throw FormatError(path.string(), 0, "composition table", "the folder has no CSV whose header starts with 'file'");
  const CompositionTable t = readCompositionTable(table_path);
  ReadResult result;
  const std::vector<Library> parts = readPatterns(t, path, options, registry_, result);
  const std::vector<Axis> axes = axesInOneSpec(parts, t, result);
  bool same = true;
  for (const Axis& a : axes) same = same && a.values == axes.front().values;
  Axis grid = axes.front();
  if (!same) {
    grid.values = commonGrid(axes);
    result.warnings.push_back("the files' axes differ; all patterns were interpolated onto " +
                              std::to_string(grid.values.size()) + " common points of " + grid.spec.name());
  }
  if (grid.spec.kind == AxisKind::Q) grid.wavelength_angstrom.reset();
  Library& lib = result.library;
  lib.name = path.filename().string();
  lib.axis = grid;
  lib.samples = parts.size();
  const std::size_t m = grid.values.size();
  lib.intensities.resize(lib.samples * m);
  for (const std::size_t k : t.element_columns) lib.elements.push_back(t.header[k]);
  lib.composition.reserve(lib.samples * lib.elements.size());
  for (std::size_t r = 0; r < parts.size(); ++r) {
    Library one = parts[r];
    one.axis = axes[r];
    one = same ? one : resample(one, grid);
    std::copy(one.intensities.begin(), one.intensities.end(),
              lib.intensities.begin() + static_cast<std::ptrdiff_t>(r * m));
    lib.composition.insert(lib.composition.end(), t.rows[r].fractions.begin(), t.rows[r].fractions.end());
    if (t.x_column) {
      lib.x.push_back(*t.rows[r].x);
      lib.y.push_back(*t.rows[r].y);
    }
    lib.provenance.push_back({(path / t.rows[r].file).string(), 0});
  }
  lib.metadata["composition_table"] = table_path.filename().string();
  if (convertPercentCompositions(lib))
    result.warnings.push_back("compositions are given in percent; converted to fractions");
  for (std::size_t s = 0; s < lib.samples; ++s) {
    double sum = 0;
    for (std::size_t e = 0; e < lib.elements.size(); ++e) sum += lib.fraction(s, e);
    if (std::abs(sum - 1.0) > 0.02)
      throw FormatError(t.file, t.rows[s].line, "", "element fractions sum to " + formatNumber(sum) + ", expected 1");
  }
  return result;
}

}  // namespace phasewise::plugins
