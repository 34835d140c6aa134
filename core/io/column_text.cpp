#include "io/column_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
bool isComment(std::string_view line, std::string_view prefixes) {
  return !line.empty() && (prefixes.find(line.front()) != std::string_view::npos || line.substr(0, 2) == "//");
}

// The first row of numbers fixes the width: within the options' bounds, and matching the
// header row when there is one.
void checkFirstRowWidth(std::size_t width, const ColumnText& table, const ColumnTextOptions& options,
                        const std::string& file, std::size_t line) {
  if (width < options.min_columns || (options.max_columns != 0 && width > options.max_columns))
    throw FormatError(file, line, "",
                      "has " + std::to_string(width) + " columns, expected " + std::to_string(options.min_columns) +
                          (options.max_columns == options.min_columns ? std::string()
                           : options.max_columns == 0                 ? " or more"
                                                                      : " to " + std::to_string(options.max_columns)));
  if (options.header_row && width != table.column_names.size())
    throw FormatError(file, line, "",
                      "has " + std::to_string(width) + " values but the header row names " +
                          std::to_string(table.column_names.size()) + " columns");
}

void readHeaderRow(const std::vector<std::string_view>& fields, ColumnText& table) {
  for (std::string_view f : fields) {
    if (f.size() >= 2 && (f.front() == '"' || f.front() == '\'') && f.back() == f.front())
      f = f.substr(1, f.size() - 2);
    table.column_names.emplace_back(f);
  }
}

// The index of the first field that is not a number, or fields.size().
std::size_t firstNonNumber(const std::vector<std::string_view>& fields) {
  for (std::size_t k = 0; k < fields.size(); ++k) {
    double v = 0;
    if (!parseNumber(fields[k], v)) return k;
  }
  return fields.size();
}
}  // namespace

ColumnText readColumnText(const std::filesystem::path& path, const ColumnTextOptions& options) {
  const std::string file = path.string();
  LineReader reader(path);
  ColumnText table;
  std::vector<std::string_view> fields;
  std::size_t width = 0;
  std::size_t width_line = 0;
  std::string_view line;
  while (reader.next(line)) {
    if (reader.lineNumber() % 4096 == 0 && reader.fileSize() > 0)
      reportProgress(options.progress, static_cast<double>(reader.bytesRead()) / static_cast<double>(reader.fileSize()),
                     "reading");
    if (reader.lineNumber() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (reader.lineNumber() <= options.skip_lines) {
      table.header_lines.emplace_back(trim(line));
      continue;
    }
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    if (isComment(content, options.comment_prefixes)) {
      if (width == 0) table.header_lines.emplace_back(content);
      continue;
    }
    splitFields(content, options.separators, fields);
    if (options.header_row && table.column_names.empty()) {
      readHeaderRow(fields, table);
      continue;
    }
    // A row of numbers, or (before any data) a free-text header line.
    const std::size_t bad = firstNonNumber(fields);
    if (bad < fields.size()) {
      if (width == 0 && !options.header_row) {
        table.header_lines.emplace_back(content);
        continue;
      }
      throw FormatError(file, reader.lineNumber(), "column " + std::to_string(bad + 1),
                        "'" + std::string(fields[bad].substr(0, 40)) + "' is not a number");
    }
    if (width == 0) {
      width = fields.size();
      width_line = reader.lineNumber();
      checkFirstRowWidth(width, table, options, file, width_line);
      table.columns.resize(width);
    } else if (fields.size() != width) {
      throw FormatError(file, reader.lineNumber(), "",
                        "has " + std::to_string(fields.size()) + " columns, expected " + std::to_string(width) +
                            " like line " + std::to_string(width_line));
    }
    for (std::size_t k = 0; k < width; ++k) {
      double v = 0;
      (void)parseNumber(fields[k], v);
      if (!std::isfinite(v))
        throw FormatError(file, reader.lineNumber(), "column " + std::to_string(k + 1),
                          "'" + std::string(fields[k]) + "' is not a finite number (NaN and Inf are not data)");
      table.columns[k].push_back(v);
    }
    table.line_numbers.push_back(reader.lineNumber());
  }
  if (table.columns.empty() || table.columns.front().empty()) {
    if (reader.lineNumber() == 0) throw FormatError(file, 0, "", "is empty");
    throw FormatError(file, reader.lineNumber(), "", "holds no rows of numbers");
  }
  return table;
}

std::optional<AxisSpec> axisFromLabel(std::string_view label) {
  const std::string l = lowercase(label);
  auto has = [&](const char* s) { return l.find(s) != std::string::npos; };
  if (has("2theta") || has("2-theta") || has("two_theta") || has("twotheta") || has("2th") || has("tth") ||
      has("2\xce\xb8") || has("2 theta"))
    return AxisSpec{AxisKind::TwoTheta, AxisUnit::Degree};
  const bool q_named = l == "q" || has("q (") || has("q(") || has("q_") || has("q [") || has("q/") || has("q in");
  if (has("nm^-1") || has("nm-1") || has("1/nm") || has("nm^{-1}") || (q_named && has("nm")))
    return AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre};
  if (has("a^-1") || has("a-1") || has("1/a") || has("\xc3\x85") || has("angstrom") || (q_named && has("a")))
    return AxisSpec{AxisKind::Q, AxisUnit::InverseAngstrom};
  return std::nullopt;
}

