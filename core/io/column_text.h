#pragma once
// Reading whitespace- or comma-separated numeric columns (.xy, .xye, .dat, .csv, .chi) with
// the strictness a scientist expects: comment and header lines are kept, every data row must
// have the same number of numbers, and the first bad row is reported by line and column.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/axis.h"
#include "model/library.h"
#include "util/progress.h"

namespace phasewise::core {

struct ColumnTextOptions {
  std::string_view separators = " \t,;";
  std::string_view comment_prefixes = "#!%";
  bool header_row = false;     // the first non-comment line names the columns (CSV)
  std::size_t skip_lines = 0;  // fixed header lines to keep as text (Fit2D .chi has 4)
  std::size_t min_columns = 2;
  std::size_t max_columns = 3;  // 0: no limit
  ProgressCallback progress;
};

struct ColumnText {
  std::vector<std::string> header_lines;  // comments and text lines before the data
  std::vector<std::string> column_names;  // the header row, when options.header_row
  std::vector<std::vector<double>> columns;
  std::vector<std::size_t> line_numbers;  // file line of each data row
};

// Throws FormatError(file, line, "column k", ...) for rows that are not numbers, rows of the
// wrong width, NaN or Inf values, and files without data rows.
[[nodiscard]] ColumnText readColumnText(const std::filesystem::path& path, const ColumnTextOptions& options);

// Axis kind and unit named by a column label or header line ("2theta", "Q (nm^-1)", ...).
[[nodiscard]] std::optional<AxisSpec> axisFromLabel(std::string_view label);
// A wavelength in Angstrom stated in a header line ("wavelength = 1.5406", "lambda: 0.7107 A").
[[nodiscard]] std::optional<double> wavelengthFromText(std::string_view text);

// A library of patterns sharing the axis column `x` (reported with the file's line numbers).
// A strictly decreasing axis is reversed (with a warning); repeats and other disorder are
// errors naming both lines.
[[nodiscard]] Library libraryFromColumns(const std::string& file, const std::vector<double>& x,
                                         const std::vector<std::size_t>& line_numbers,
                                         const std::vector<const std::vector<double>*>& patterns,
                                         const std::vector<double>* sigma, const AxisSpec& spec,
                                         std::vector<std::string>& warnings);

}  // namespace phasewise::core