std::optional<double> wavelengthFromText(std::string_view text) {
  // "wavelength", "wave length" or "lambda", at most 24 characters that are not digits, then a
  // number: one linear pass (a backtracking regex overflowed the stack on a 30,000-digit line).
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const auto at = [&](std::size_t i, std::string_view word) {
    if (i + word.size() > text.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
      if (lower(text[i + k]) != word[k]) return false;
    return true;
  };
  const auto digit = [&](std::size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t j = 0;
    for (std::string_view word : {"wavelength", "wave length", "lambda"})
      if (at(i, word)) {
        j = i + word.size();
        break;
      }
    if (j == 0) continue;
    const std::size_t gap_end = std::min(text.size(), j + 24);
    while (j < gap_end && !digit(j) && !(text[j] == '.' && digit(j + 1))) ++j;
    if (!digit(j) && !(j < text.size() && text[j] == '.' && digit(j + 1))) continue;
    std::size_t end = j;
    while (digit(end)) ++end;
    if (end < text.size() && text[end] == '.' && digit(end + 1)) {
      ++end;
      while (digit(end)) ++end;
    }
    if (end - j > 32) return std::nullopt;  // no wavelength is written with that many digits
    double value = 0;
    if (parseNumber(text.substr(j, end - j), value) && value > 0.01 && value < 10.0) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

Library libraryFromColumns(const std::string& file, const std::vector<double>& x,
                           const std::vector<std::size_t>& line_numbers,
                           const std::vector<const std::vector<double>*>& patterns, const std::vector<double>* sigma,
                           const AxisSpec& spec, std::vector<std::string>& warnings) {
  const std::size_t m = x.size();
  const bool reversed = m > 1 && x[1] < x[0];
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[i] = reversed ? m - 1 - i : i;
  Library lib;
  lib.axis.spec = spec;
  lib.axis.values.resize(m);
  for (std::size_t i = 0; i < m; ++i) lib.axis.values[i] = x[order[i]];
  for (std::size_t i = 1; i < m; ++i) {
    if (!(lib.axis.values[i] > lib.axis.values[i - 1])) {
      const std::size_t here = line_numbers[order[i]];
      const std::size_t before = line_numbers[order[i - 1]];
      throw FormatError(file, std::max(here, before), "axis",
                        formatNumber(lib.axis.values[i]) +
                            (lib.axis.values[i] == lib.axis.values[i - 1] ? " repeats the value on line "
                                                                          : " breaks the order set by line ") +
                            std::to_string(std::min(here, before)) + " (the axis must be strictly monotonic)");
    }
  }
  if (reversed) warnings.push_back("the axis decreases; the pattern was reversed to increasing order");
  lib.samples = patterns.size();
  lib.intensities.resize(lib.samples * m);
  for (std::size_t s = 0; s < lib.samples; ++s)
    for (std::size_t i = 0; i < m; ++i) lib.intensities[s * m + i] = static_cast<float>((*patterns[s])[order[i]]);
  if (sigma) {
    lib.uncertainties.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
      const double v = (*sigma)[order[i]];
      if (v < 0) throw FormatError(file, line_numbers[order[i]], "uncertainty", "is negative");
      lib.uncertainties[i] = static_cast<float>(v);
    }
  }
  return lib;
}

}  // namespace phasewise::core
